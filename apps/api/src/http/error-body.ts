import {
  type ErrorCode,
  type ErrorObject,
  errorTable,
  statusOf,
  type ValidationIssue,
} from "@boxoffice/contracts";
import { isAppError, type Logger } from "@boxoffice/core";
import { isDatabaseUnavailable, pgErrorOf } from "@boxoffice/db";
import { TRPCError } from "@trpc/server";

interface IssueLike {
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
  message: string;
  code?: string;
  keys?: string[];
}

function hasIssues(err: unknown): err is { issues: IssueLike[] } {
  return typeof err === "object" && err !== null && Array.isArray((err as { issues?: unknown }).issues);
}

/** One issue per field: the first, which is the most basic (a wrong type before a length check on it). */
function toIssues(issues: IssueLike[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.flatMap(toFieldIssues).filter((issue) => !seen.has(issue.path) && seen.add(issue.path));
}

function toFieldIssues(issue: IssueLike): ValidationIssue[] {
  const base = (issue.path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join(".");
  // An unknown field is reported on the object that holds it; name the field itself instead.
  if (issue.code === "unrecognized_keys" && issue.keys?.length) {
    return issue.keys.map((key) => ({
      path: base ? `${base}.${key}` : key,
      message: "is not a known field",
      code: "unrecognized_key",
    }));
  }
  return [{ path: base, message: issue.message, code: issue.code ?? "invalid" }];
}

/** What a 503 for an unreachable database tells clients to wait: about as long as a restart takes. */
const DATABASE_RETRY_AFTER_SECONDS = 2;

const fromTrpcCode: Partial<Record<TRPCError["code"], ErrorCode>> = {
  PARSE_ERROR: "INVALID_JSON",
  BAD_REQUEST: "VALIDATION_FAILED",
  UNAUTHORIZED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  METHOD_NOT_SUPPORTED: "METHOD_NOT_ALLOWED",
  CONFLICT: "CONFLICT",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  TOO_MANY_REQUESTS: "RATE_LIMITED",
};

/**
 * The one translation from anything thrown to the public error object. Domain errors keep their code;
 * input validation lists every field path; anything unexpected becomes INTERNAL with no detail.
 */
export function toErrorObject(err: unknown, requestId: string | undefined): ErrorObject {
  const cause = err instanceof TRPCError ? err.cause : err;
  const withId = (o: Omit<ErrorObject, "requestId">): ErrorObject => (requestId ? { ...o, requestId } : o);
  if (isAppError(cause)) {
    return withId({
      code: cause.code,
      message: cause.message,
      ...(cause.details ? { details: cause.details } : {}),
    });
  }
  // The database is restarting or unreachable: nothing was written (a transaction cut short rolls back),
  // and the same request will work once it is back. That is a 503 to retry, not a bug to report as a 500.
  if (isDatabaseUnavailable(cause)) {
    return withId({
      code: "UNAVAILABLE",
      message: "The database is not answering: try again in a moment",
      details: { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
    });
  }
  // A last guard for text the contracts let through but PostgreSQL cannot store (a NUL byte).
  const pgCode = pgErrorOf(cause)?.code;
  if (pgCode === "22021" || pgCode === "22P05") {
    return withId({
      code: "VALIDATION_FAILED",
      message: "The request contains characters that cannot be stored",
    });
  }
  if (err instanceof TRPCError) {
    if (err.code === "BAD_REQUEST" && err.cause instanceof SyntaxError) {
      return withId({ code: "INVALID_JSON", message: errorTable.INVALID_JSON.message });
    }
    if (err.code === "BAD_REQUEST" && hasIssues(err.cause)) {
      const issues = toIssues(err.cause.issues);
      const fields = [...new Set(issues.map((i) => i.path || "(body)"))].join(", ");
      return withId({ code: "VALIDATION_FAILED", message: `Invalid input: ${fields}`, details: { issues } });
    }
    const code = fromTrpcCode[err.code];
    if (code) {
      const message =
        code === "VALIDATION_FAILED" || code === "INVALID_JSON" ? err.message : errorTable[code].message;
      return withId({ code, message });
    }
  }
  return withId({ code: "INTERNAL", message: errorTable.INTERNAL.message });
}

export function errorStatus(error: ErrorObject): number {
  return statusOf(error.code);
}

/** 5xx are ours to fix and are logged with the request id; 4xx are the caller's and are not errors. */
export function logServerError(error: unknown, ctx: { requestId: string; logger: Logger } | undefined): void {
  const body = toErrorObject(error, ctx?.requestId);
  if (errorStatus(body) >= 500) {
    const cause = error instanceof TRPCError ? (error.cause ?? error) : error;
    ctx?.logger.error({ err: loggable(cause), requestId: ctx.requestId }, "request failed");
  }
}

/** Headers an error response carries: a 429 says when to come back. */
export function applyErrorHeaders(error: ErrorObject, headers: Headers): void {
  const retryAfter = error.details?.retryAfterSeconds;
  if (typeof retryAfter === "number") {
    headers.set("Retry-After", String(retryAfter));
  }
}

/**
 * Drizzle's query errors carry the statement's parameters (emails, password and token hashes) in their
 * message; log the driver's own error and the SQL text instead.
 */
function loggable(err: unknown): unknown {
  const pg = pgErrorOf(err);
  if (!pg || !(err instanceof Error)) {
    return err;
  }
  const driver = (err as { cause?: unknown }).cause;
  return {
    type: err.name,
    code: pg.code,
    constraint: pg.constraint,
    message: driver instanceof Error ? driver.message : "database error",
    query: (err as { query?: unknown }).query,
    stack: err.stack
      ?.split("\n")
      .filter((line) => line.trimStart().startsWith("at "))
      .join("\n"),
  };
}
