import { Hono } from "hono";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "./app-env.ts";

async function check(name: string, probe: () => Promise<unknown>, timeoutMs = 2000) {
  const started = performance.now();
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
    return { name, ok: true, ms: Math.round(performance.now() - started) };
  } catch (err) {
    return { name, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

export function healthRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  // Liveness: the process answers. Never touches a dependency, so a slow database cannot get it killed.
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  // Readiness: send traffic here only when the database (and Redis, when configured) answer.
  app.get("/readyz", async (c) => {
    const checks = [check("database", () => deps.dbHandle.ping())];
    const redis = deps.redis;
    if (redis) {
      checks.push(check("redis", () => redis.ping()));
    }
    const results = await Promise.all(checks);
    const draining = deps.lifecycle.draining;
    const ready = !draining && results.every((r) => r.ok);
    return c.json({ status: ready ? "ready" : "unavailable", draining, checks: results }, ready ? 200 : 503);
  });
  return app;
}
