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
export function buildOpenApiDocument(appRouter: AppRouter, version: string): OpenAPIObject {
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
  const { schema: errorSchema } = createSchema(ErrorBodySchema);
  doc.components ??= {};
  doc.components.schemas = { ...doc.components.schemas, ErrorBody: errorSchema };
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
  return doc;
}

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
  errors.push(["500", "Unexpected server error"]);
  return errors;
}
