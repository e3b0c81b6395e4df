import type { ProcedureMeta } from "@boxoffice/contracts";
import { AppError } from "@boxoffice/core";
import type { AnyProcedure } from "@trpc/server";
import type { Context as HonoContext } from "hono";
import { createTrpcContext } from "../trpc/context.ts";
import type { AppRouter } from "../trpc/router.ts";
import type { AppEnv } from "./app-env.ts";
import { applyErrorHeaders, errorStatus, logServerError, toErrorObject } from "./error-body.ts";
import { allowHeader } from "./responses.ts";

interface Route {
  procedurePath: string;
  procedure: AnyProcedure;
  method: string;
  pattern: RegExp;
  params: string[];
  successStatus: number;
  /** Whether the input schema takes `undefined` (no input at all) rather than an object. */
  acceptsNoInput: boolean;
  /** The fields a query string may set; other parameters (cache busters, utm tags) are ignored. */
  queryKeys: Set<string>;
  hasBody: boolean;
}

/**
 * Serves every procedure that has OpenAPI metadata at its REST path under `/api`, through a server-side
 * tRPC caller, so the same middleware, validation and use case run as over `/trpc`.
 *
 * Written here rather than taken from trpc-to-openapi's handler: that handler switches on Zod's `coerce`
 * for every input schema it serves, mutating the shared schemas (a JSON `"false"` then validates as
 * boolean `true`, on tRPC too), and its fetch adapter rebuilds the handler on each request.
 */
export function createRestHandler(appRouter: AppRouter, prefix = "/api") {
  const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
  const routes: Route[] = [];
  const staticPaths: string[] = [];
  for (const [procedurePath, procedure] of Object.entries(procedures)) {
    const meta = procedure._def.meta as ProcedureMeta | undefined;
    if (!meta?.openapi) {
      continue;
    }
    const params: string[] = [];
    const source = meta.openapi.path
      .split("/")
      .map((segment) => {
        const param = /^\{(\w+)\}$/.exec(segment)?.[1];
        if (param) {
          params.push(param);
          return "([^/]+)";
        }
        return segment.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
      })
      .join("/");
    const [inputSchema] = procedure._def.inputs as Array<{
      safeParse?: (v: unknown) => { success: boolean };
    }>;
    routes.push({
      procedurePath,
      procedure,
      method: meta.openapi.method,
      pattern: new RegExp(`^${source}/?$`),
      params,
      successStatus: meta.successStatus ?? 200,
      acceptsNoInput: !inputSchema?.safeParse || inputSchema.safeParse(undefined).success,
      queryKeys: objectKeys(inputSchema),
      hasBody: meta.openapi.method !== "GET" && meta.openapi.method !== "DELETE",
    });
    if (params.length === 0) {
      staticPaths.push(meta.openapi.path);
    }
  }
  // The candidates of each parameterless path, worked out once: most requests go to one of those.
  const byPath = new Map(staticPaths.map((path) => [path, routes.filter((r) => r.pattern.test(path))]));

  return async (c: HonoContext<AppEnv>): Promise<Response> => {
    const ctx = createTrpcContext(c);
    try {
      const path = c.req.path.slice(prefix.length) || "/";
      const candidates = byPath.get(path) ?? routes.filter((r) => r.pattern.test(path));
      // HEAD is GET without the body (Hono drops the body); a client probing a resource must not get 405.
      const method = c.req.method === "HEAD" ? "GET" : c.req.method;
      const route = candidates.find((r) => r.method === method);
      if (!route) {
        if (candidates.length > 0) {
          c.header("Allow", allowHeader(candidates.map((r) => r.method)));
          throw new AppError("METHOD_NOT_ALLOWED");
        }
        throw new AppError("NOT_FOUND", `No route ${c.req.method} ${c.req.path}`);
      }
      const input = await readInput(c, route, path);
      // What a server-side caller does once it has found the procedure, without building a caller (a
      // proxy per request) to find it: the same middleware, validation and resolver run.
      const result = await route.procedure({
        ctx,
        getRawInput: async () => input,
        path: route.procedurePath,
        type: route.procedure._def.type,
        signal: undefined,
        batchIndex: 0,
      });
      return c.json(result ?? null, route.successStatus as 200);
    } catch (err) {
      const error = toErrorObject(err, ctx.requestId);
      logServerError(err, ctx);
      applyErrorHeaders(error, ctx.resHeaders);
      return c.json({ error }, errorStatus(error) as 400);
    }
  };
}

async function readInput(c: HonoContext<AppEnv>, route: Route, path: string): Promise<unknown> {
  const match = route.pattern.exec(path);
  const params: Record<string, string> = {};
  route.params.forEach((name, i) => {
    try {
      params[name] = decodeURIComponent(match?.[i + 1] ?? "");
    } catch {
      throw new AppError("VALIDATION_FAILED", `Invalid input: ${name}`, {
        issues: [{ path: name, message: "is not valid percent-encoding", code: "invalid_format" }],
      });
    }
  });

  if (route.hasBody) {
    const text = await c.req.text();
    if (text.trim() === "") {
      return route.params.length > 0 || !route.acceptsNoInput ? { ...params } : undefined;
    }
    const type = c.req.header("content-type") ?? "";
    if (!/^application\/(.+\+)?json\b/i.test(type)) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE");
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AppError("INVALID_JSON");
    }
    // Path parameters win over body fields of the same name: the URL says which resource this is.
    return isPlainObject(body) && route.params.length > 0 ? { ...body, ...params } : body;
  }

  const query: Record<string, string | string[]> = {};
  const url = new URL(c.req.url);
  for (const key of new Set(url.searchParams.keys())) {
    if (!route.queryKeys.has(key)) {
      continue;
    }
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? (values[0] as string) : values;
  }
  const input = { ...query, ...params };
  return Object.keys(input).length === 0 && route.acceptsNoInput ? undefined : input;
}

interface SchemaLike {
  safeParse?: (value: unknown) => { success: boolean };
  _zod?: { def: { type: string; innerType?: SchemaLike; shape?: Record<string, unknown> } };
}

/** The field names of an object schema, looking through `.default()` and `.optional()` wrappers. */
function objectKeys(schema: SchemaLike | undefined): Set<string> {
  let current = schema;
  for (let depth = 0; current && depth < 5; depth++) {
    const def = current._zod?.def;
    if (def?.type === "object" && def.shape) {
      return new Set(Object.keys(def.shape));
    }
    current = def?.innerType;
  }
  return new Set();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
