import type { z } from "zod";
import type { ErrorCode } from "./errors.ts";

type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/**
 * Procedure metadata: the REST mapping read by trpc-to-openapi, plus the status a REST client gets on
 * success when it is not 200. Kept structurally compatible with trpc-to-openapi's `OpenApiMeta` so the
 * contracts package needs no runtime dependency beyond zod.
 */
export type ProcedureMeta = {
  openapi: {
    method: HttpMethod;
    path: `/${string}`;
    summary: string;
    description?: string;
    tags: string[];
    protect?: boolean;
  };
  successStatus?: 200 | 201 | 202;
  /**
   * The error codes this operation answers for what it does (a missing resource, a conflict, a failed
   * payment), each with the status the error table gives it. Those every operation shares (validation,
   * a missing token where it needs one, a body that is not JSON or too large, 500, and 503 while the
   * database is away) are added by the API's OpenAPI document; a rate limit is listed here, as
   * RATE_LIMITED, where the operation's router applies one.
   */
  errors: readonly ErrorCode[];
  /** Anyone may call it, and a caller's bearer token, when valid, adds what is theirs to the answer. */
  optionalAuth?: boolean;
  /**
   * A signed-in caller's retry with the same `Idempotency-Key` header gets the first answer instead of
   * running again (the API's idempotency middleware reads this).
   */
  idempotent?: boolean;
};

export interface Contract<I extends z.ZodType, O extends z.ZodType> {
  meta: ProcedureMeta;
  input: I;
  output: O;
}

export function contract<I extends z.ZodType, O extends z.ZodType>(c: Contract<I, O>): Contract<I, O> {
  return c;
}
