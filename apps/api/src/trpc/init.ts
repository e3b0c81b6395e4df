import { type ProcedureMeta, statusOf } from "@boxoffice/contracts";
import { AppError, isAppError } from "@boxoffice/core";
import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { middlewareMarker } from "@trpc/server/unstable-core-do-not-import";
import { requireViewer } from "../http/bearer.ts";
import { applyErrorHeaders, errorStatus, toErrorObject } from "../http/error-body.ts";
import type { TrpcContext } from "./context.ts";
import { idempotent } from "./idempotency.ts";

const t = initTRPC
  .context<TrpcContext>()
  .meta<ProcedureMeta>()
  .create({
    /**
     * tRPC clients need `code` (a JSON-RPC number) and `message` on the error; everything a client acts on
     * sits in `data`, which is the same object a REST client gets as `error`.
     */
    errorFormatter({ shape, error, ctx }) {
      const body = toErrorObject(error, ctx?.requestId);
      if (ctx) {
        applyErrorHeaders(body, ctx.resHeaders);
      }
      return {
        message: body.message,
        code: shape.code,
        data: { ...body, httpStatus: errorStatus(body), path: shape.data.path },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

const trpcCodeByStatus: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  402: "PAYMENT_REQUIRED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_SUPPORTED",
  409: "CONFLICT",
  410: "NOT_FOUND",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  422: "UNPROCESSABLE_CONTENT",
  429: "TOO_MANY_REQUESTS",
  502: "BAD_GATEWAY",
  503: "SERVICE_UNAVAILABLE",
};

/**
 * Gives a domain error the matching tRPC code (tRPC would call every thrown error INTERNAL_SERVER_ERROR),
 * keeping the AppError as the cause the formatter reads.
 */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isAppError(result.error.cause)) {
    const cause = result.error.cause;
    // Nothing reads this wrapper's stack (errors are formatted and logged from the AppError), so skip
    // capturing one, as AppError does: a lost seat race ends here once per 409.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    const error = new TRPCError({
      code: trpcCodeByStatus[statusOf(cause.code)] ?? "INTERNAL_SERVER_ERROR",
      message: cause.message,
      cause,
    });
    Error.stackTraceLimit = limit;
    throw error;
  }
  return result;
});

export const publicProcedure = t.procedure.use(domainErrors);

/**
 * For procedures whose metadata says `idempotent`: a signed-in caller's retry with the same
 * `Idempotency-Key` gets the first answer, or waits for it (idempotency.ts says which answers are kept).
 * The request is the raw input, so the key is checked before anything else of the procedure runs.
 */
const idempotency = t.middleware(async ({ ctx, meta, path, getRawInput, next }) => {
  const key = ctx.idempotencyKey;
  if (!meta?.idempotent || key === undefined || !ctx.user) {
    return next();
  }
  let ran: Awaited<ReturnType<typeof next>> | undefined;
  const request = { userId: ctx.user.userId, scope: path, key, request: await getRawInput() };
  const data = await idempotent(
    ctx.deps,
    request,
    async () => {
      const result = await next();
      if (!result.ok) {
        // The domain's own refusal, so a 409 or 410 is kept and replayed as itself.
        throw isAppError(result.error.cause) ? result.error.cause : result.error;
      }
      ran = result;
      return result.data;
    },
    { status: meta.successStatus ?? 200 },
  );
  // A replay runs nothing below this middleware: it answers the first attempt's result itself, which is
  // what tRPC's marker on a middleware's result is for.
  return ran ?? { ok: true as const, data, marker: middlewareMarker };
});

export const authedProcedure = publicProcedure
  .use(async ({ ctx, next }) => {
    const user = await requireViewer(ctx.deps.tokens, ctx.authorization);
    return next({ ctx: { ...ctx, user } });
  })
  .use(idempotency);

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!ctx.user.roles.includes("admin")) {
    throw new AppError("FORBIDDEN", "This needs the admin role");
  }
  return next();
});

export const staffProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!ctx.user.roles.some((r) => r === "staff" || r === "admin")) {
    throw new AppError("FORBIDDEN", "This needs the staff role");
  }
  return next();
});

/**
 * Counts a request against a per-minute budget for its procedure (so an app's refreshes do not use up
 * its sign-in budget): per client address, and with `perUser` per signed-in user too, so one account
 * cannot hammer from many addresses nor one address with many accounts. Past it answers 429 with
 * Retry-After. A limit of 0 turns the check off.
 */
export function rateLimit(limitOf: (ctx: TrpcContext) => number, options: { perUser?: boolean } = {}) {
  return t.middleware(async ({ ctx, next, path }) => {
    const limit = limitOf(ctx);
    if (limit > 0) {
      const keys = [`${path}:ip:${ctx.clientIp}`];
      if (options.perUser && ctx.user) {
        keys.push(`${path}:user:${ctx.user.userId}`);
      }
      ctx.resHeaders.set("RateLimit-Limit", String(limit));
      let remaining = limit;
      for (const key of keys) {
        const verdict = await ctx.deps.rateLimiter.hit(key, limit, 60_000);
        remaining = Math.min(remaining, verdict.remaining);
        ctx.resHeaders.set("RateLimit-Remaining", String(remaining));
        if (!verdict.allowed) {
          throw new AppError("RATE_LIMITED", undefined, { retryAfterSeconds: verdict.retryAfterSeconds });
        }
      }
    }
    return next();
  });
}
