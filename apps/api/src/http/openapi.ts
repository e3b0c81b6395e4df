import * as contracts from "@boxoffice/contracts";
import { ErrorBodySchema, type ProcedureMeta } from "@boxoffice/contracts";
import { generateOpenApiDocument, type OpenAPIObject, type OpenApiRouter } from "trpc-to-openapi";
import { createSchema } from "zod-openapi";
import { procedureMetas } from "../trpc/procedure-metas.ts";
import type { AppRouter } from "../trpc/router.ts";
import { errorResponses, routeShapeOf, sharedErrors } from "./openapi-errors.ts";

type Operation = {
  operationId?: string;
  "x-trpc-procedure"?: string;
  summary?: string;
  description?: string;
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
};

const TAGS = [
  { name: "auth", description: "Accounts and sessions: register, sign in, refresh and sign out" },
  { name: "users", description: "Your own profile and notification preferences" },
  { name: "catalog", description: "Movies, theaters and showtimes, for anyone" },
  { name: "seats", description: "Seat availability and holds: seats kept for you while you pay" },
  { name: "payments", description: "Paying for a hold, and the providers' webhooks" },
  { name: "bookings", description: "Bookings, their tickets, and cancelling them" },
  { name: "admin", description: "The catalog and accounts, for admins" },
];

const IDEMPOTENCY_KEY = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    "Makes a retry safe: a retry with the same key (same user, same request) answers the first attempt's " +
    "result, or its 409/410 refusal, instead of running again. The same key with a different request is 422.",
  schema: { type: "string", pattern: "^[\\w.:-]{1,128}$" },
};

/**
 * The OpenAPI document for the REST API, built from the same procedures. Each operation lists the errors
 * its contract declares plus the ones every route of its shape shares, in the one `{ error: {...} }` body
 * the API really sends; creations answer with their real status.
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
      "`{ error: { code, message, details?, requestId } }` with the status given by the error code; each " +
      "response lists the codes it may carry.",
    baseUrl: "/api",
    securitySchemes: {
      bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
      // Only the ticket PDF takes it: the `signature` of a booking's ticketUrl, with its `expires`.
      ticketLink: {
        type: "apiKey",
        in: "query",
        name: "signature",
        description:
          "The signature in a booking's ticketUrl (with its expires): opens that ticket for 15 minutes",
      },
    },
  });
  doc.tags = TAGS;
  // ErrorBody carries an id, so createSchema answers a $ref to it and puts the schemas themselves (ErrorBody
  // and the ErrorObject it refers to) in `components`: those are what the document needs.
  const { components: errorComponents } = createSchema(ErrorBodySchema);
  doc.components ??= {};
  doc.components.schemas = { ...doc.components.schemas, ...errorComponents };

  const byRoute = new Map<string, { meta: ProcedureMeta; name: string; procedure: string }>();
  const nameByRoute = contractNames();
  for (const [procedure, meta] of procedureMetas(appRouter)) {
    const route = `${meta.openapi.method.toLowerCase()} ${meta.openapi.path}`;
    byRoute.set(route, { meta, name: nameByRoute.get(route) ?? "", procedure });
  }

  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      const found = byRoute.get(`${method} ${path}`);
      if (!found) {
        throw new Error(`no procedure serves ${method.toUpperCase()} ${path}`);
      }
      describeOperation(op, found.meta, found.name);
      // The same operation over tRPC, for clients (and the proof) that call both.
      op["x-trpc-procedure"] = found.procedure;
    }
  }
  addAdapterRoutes(doc, options.devPayments ?? false);
  pruneUnusedSchemas(doc);
  return doc;
}

function describeOperation(op: Operation, meta: ProcedureMeta, name: string): void {
  const shape = routeShapeOf(meta, (op.parameters ?? []).length > 0 || op.requestBody !== undefined);
  const codes = [...meta.errors, ...sharedErrors(shape)];
  const success = op.responses?.["200"];
  op.operationId = name;
  op.description = meta.openapi.description ?? meta.openapi.summary;
  if (meta.optionalAuth) {
    // Anyone may call it; a valid token adds what is the caller's own (an invalid one counts as none).
    op.security = [{}, { bearerAuth: [] }];
  } else {
    op.security = shape.protect ? [{ bearerAuth: [] }] : [];
  }
  if (shape.idempotent) {
    op.parameters = [...(op.parameters ?? []), IDEMPOTENCY_KEY];
  }
  op.responses = { [String(meta.successStatus ?? 200)]: success, ...errorResponses(codes) };
}

/** Each contract's export name by its route (`post /seats/hold` → `createHold`): the operationId. */
function contractNames(): Map<string, string> {
  const names = new Map<string, string>();
  for (const [name, value] of Object.entries(contracts)) {
    const meta = (value as { meta?: Partial<ProcedureMeta> } | undefined)?.meta;
    if (meta?.openapi?.path) {
      names.set(`${meta.openapi.method.toLowerCase()} ${meta.openapi.path}`, name);
    }
  }
  return names;
}

/**
 * Drops component schemas nothing refers to any more (the library's own error schemas, replaced by
 * ErrorBody), following references from the paths through the schemas they name.
 */
function pruneUnusedSchemas(doc: OpenAPIObject): void {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, unknown>;
  const used = new Set<string>();
  const pending = [JSON.stringify(doc.paths)];
  while (pending.length > 0) {
    for (const match of (pending.pop() ?? "").matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      const name = match[1] ?? "";
      if (!used.has(name) && schemas[name]) {
        used.add(name);
        pending.push(JSON.stringify(schemas[name]));
      }
    }
  }
  for (const name of Object.keys(schemas)) {
    if (!used.has(name)) {
      delete schemas[name];
    }
  }
}

/**
 * The routes that are not tRPC procedures (their bodies are not JSON-in/JSON-out): providers' webhooks,
 * the ticket PDF and the dev provider's pay page. Documented by hand, in the same error shape.
 */
function addAdapterRoutes(doc: OpenAPIObject, devPayments: boolean): void {
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
          required: ["received", "eventId", "type", "outcome", "duplicate"],
          properties: {
            received: { type: "boolean", const: true },
            eventId: { type: "string" },
            type: { type: "string" },
            outcome: { type: "string" },
            duplicate: { type: "boolean" },
          },
        },
      },
    },
  };
  const webhook = (operationId: string, summary: string, parameters: unknown[] = []) => ({
    post: {
      operationId,
      tags: ["payments"],
      summary,
      description:
        "Signed by the provider (`X-Razorpay-Signature` over the raw body, or `Stripe-Signature` with its " +
        "timestamp). Every event is recorded under an identity from the signed body (never from " +
        "`X-Razorpay-Event-Id`, which is not signed), so a replay under any header is a no-op. A 404 means " +
        "that provider is not enabled here; the provider retries a 5xx.",
      security: [],
      parameters,
      requestBody: raw,
      responses: {
        "200": received,
        ...errorResponses([
          "VALIDATION_FAILED",
          "INVALID_JSON",
          "INVALID_SIGNATURE",
          "NOT_FOUND",
          "PAYLOAD_TOO_LARGE",
          "INTERNAL",
          "UNAVAILABLE",
        ]),
      },
    },
  });
  const orderId = { name: "orderId", in: "path", required: true, schema: { type: "string" } };
  doc.paths ??= {};
  Object.assign(doc.paths, {
    "/payments/webhook": webhook("receiveWebhook", "Webhook of the configured payment provider"),
    "/payments/webhook/{provider}": webhook("receiveProviderWebhook", "Webhook of one provider", [
      {
        name: "provider",
        in: "path",
        required: true,
        schema: { type: "string", enum: ["razorpay", "stripe", "dev"] },
      },
    ]),
    "/bookings/{id}/ticket.pdf": {
      get: {
        operationId: "getTicketPdf",
        tags: ["bookings"],
        summary: "The ticket as a PDF: movie, theater, screen, seats, local show time, amount and QR",
        description:
          "For the booking's owner, staff and admins with their token (anyone else's booking is a 404, as on " +
          "GET /bookings/{id}), or for anyone through the booking's `ticketUrl`: the same path with `expires` " +
          "and `signature`, which works for 15 minutes with no token (an altered link is 403, an old one 410).",
        security: [{ bearerAuth: [] }, { ticketLink: [] }],
        parameters: [
          { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } },
          {
            name: "expires",
            in: "query",
            required: false,
            description: "From the booking's ticketUrl: when the link stops working (Unix seconds)",
            schema: { type: "string", pattern: "^[0-9]+$" },
          },
          {
            name: "signature",
            in: "query",
            required: false,
            description: "From the booking's ticketUrl: the API's signature over the booking and expires",
            schema: { type: "string" },
          },
        ],
        responses: {
          "200": {
            description: "The PDF",
            content: { "application/pdf": { schema: { type: "string", format: "binary" } } },
          },
          ...errorResponses([
            "VALIDATION_FAILED",
            "UNAUTHENTICATED",
            "INVALID_TOKEN",
            "FORBIDDEN",
            "NOT_FOUND",
            "GONE",
            "INTERNAL",
            "UNAVAILABLE",
          ]),
        },
      },
    },
  });
  if (!devPayments) {
    return;
  }
  const pageErrors = errorResponses(["VALIDATION_FAILED", "NOT_FOUND", "INTERNAL", "UNAVAILABLE"]);
  const returnUrl = {
    type: "string",
    format: "uri",
    description:
      "A page of one of CLIENT_URL's origins (any other is 400): once paid, the browser is sent there (303) " +
      "with `orderId` and `status` (`paid`, `failed` or `pending`) added to its query",
  };
  Object.assign(doc.paths, {
    "/payments/dev/pay/{orderId}": {
      get: {
        operationId: "getDevPayPage",
        tags: ["payments"],
        summary: "Dev provider only: the pay page for an order",
        description: "An HTML page with the order, its seats and total, and buttons to pay or fail it.",
        security: [],
        parameters: [orderId, { name: "returnUrl", in: "query", required: false, schema: returnUrl }],
        responses: {
          "200": {
            description: "An HTML page with a Pay button",
            content: { "text/html": { schema: { type: "string" } } },
          },
          ...pageErrors,
        },
      },
      post: {
        operationId: "devPay",
        tags: ["payments"],
        summary: "Dev provider only: pay an order (fires a correctly signed webhook at this server)",
        description:
          "Answers Checkout's handler fields, to send to POST /bookings/confirm. With `deliver: false` the " +
          "signed webhook comes back in the answer instead of being sent. The page's own form posts " +
          "form-encoded and gets an HTML page back (`Accept: text/html`).",
        security: [],
        parameters: [orderId],
        requestBody: {
          required: false,
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: {
                  amount: {
                    type: "integer",
                    minimum: 1,
                    description: "Pay a different amount (minor units)",
                  },
                  fail: { type: "boolean" },
                  deliver: {
                    type: "boolean",
                    description: "false: return the signed webhook instead of sending it",
                  },
                  returnUrl,
                },
              },
            },
            "application/x-www-form-urlencoded": {
              schema: {
                type: "object",
                properties: { fail: { type: "string", enum: ["true"] }, returnUrl },
              },
            },
          },
        },
        responses: {
          "303": {
            description: "With `returnUrl`: back to the client's page, with the order's id and status",
            headers: {
              Location: { description: "The returnUrl with orderId and status", schema: { type: "string" } },
            },
          },
          "200": {
            description: "Checkout's handler fields, and the webhook or what this server answered it",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["orderId", "paymentId", "signature"],
                  properties: {
                    orderId: { type: "string" },
                    paymentId: { type: "string" },
                    signature: { type: "string" },
                    webhook: {
                      type: "object",
                      description: "With `deliver: false`: the signed webhook, to send yourself",
                      required: ["body", "headers"],
                      properties: {
                        body: { type: "string" },
                        headers: { type: "object", additionalProperties: { type: "string" } },
                      },
                    },
                    webhookStatus: {
                      type: "integer",
                      description: "The status this server answered the webhook with",
                    },
                  },
                },
              },
              "text/html": { schema: { type: "string" } },
            },
          },
          ...errorResponses([
            "VALIDATION_FAILED",
            "INVALID_JSON",
            "NOT_FOUND",
            "PAYLOAD_TOO_LARGE",
            "INTERNAL",
            "UNAVAILABLE",
          ]),
        },
      },
    },
  });
}
