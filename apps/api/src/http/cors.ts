import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "./app-env.ts";

export interface CorsOptions {
  origins: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number;
}

/**
 * Hono's cors (credentials allowed), answering preflights itself and giving every other response the
 * same headers. Hono's sets them on `c.res` before the handler runs, which makes a placeholder response
 * that the handler's then has to be copied over (body re-wrapped in a web stream, sent through the slow
 * path of @hono/node-server); set after the handler, on the response it made, they cost nothing extra.
 */
export function corsHeaders(options: CorsOptions): MiddlewareHandler<AppEnv> {
  const preflight = cors({
    origin: options.origins,
    credentials: true,
    allowHeaders: options.allowHeaders,
    exposeHeaders: options.exposeHeaders,
    maxAge: options.maxAge,
  });
  const exposed = options.exposeHeaders.join(",");
  return async (c, next) => {
    if (c.req.method === "OPTIONS") {
      return preflight(c, next);
    }
    const origin = c.req.header("origin") || "";
    await next();
    const headers = c.res.headers;
    if (options.origins.includes(origin)) {
      headers.set("Access-Control-Allow-Origin", origin);
    }
    headers.set("Access-Control-Allow-Credentials", "true");
    if (exposed) {
      headers.set("Access-Control-Expose-Headers", exposed);
    }
    headers.append("Vary", "Origin");
  };
}
