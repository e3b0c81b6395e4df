import type { ErrorObject } from "@boxoffice/contracts";
import { TRPCError } from "@trpc/server";
import type { Context as HonoContext } from "hono";
import { createOpenApiNodeHttpHandler } from "trpc-to-openapi";
import { createTrpcContext, type TrpcContext } from "../trpc/context.ts";
import { procedureMetas } from "../trpc/procedure-metas.ts";
import type { AppRouter } from "../trpc/router.ts";
import type { AppEnv } from "./app-env.ts";
import { logServerError, toErrorObject } from "./error-body.ts";

type ParsedBody = { ok: true; value: unknown } | { ok: false; cause: unknown };

/**
 * Serves the router's procedures at their OpenAPI paths under `/api`. trpc-to-openapi's own fetch
 * adapter builds a new handler (and, outside production, a whole OpenAPI document) on every request;
 * this one builds the handler once and reshapes errors into the project's `{ error: {...} }` body.
 */
export function createRestHandler(appRouter: AppRouter, prefix = "/api") {
  const honoContexts = new WeakMap<object, HonoContext<AppEnv>>();
  const metas = procedureMetas(appRouter);

  const handler = createOpenApiNodeHttpHandler({
    router: appRouter,
    createContext: ({ req }: { req: object }) => {
      const c = honoContexts.get(req);
      if (!c) {
        throw new Error("REST request without its Hono context");
      }
      return createTrpcContext(c);
    },
    responseMeta: ({ paths, errors }: { paths?: readonly string[]; errors: readonly TRPCError[] }) => {
      if (errors.length > 0) {
        return {};
      }
      return { status: metas.get(paths?.[0] ?? "")?.successStatus ?? 200 };
    },
    onError: ({ error, ctx }: { error: TRPCError; ctx?: TrpcContext }) => logServerError(error, ctx),
  } as unknown as Parameters<typeof createOpenApiNodeHttpHandler>[0]);

  return async (c: HonoContext<AppEnv>): Promise<Response> => {
    const raw = c.req.raw;
    const url = new URL(raw.url);
    url.pathname = url.pathname.slice(prefix.length) || "/";
    const body: ParsedBody = await readJsonBody(raw);
    const req = new Proxy(raw, {
      get(target, prop) {
        if (prop === "url") {
          return url.toString();
        }
        if (prop === "body") {
          if (!body.ok) {
            throw new TRPCError({
              code: "PARSE_ERROR",
              message: "The request body is not valid JSON",
              cause: body.cause,
            });
          }
          return body.value;
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
      has(target, prop) {
        return prop === "body" || Reflect.has(target, prop);
      },
    });
    honoContexts.set(req, c);

    const out = await new Promise<{ status: number; headers: Headers; body: string }>((resolve, reject) => {
      const headers = new Headers();
      let status = 200;
      const res = {
        get statusCode() {
          return status;
        },
        set statusCode(code: number) {
          status = code;
        },
        setHeader(key: string, value: string | string[]) {
          for (const v of Array.isArray(value) ? value : [value]) {
            headers.append(key, v);
          }
        },
        end(text?: string) {
          resolve({ status, headers, body: text ?? "" });
        },
      };
      (handler as unknown as (req: unknown, res: unknown) => Promise<void>)(req, res).catch(reject);
    });

    if (out.status < 400) {
      return new Response(out.status === 204 ? null : out.body, { status: out.status, headers: out.headers });
    }
    // The library spreads our error formatter's shape into its body; `data` is the public error object.
    const parsed = JSON.parse(out.body) as { data?: ErrorObject & { httpStatus?: number; path?: string } };
    const {
      httpStatus,
      path: _path,
      ...error
    } = parsed.data ?? {
      ...toErrorObject(undefined, c.var.requestId),
      httpStatus: 500,
    };
    out.headers.set("content-type", "application/json");
    error.requestId ??= c.var.requestId;
    return new Response(JSON.stringify({ error }), { status: httpStatus ?? 500, headers: out.headers });
  };
}

async function readJsonBody(req: Request): Promise<ParsedBody> {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "DELETE") {
    return { ok: true, value: undefined };
  }
  const text = await req.text();
  if (text.trim() === "") {
    return { ok: true, value: {} };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (cause) {
    return { ok: false, cause };
  }
}
