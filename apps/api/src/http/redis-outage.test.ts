import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { registerUser, startTestServer } from "../test/harness.ts";

const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe.runIf(process.env.REDIS_URL && hasRedisServer)("when Redis goes away", () => {
  it("sign-in still answers at once (the limiter lets requests through) and shutdown still finishes", async () => {
    const port = await freePort();
    const redis = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      {
        stdio: "ignore",
      },
    );
    const exited = new Promise((resolve) => redis.once("exit", resolve));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const server = await startTestServer({
      config: { redisUrl: `redis://127.0.0.1:${port}`, rateLimitAuthPerMin: 5, shutdownTimeoutMs: 1000 },
    });
    try {
      const account = await registerUser(server);
      redis.kill("SIGKILL");
      await exited;
      const started = Date.now();
      const login = await server.http.post("/api/auth/login", {
        email: account.user.email,
        password: account.password,
      });
      expect(login.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(3000);
      const ready = await server.http.get<{ checks: Array<{ name: string; ok: boolean }> }>("/readyz");
      expect(ready.status).toBe(503);
      expect(ready.body.checks.find((c) => c.name === "redis")?.ok).toBe(false);
    } finally {
      const closing = Date.now();
      await server.close();
      expect(Date.now() - closing).toBeLessThan(5000);
    }
  });
});
