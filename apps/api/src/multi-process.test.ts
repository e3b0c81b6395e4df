import { randomBytes } from "node:crypto";
import type { Hold, Session } from "@boxoffice/contracts";
import { embeddedEnv, type Spawned, spawnScript } from "@boxoffice/testkit";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "./test/harness.ts";
import { joinSocketIo, subscribeSse } from "./test/realtime-clients.ts";

const serverUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;

describe.runIf(serverUrl && redisUrl)("two API processes and a worker on one PostgreSQL and Redis", () => {
  const database = `boxoffice_multi_${randomBytes(4).toString("hex")}`;
  const prefix = `test-multi-${randomBytes(4).toString("hex")}:`;
  const processes: Spawned[] = [];
  let databaseUrl = "";
  let a: HttpClient;
  let b: HttpClient;

  const env = (extra: Record<string, string> = {}) =>
    embeddedEnv({
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl ?? "",
      REDIS_PREFIX: prefix,
      JWT_ACCESS_SECRET: "a".repeat(48),
      JWT_REFRESH_SECRET: "r".repeat(48),
      RATE_LIMIT_HOLDS_PER_MIN: "0",
      ...extra,
    });

  async function startApi(extra: Record<string, string> = {}) {
    const proc = spawnScript("apps/api/src/main.ts", [], env({ PORT: "0", ...extra }));
    processes.push(proc);
    const log = await proc.waitForLog("boxoffice API listening", 60_000);
    return new HttpClient(String(log.url));
  }

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    const url = new URL(serverUrl ?? "");
    url.pathname = `/${database}`;
    databaseUrl = url.toString();

    const create = spawnScript(
      "apps/api/src/cli/admin-create.ts",
      ["--email", "ops@example.com", "--password", "ops password"],
      env(),
    );
    expect((await create.exited).code).toBe(0);
    const worker = spawnScript("apps/worker/src/main.ts", [], env());
    processes.push(worker);
    // Process A hands out short holds, so the worker's expiry job fires within the test.
    [a, b] = await Promise.all([startApi({ HOLD_TTL_SECONDS: "10" }), startApi()]);
    await worker.waitForLog("worker ready", 60_000);
  }, 120_000);

  afterAll(async () => {
    for (const proc of processes) {
      proc.child.kill("SIGTERM");
    }
    const exits = await Promise.all(processes.map((p) => p.exited));
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
    expect(exits.map((e) => e.code)).toEqual(processes.map(() => 0));
  }, 60_000);

  it("a hold made through A reaches SSE and Socket.IO clients on B, and the worker announces its expiry", async () => {
    const login = await a.post<Session>("/api/auth/login", {
      email: "ops@example.com",
      password: "ops password",
    });
    const token = login.body.accessToken;
    const theater = await a.post<{ id: string }>(
      "/api/admin/theaters",
      {
        name: "Multi",
        address: { line1: "1 Road", city: "Pune", country: "IN" },
        location: { lat: 18.5, lng: 73.8 },
        timeZone: "Asia/Kolkata",
      },
      token,
    );
    const screen = await a.post<{ id: string }>(
      "/api/admin/screens",
      {
        theaterId: theater.body.id,
        name: "One",
        layout: { rows: [{ label: "A", seats: [{ number: 1 }, { number: 2 }] }] },
      },
      token,
    );
    const movie = await a.post<{ id: string }>(
      "/api/admin/movies",
      { title: "Multi", runtimeMinutes: 90 },
      token,
    );
    const showtime = await a.post<{ id: string }>(
      "/api/admin/showtimes",
      {
        theaterId: theater.body.id,
        screenId: screen.body.id,
        movieId: movie.body.id,
        startAt: "2030-06-01T12:00:00Z",
        language: "English",
        format: "2D",
        basePrice: 10_000,
      },
      token,
    );
    const showtimeId = showtime.body.id;

    const sse = subscribeSse(b.baseUrl, showtimeId);
    const socket = await joinSocketIo(b.baseUrl, showtimeId);
    await sse.ready;
    try {
      const held = await a.post<Hold>("/api/seats/hold", { showtimeId, seatIds: ["A1"] }, token);
      expect(held.status).toBe(201);
      const onSse = await sse.inbox.waitFor((e) =>
        e.seats.some((s) => s.seatId === "A1" && s.status === "held"),
      );
      const onSocket = await socket.inbox.waitFor((e) => e.version === onSse.version);
      expect(onSocket).toEqual(onSse);
      // B's map agrees with A's hold.
      const map = await b.get<{ seats: Array<{ id: string; status: string }> }>(
        `/api/seats/availability?showtimeId=${showtimeId}`,
      );
      expect(map.body.seats.find((s) => s.id === "A1")?.status).toBe("held");

      // Ten seconds later the worker's delayed job frees A1 and both clients on B hear it.
      const freed = await sse.inbox.waitFor(
        (e) => e.seats.some((s) => s.seatId === "A1" && s.status === "available"),
        30_000,
      );
      await socket.inbox.waitFor((e) => e.version === freed.version, 10_000);
      expect(freed.version).toBeGreaterThan(onSse.version);
    } finally {
      sse.close();
      socket.close();
    }
  }, 90_000);

  it("admin:create promoting a signed-in user, from a process of its own, stops their old token on A and B within 2 s", async () => {
    const email = `promoted-${randomBytes(4).toString("hex")}@example.com`;
    const registered = await a.post<Session>("/api/auth/register", { email, password: "user password 1" });
    expect(registered.status).toBe(201);
    const token = registered.body.accessToken;
    expect((await b.get("/api/users/me", token)).status).toBe(200);

    const create = spawnScript(
      "apps/api/src/cli/admin-create.ts",
      ["--email", email, "--password", "unused pw 1"],
      env(),
    );
    expect((await create.exited).code).toBe(0);
    expect(create.output()).toContain(`promoted existing account ${email} to admin`);
    const promotedAt = performance.now();
    for (const api of [a, b]) {
      for (;;) {
        const res = await api.get("/api/users/me", token);
        if (res.status === 401) {
          break;
        }
        expect(performance.now() - promotedAt).toBeLessThan(2000);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    // The next refresh carries the new role, on either process.
    const refreshed = await b.post<Session>("/api/auth/refresh", {
      refreshToken: registered.body.refreshToken,
    });
    expect(refreshed.body.user.roles).toContain("admin");
    expect(
      (await a.get(`/api/admin/users/${registered.body.user.id}`, refreshed.body.accessToken)).status,
    ).toBe(200);
  }, 60_000);
});
