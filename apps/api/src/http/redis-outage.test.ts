import { hasRedisServer, PrivateRedis } from "@boxoffice/testkit";
import { describe, expect, it } from "vitest";
import { registerUser, startTestServer } from "../test/harness.ts";

describe.runIf(process.env.REDIS_URL && hasRedisServer)("when Redis goes away", () => {
  it("sign-in still answers at once (the limiter lets requests through) and shutdown still finishes", async () => {
    const redis = await PrivateRedis.start();
    const server = await startTestServer({
      config: { redisUrl: redis.url, rateLimitAuthPerMin: 5, shutdownTimeoutMs: 1000 },
    });
    try {
      const account = await registerUser(server);
      await redis.stop("SIGKILL");
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
      await redis.stop();
    }
  });
});
