import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { createLogger, loadConfig } from "@boxoffice/core";
import { createDb } from "@boxoffice/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps } from "../deps.ts";
import { type RunningServer, startServer } from "../server.ts";
import { HttpClient } from "../test/harness.ts";

/** A port nothing listens on: PostgreSQL is down (connections refused, as while it restarts). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe("while PostgreSQL is down", () => {
  let server: RunningServer;
  let http: HttpClient;
  let token: string;

  beforeAll(async () => {
    const { config } = loadConfig({
      NODE_ENV: "test",
      JWT_ACCESS_SECRET: randomBytes(32).toString("hex"),
      JWT_REFRESH_SECRET: randomBytes(32).toString("hex"),
      RATE_LIMIT_AUTH_PER_MIN: "0",
      RATE_LIMIT_HOLDS_PER_MIN: "0",
    });
    const deps = await buildDeps({ ...config, redisUrl: undefined }, createLogger("silent"), {
      dbHandle: await createDb({
        kind: "postgres",
        url: `postgres://postgres@127.0.0.1:${await closedPort()}/down`,
      }),
    });
    server = await startServer(deps, 0, "127.0.0.1");
    http = new HttpClient(server.url);
    token = (
      await deps.tokens.signAccessToken({
        userId: randomUUID(),
        roles: ["user"],
        tokenVersion: 0,
        sessionId: randomUUID(),
      })
    ).token;
  });
  afterAll(async () => {
    await server?.close();
  });

  it("reads and writes answer 503 UNAVAILABLE with Retry-After, never a 500", async () => {
    const answers = [
      await http.get(`/api/seats/availability?showtimeId=${randomUUID()}`),
      await http.post("/api/seats/hold", { showtimeId: randomUUID(), seatIds: ["A1"] }, token),
      await http.post("/api/auth/login", { email: "someone@example.com", password: "a password 123" }),
      await http.request("POST", "/api/payments/webhook/dev", { raw: "{}" }),
    ];
    for (const res of answers.slice(0, 3)) {
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error: { code: "UNAVAILABLE" } });
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // A webhook is refused before the database is asked (its signature is wrong): not a 5xx at all.
    expect(answers[3]?.status).toBe(400);
  });

  it("tRPC clients get the same 503", async () => {
    const res = await http.get(
      `/trpc/seats.availability?input=${encodeURIComponent(JSON.stringify({ showtimeId: randomUUID() }))}`,
    );
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: { data: { code: "UNAVAILABLE", httpStatus: 503 } } });
  });
});
