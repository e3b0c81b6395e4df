import { randomBytes } from "node:crypto";
import type { ErrorBody, Session, User } from "@boxoffice/contracts";
import { ensureAdmin } from "@boxoffice/core";
import type { DbHandle } from "@boxoffice/db";
import { createTestDb } from "@boxoffice/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REVOCATION_READ_INTERVAL_MS } from "../deps.ts";
import { registerUser, startTestServer, type TestServer, uniqueEmail } from "../test/harness.ts";

/**
 * The bound this file holds the API to: a revocation committed elsewhere is refused here within one
 * read interval plus the read itself. Asserted with room for a loaded machine's late timers.
 */
const BOUND_MS = REVOCATION_READ_INTERVAL_MS + 1000;

/** Calls `probe` until it answers `status`, and says how long that took (or throws past `withinMs`). */
async function untilStatus(probe: () => Promise<{ status: number }>, status: number, withinMs: number) {
  const started = performance.now();
  for (;;) {
    const res = await probe();
    const elapsed = performance.now() - started;
    if (res.status === status) {
      return elapsed;
    }
    if (elapsed > withinMs) {
      throw new Error(`still ${res.status} after ${Math.round(elapsed)} ms, expected ${status}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("one API process", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("after logout the session's access token is refused at once; the user's other sessions go on", async () => {
    const account = await registerUser(server);
    const other = await server.http.post<Session>("/api/auth/login", {
      email: account.user.email,
      password: account.password,
    });
    expect((await server.http.get("/api/users/me", account.accessToken)).status).toBe(200);

    expect((await server.http.post("/api/auth/logout", { refreshToken: account.refreshToken })).status).toBe(
      200,
    );
    const after = await server.http.get<ErrorBody>("/api/users/me", account.accessToken);
    expect(after.status).toBe(401);
    expect(after.body.error).toMatchObject({
      code: "INVALID_TOKEN",
      message: expect.stringMatching(/revoked/),
    });
    // Every way in checks the same: tRPC, and the ticket download that reads its own Bearer header.
    const viaTrpc = await server.http.get<{ error: { data: { code: string } } }>(
      "/trpc/users.me",
      account.accessToken,
    );
    expect(viaTrpc.status).toBe(401);
    expect(
      (await server.http.get(`/api/bookings/${crypto.randomUUID()}/ticket.pdf`, account.accessToken)).status,
    ).toBe(401);
    expect((await server.http.get("/api/users/me", other.body.accessToken)).status).toBe(200);
  });

  it("a refresh token presented twice (a stolen copy) stops that session's access tokens too", async () => {
    const account = await registerUser(server);
    const rotated = await server.http.post<Session>("/api/auth/refresh", {
      refreshToken: account.refreshToken,
    });
    expect(rotated.status).toBe(200);
    expect((await server.http.get("/api/users/me", rotated.body.accessToken)).status).toBe(200);
    const replay = await server.http.post("/api/auth/refresh", { refreshToken: account.refreshToken });
    expect(replay.status).toBe(401);
    for (const token of [account.accessToken, rotated.body.accessToken]) {
      expect((await server.http.get("/api/users/me", token)).status).toBe(401);
    }
  });
});

describe("two API processes on one database", () => {
  let db: DbHandle;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    db = await createTestDb();
    // One deployment: the same secrets in every process.
    const config = {
      jwtAccessSecret: randomBytes(32).toString("hex"),
      jwtRefreshSecret: randomBytes(32).toString("hex"),
    };
    a = await startTestServer({ sharedDb: db, config });
    b = await startTestServer({ sharedDb: db, config });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.close();
  });

  it(`a logout through one is refused by the other within ${BOUND_MS} ms`, async () => {
    const account = await registerUser(a);
    expect((await b.http.get("/api/users/me", account.accessToken)).status).toBe(200);
    await a.http.post("/api/auth/logout", { refreshToken: account.refreshToken });
    expect((await a.http.get("/api/users/me", account.accessToken)).status).toBe(401);
    const took = await untilStatus(() => b.http.get("/api/users/me", account.accessToken), 401, BOUND_MS);
    expect(took).toBeLessThan(BOUND_MS);
  });

  it("a role change, made as admin:create makes it, stops the old tokens on both; a refresh carries the new role", async () => {
    const email = uniqueEmail("promoted");
    const account = await registerUser(a, { email });
    const refused = await b.http.get<ErrorBody>(`/api/admin/users/${account.user.id}`, account.accessToken);
    expect(refused.status).toBe(403);

    // Straight on the database, as the admin:create tool (another process) does.
    await ensureAdmin({ db: db.db, clock: a.deps.clock }, { email, password: "unused password" });

    for (const server of [a, b]) {
      const took = await untilStatus(
        () => server.http.get("/api/users/me", account.accessToken),
        401,
        BOUND_MS,
      );
      expect(took).toBeLessThan(BOUND_MS);
    }
    const refreshed = await b.http.post<Session>("/api/auth/refresh", { refreshToken: account.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.user.roles).toContain("admin");
    for (const server of [a, b]) {
      const res = await server.http.get<User>(
        `/api/admin/users/${account.user.id}`,
        refreshed.body.accessToken,
      );
      expect(res.status).toBe(200);
    }
  });

  it("promoting an admin again, or any write that leaves the roles as they were, revokes nothing", async () => {
    const email = uniqueEmail("steady");
    await ensureAdmin({ db: db.db, clock: a.deps.clock }, { email, password: "admin password 1" });
    const session = await a.http.post<Session>("/api/auth/login", { email, password: "admin password 1" });
    await ensureAdmin({ db: db.db, clock: a.deps.clock }, { email, password: "admin password 1" });
    await a.deps.revocations.poll();
    await b.deps.revocations.poll();
    for (const server of [a, b]) {
      expect((await server.http.get("/api/users/me", session.body.accessToken)).status).toBe(200);
    }
  });
});
