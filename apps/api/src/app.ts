import type { ErrorBody, ErrorCode } from "@boxoffice/contracts";
import { AppError } from "@boxoffice/core";
import { getConnInfo } from "@hono/node-server/conninfo";
import { trpcServer } from "@hono/trpc-server";
import type { TRPCError } from "@trpc/server";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppDeps } from "./deps.ts";
import type { AppEnv } from "./http/app-env.ts";
import { declaredBodyLimit } from "./http/body-limit.ts";
import { corsHeaders } from "./http/cors.ts";
import { docsRoutes } from "./http/docs.ts";
import { errorStatus, logServerError, toErrorObject } from "./http/error-body.ts";
import { healthRoutes } from "./http/health.ts";
import { homeRoutes } from "./http/home.ts";
import { buildOpenApiDocument } from "./http/openapi.ts";
import { paymentRoutes } from "./http/payment-routes.ts";
import { createRestHandler } from "./http/rest-adapter.ts";
import { ticketRoutes } from "./http/ticket-routes.ts";
import { createTrpcContext, type TrpcContext } from "./trpc/context.ts";
import { appRouter } from "./trpc/router.ts";

export const API_VERSION = "0.1.0";
const REQUEST_ID = /^[\w.:-]{1,128}$/;

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const openApiDocument = buildOpenApiDocument(appRouter, API_VERSION, {
    devPayments: deps.devPayments !== undefined,
  });
  const rest = createRestHandler(appRouter);

  app.use(async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    const logger = deps.logger.child({ requestId });
    c.set("deps", deps);
    c.set("requestId", requestId);
    c.set("logger", logger);
    c.set(
      "clientIp",
      clientIp(c.req.raw.headers, deps.config.trustProxy, () => getConnInfo(c).remote.address),
    );
    const resHeaders = new Headers();
    c.set("resHeaders", resHeaders);
    const started = performance.now();
    await next();
    c.res.headers.set("x-request-id", requestId);
    for (const [key, value] of resHeaders) {
      if (key === "set-cookie") {
        continue;
      }
      c.res.headers.set(key, value);
    }
    for (const cookie of resHeaders.getSetCookie()) {
      c.res.headers.append("set-cookie", cookie);
    }
    logger.info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      "request",
    );
  });
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  app.use(
    corsHeaders({
      origins: deps.config.corsOrigins,
      allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id", "trpc-accept"],
      exposeHeaders: ["X-Request-Id", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining"],
      maxAge: 600,
    }),
  );
  // The 413 goes out before the body is read, and the Node adapter stops reading it soon after and drops
  // the socket: say so (Connection: close), or a client reuses the socket and its next request gets no answer.
  const close = { connection: "close" };
  app.use(
    "/api/*",
    declaredBodyLimit(deps.config.bodyLimitBytes, (c) =>
      c.json(errorBody("PAYLOAD_TOO_LARGE", c.get("requestId")), 413, close),
    ),
  );
  // On /trpc the same error object goes in tRPC's envelope, as `error.data`, so a tRPC client can read it.
  app.use(
    "/trpc/*",
    declaredBodyLimit(deps.config.bodyLimitBytes, (c) => {
      const { error } = errorBody("PAYLOAD_TOO_LARGE", c.get("requestId"));
      const envelope = {
        error: {
          message: error.message,
          code: TRPC_ERROR_CODES_BY_KEY.PAYLOAD_TOO_LARGE,
          data: { ...error, httpStatus: 413 },
        },
      };
      return c.json(envelope, 413, close);
    }),
  );

  app.route("/", healthRoutes(deps));
  app.get("/api/openapi.json", (c) => c.json(openApiDocument));
  app.route("/", homeRoutes());
  app.route("/docs", docsRoutes("/api/openapi.json"));

  app.use("/trpc/*", async (c, next) => {
    await next();
    if (c.res.status >= 400) {
      c.res = await withRequestIds(c.res, c.get("requestId"));
    }
  });
  app.use(
    "/trpc/*",
    trpcServer({
      router: appRouter,
      endpoint: "/trpc",
      createContext: (_opts, c) => createTrpcContext(c as Parameters<typeof createTrpcContext>[0]),
      onError: ({ error, ctx }) => logServerError(error, ctx as TrpcContext | undefined),
      responseMeta: ({ errors, ctx, info }) => {
        // A batch answers for several calls; tRPC's own status (207 when mixed) is the honest one.
        if (errors.length !== 1 || info?.isBatchCall) {
          return {};
        }
        const [error] = errors as [TRPCError];
        return { status: errorStatus(toErrorObject(error, (ctx as TrpcContext | undefined)?.requestId)) };
      },
    }),
  );
  app.route("/api", paymentRoutes(deps));
  app.route("/api", ticketRoutes(deps));
  app.all("/api/*", (c) => rest(c));

  app.notFound((c) => c.json(errorBody("NOT_FOUND", c.get("requestId")), 404));
  app.onError((err, c) => {
    const error = toErrorObject(err, c.get("requestId"));
    logServerError(err, { requestId: c.get("requestId"), logger: c.get("logger") ?? deps.logger });
    return c.json({ error }, errorStatus(error) as 500);
  });
  return app;
}

function errorBody(code: ErrorCode, requestId: string): ErrorBody {
  return { error: toErrorObject(new AppError(code), requestId) };
}

/**
 * tRPC answers some errors (a query sent as POST, a bad batch) before any context exists: those bodies
 * lack the request id and go out as text/plain. Give them both, so every error has one shape.
 */
async function withRequestIds(res: Response, requestId: string): Promise<Response> {
  let body: unknown;
  try {
    body = await res.clone().json();
  } catch {
    return res;
  }
  const stamp = (entry: unknown) => {
    const data = (entry as { error?: { data?: { requestId?: string } } } | null)?.error?.data;
    if (data && !data.requestId) {
      data.requestId = requestId;
    }
  };
  if (Array.isArray(body)) {
    body.forEach(stamp);
  } else {
    stamp(body);
  }
  const headers = new Headers(res.headers);
  headers.set("content-type", "application/json");
  headers.delete("content-length");
  return new Response(JSON.stringify(body), { status: res.status, headers });
}

/**
 * The caller's address: the socket's, or with TRUST_PROXY the last X-Forwarded-For entry, the one our
 * proxy appended. Earlier entries come from the client and could be anything.
 */
function clientIp(headers: Headers, trustProxy: boolean, socketAddress: () => string | undefined): string {
  if (trustProxy) {
    const forwarded = headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) {
      return forwarded;
    }
  }
  try {
    return socketAddress() ?? "unknown";
  } catch {
    return "unknown";
  }
}
