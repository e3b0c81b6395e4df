import { ErrorBodySchema } from "@boxoffice/contracts";
import { generateOpenApiDocument, type OpenAPIObject, type OpenApiRouter } from "trpc-to-openapi";
import { createSchema } from "zod-openapi";
import { procedureMetas } from "../trpc/procedure-metas.ts";
import type { AppRouter } from "../trpc/router.ts";

type Operation = { responses?: Record<string, unknown> };

/**
 * The OpenAPI document for the REST API, built from the same procedures. Error responses are rewritten
 * to the one `{ error: {...} }` body the API really sends, and creations answer with their real status.
 */
export function buildOpenApiDocument(
  appRouter: AppRouter,
  version: string,
  options: { devPayments?: boolean } = {},
): OpenAPIObject {
  // Our meta type requires `openapi`, the library's marks it optional: the router is structurally the same.
  const doc = generateOpenApiDocument(appRouter as unknown as OpenApiRouter, {
    title: "boxoffice API",
    version,
    description:
      "Movie-ticket booking. Every procedure is also served over tRPC at `/trpc`. Errors always answer " +
      "`{ error: { code, message, details?, requestId } }` with the status given by the error code.",
    baseUrl: "/api",
    securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
  });
  // ErrorBody carries an id, so createSchema answers a $ref to it and puts the schemas themselves (ErrorBody
  // and the ErrorObject it refers to) in `components`: those are what the document needs.
  const { components: errorComponents } = createSchema(ErrorBodySchema);
  doc.components ??= {};
  doc.components.schemas = { ...doc.components.schemas, ...errorComponents };
  const errorContent = { "application/json": { schema: { $ref: "#/components/schemas/ErrorBody" } } };

  const successStatusByRoute = new Map<string, number>();
  for (const meta of procedureMetas(appRouter).values()) {
    if (meta.successStatus) {
      successStatusByRoute.set(
        `${meta.openapi.method.toLowerCase()} ${meta.openapi.path}`,
        meta.successStatus,
      );
    }
  }

  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, Operation & { security?: unknown[] }>)) {
      op.responses ??= {};
      const responses = op.responses;
      for (const [status, description] of expectedErrors(path, method, (op.security ?? []).length > 0)) {
        responses[status] ??= { description };
      }
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400 || status === "default") {
          responses[status] = { ...(response as object), content: errorContent };
        }
      }
      const success = successStatusByRoute.get(`${method} ${path.replace(/^\/api/, "")}`);
      if (success && responses["200"]) {
        responses[String(success)] = responses["200"];
        delete responses["200"];
      }
    }
  }
  addAdapterRoutes(doc, errorContent, options.devPayments ?? false);
  return doc;
}

/**
 * The routes that are not tRPC procedures (their bodies are not JSON-in/JSON-out): providers' webhooks,
 * the ticket PDF and the dev provider's pay page. Documented by hand, in the same error shape.
 */
function addAdapterRoutes(doc: OpenAPIObject, errorContent: object, devPayments: boolean): void {
  const error = (description: string) => ({ description, content: errorContent });
  const raw = {
    required: true,
    description: "The provider's event, byte for byte as it was signed",
    content: { "application/json": { schema: { type: "object" } } },
  };
  const received = {
    description: "Accepted (also for a replay, which changes nothing)",
    content: {
      "application/json": {
        schema: {
          type: "object",
          properties: {
            received: { type: "boolean" },
            eventId: { type: "string" },
            type: { type: "string" },
            outcome: { type: "string" },
            duplicate: { type: "boolean" },
          },
        },
      },
    },
  };
  const webhook = (summary: string, parameters: unknown[] = []) => ({
    post: {
      tags: ["payments"],
      summary,
      description:
        "Signed by the provider (`X-Razorpay-Signature` over the raw body, or `Stripe-Signature` with its " +
        "timestamp). Every event is recorded under an identity from the signed body (never from " +
        "`X-Razorpay-Event-Id`, which is not signed), so a replay under any header is a no-op.",
      parameters,
      requestBody: raw,
      responses: {
        "200": received,
        "400": error("Forged or missing signature, or not an event (nothing changes)"),
        "404": error("That provider is not enabled here"),
        "413": error("Body too large"),
        "500": error("Unexpected server error (the provider retries)"),
      },
    },
  });
  const orderId = { name: "orderId", in: "path", required: true, schema: { type: "string" } };
  doc.paths ??= {};
  Object.assign(doc.paths, {
    "/payments/webhook": webhook("Webhook of the configured payment provider"),
    "/payments/webhook/{provider}": webhook("Webhook of one provider", [
      {
        name: "provider",
        in: "path",
        required: true,
        schema: { type: "string", enum: ["razorpay", "stripe", "dev"] },
      },
    ]),
    "/bookings/{id}/ticket.pdf": {
      get: {
        tags: ["bookings"],
        summary: "The ticket as a PDF: movie, theater, screen, seats, local show time, amount and QR",
        security: [{ bearerAuth: [] }],
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
        responses: {
          "200": {
            description: "The PDF",
            content: { "application/pdf": { schema: { type: "string", format: "binary" } } },
          },
          "400": error("Invalid input (VALIDATION_FAILED)"),
          "401": error("Missing, invalid or expired access token"),
          "404": error("No such booking (or not yours)"),
          "500": error("Unexpected server error"),
        },
      },
    },
  });
  if (!devPayments) {
    return;
  }
  Object.assign(doc.paths, {
    "/payments/dev/pay/{orderId}": {
      get: {
        tags: ["payments"],
        summary: "Dev provider only: the pay page for an order",
        parameters: [orderId],
        responses: {
          "200": {
            description: "An HTML page with a Pay button",
            content: { "text/html": { schema: { type: "string" } } },
          },
          "404": error("No such dev order"),
        },
      },
      post: {
        tags: ["payments"],
        summary: "Dev provider only: pay an order (fires a correctly signed webhook at this server)",
        parameters: [orderId],
        requestBody: {
          required: false,
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: {
                  amount: { type: "integer", description: "Pay a different amount (minor units)" },
                  fail: { type: "boolean" },
                  deliver: {
                    type: "boolean",
                    description: "false: return the signed webhook instead of sending it",
                  },
                },
              },
            },
          },
        },
        responses: {
          "200": { description: "Checkout's handler fields (orderId, paymentId, signature)" },
          "400": error("Invalid input"),
          "404": error("No such dev order"),
        },
      },
    },
  });
}

/** The routes that send or check an SMS code: with no SMS provider they answer 503 SMS_UNAVAILABLE. */
const PHONE_CODE_PATHS = new Set([
  "post /auth/otp/request",
  "post /auth/register",
  "post /auth/login",
  "patch /users/me",
]);

/** The errors a route can answer, from what it is: every status comes from the one error table. */
function expectedErrors(path: string, method: string, protectedRoute: boolean): Array<[string, string]> {
  const errors: Array<[string, string]> = [["400", "Invalid input (VALIDATION_FAILED, INVALID_JSON)"]];
  if (protectedRoute) {
    errors.push(["401", "Missing, invalid or expired access token"]);
  }
  if (path.startsWith("/admin/")) {
    errors.push(["403", "Needs the admin role"]);
  }
  if (path.includes("{")) {
    errors.push(["404", "No such resource"]);
  }
  if (method !== "get") {
    errors.push(
      ["409", "Conflicts with the current state"],
      ["413", "Body too large"],
      ["415", "Body is not JSON"],
    );
  }
  if (path.startsWith("/auth/")) {
    errors.push(["401", "Wrong credentials, token or code"], ["429", "Rate limited (see Retry-After)"]);
  }
  if (path === "/auth/refresh" || path === "/auth/logout") {
    errors.push(
      ["403", "The refresh cookie came from an origin not in CLIENT_URL"],
      ["415", "Body is not JSON (required when the refresh cookie is the credential)"],
    );
  }
  if (PHONE_CODE_PATHS.has(`${method} ${path}`)) {
    errors.push(["503", "SMS_UNAVAILABLE: phone sign-in is off, no SMS provider is configured"]);
  }
  errors.push(["500", "Unexpected server error"]);
  return errors;
}
