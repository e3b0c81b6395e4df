import type { z } from "zod";

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
