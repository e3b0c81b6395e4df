import { type ErrorCode, errorTable, type ProcedureMeta, statusOf } from "@boxoffice/contracts";

/** What a route is, as far as the errors every route shares go. */
export interface RouteShape {
  method: string;
  /** It reads a JSON body (POST and PATCH; DELETE and GET take their input from the URL). */
  jsonBody: boolean;
  /** It needs `Authorization: Bearer`. */
  protect: boolean;
  idempotent: boolean;
  /** It takes input at all (GET /users/me takes none, so nothing in the request can be invalid). */
  takesInput: boolean;
}

export function routeShapeOf(meta: ProcedureMeta, takesInput: boolean): RouteShape {
  const method = meta.openapi.method;
  return {
    method,
    jsonBody: method === "POST" || method === "PATCH" || method === "PUT",
    protect: meta.openapi.protect ?? false,
    idempotent: meta.idempotent ?? false,
    takesInput,
  };
}

/**
 * The codes every route of a shape may answer, whatever it does: input validation, the body's own
 * refusals (not JSON, too large: the body limit applies to every method that may carry one), the bearer
 * token, the Idempotency-Key of an idempotent route, a bug, and the database being away (503 until it is
 * back, from any route that reads it).
 */
export function sharedErrors(shape: RouteShape): ErrorCode[] {
  const codes: ErrorCode[] = shape.takesInput || shape.idempotent ? ["VALIDATION_FAILED"] : [];
  if (shape.jsonBody) {
    codes.push("INVALID_JSON", "UNSUPPORTED_MEDIA_TYPE");
  }
  if (shape.method !== "GET") {
    codes.push("PAYLOAD_TOO_LARGE");
  }
  if (shape.protect) {
    codes.push("UNAUTHENTICATED", "INVALID_TOKEN");
  }
  if (shape.idempotent) {
    codes.push("IDEMPOTENCY_KEY_REUSED");
  }
  codes.push("INTERNAL", "UNAVAILABLE");
  return codes;
}

const ERROR_BODY_REF = "#/components/schemas/ErrorBody";

/** Statuses whose answer says when to come back. */
const RETRY_AFTER_STATUSES = new Set([429, 503]);

/**
 * One response per status, listing the codes that status may carry here: in its description, with each
 * code's meaning, and as the enum of `error.code`, narrowing the one ErrorBody schema.
 */
export function errorResponses(codes: readonly ErrorCode[]): Record<string, object> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = statusOf(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, object> = {};
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: statusCodes.map((code) => `\`${code}\`: ${errorTable[code].message}`).join("; "),
      ...(RETRY_AFTER_STATUSES.has(status)
        ? {
            headers: {
              "Retry-After": {
                description: "Seconds to wait before trying again",
                schema: { type: "integer", minimum: 0 },
              },
            },
          }
        : {}),
      content: {
        "application/json": {
          schema: {
            allOf: [{ $ref: ERROR_BODY_REF }],
            properties: { error: { properties: { code: { enum: statusCodes } } } },
          },
        },
      },
    };
  }
  return responses;
}
