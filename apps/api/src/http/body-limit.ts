import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "./app-env.ts";

/**
 * Hono's bodyLimit with the same verdicts, minus its cost on the common case. It starts by asking for
 * `c.req.raw.body`, which makes @hono/node-server turn every request into a full WHATWG Request with a
 * web stream over the socket; a request that declares its length can be judged from its headers alone,
 * as bodyLimit itself then does, and its body is later read straight from the socket. Bodies without a
 * declared length (chunked) still go through bodyLimit, which counts them as they stream.
 */
export function declaredBodyLimit(
  maxSize: number,
  onError: (c: Context<AppEnv>) => Response | Promise<Response>,
): MiddlewareHandler<AppEnv> {
  const streaming = bodyLimit({ maxSize, onError });
  return (c, next) => {
    const method = c.req.method;
    // The Request these would become has no body, which bodyLimit lets through.
    if (method === "GET" || method === "HEAD" || method === "TRACE") {
      return next();
    }
    const length = c.req.header("content-length");
    if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
      return Number.parseInt(length || "0", 10) > maxSize ? Promise.resolve(onError(c)) : next();
    }
    return streaming(c, next);
  };
}
