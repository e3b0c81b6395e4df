import { AppError } from "@boxoffice/core";
import type { Context } from "hono";
import type { AppEnv } from "./app-env.ts";
import { errorStatus, logServerError, toErrorObject } from "./error-body.ts";

/** Answers a thrown error in the API's one error shape. */
export function errorResponse(c: Context<AppEnv>, err: unknown): Response {
  const error = toErrorObject(err, c.var.requestId);
  logServerError(err, { requestId: c.var.requestId, logger: c.var.logger });
  return c.json({ error }, errorStatus(error) as 400);
}

/**
 * Answers any other method on a path these adapters serve as the REST routes do: 405 with Allow, never a
 * 404 for a path that exists. Register it after the path's real handlers.
 */
export function methodNotAllowed(allowed: string[]) {
  return (c: Context<AppEnv>): Response => {
    c.header("Allow", allowHeader(allowed));
    return errorResponse(c, new AppError("METHOD_NOT_ALLOWED"));
  };
}

/** The Allow header for a path's methods: HEAD goes with GET, which answers it. */
export function allowHeader(methods: string[]): string {
  const allowed = new Set(methods);
  if (allowed.has("GET")) {
    allowed.add("HEAD");
  }
  return [...allowed].join(", ");
}
