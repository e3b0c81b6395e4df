import type { Availability, ErrorBody, Hold, SeatUpdateEvent, Session } from "@boxoffice/contracts";
import { manualClock, sweepExpiredHolds } from "@boxoffice/core";
import { holds, seatClaims } from "@boxoffice/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCatalog, createShowtime, rowsOf } from "../../test/catalog-fixtures.ts";
import {
  issuePaths,
  registerAdmin,
  registerUser,
  serverForFile,
  startTestServer,
  type TestServer,
} from "../../test/harness.ts";

// Hundreds of holds from one address: the per-minute hold limit is tested on its own server below.
const server = serverForFile({ config: { rateLimitHoldsPerMin: 0 } });
let admin: string;
beforeAll(async () => {
  admin = (await registerAdmin(server)).accessToken;
});

/** A fresh on-sale showtime on the small test screen (A1..C4, B2 blocked). */
async function showtimeFor(s: TestServer, token: string, overrides: Record<string, unknown> = {}) {
  const { theater, screen, movie } = await createCatalog(s, token);
  const showtime = await createShowtime(
    s,
    token,
    { theaterId: theater.id, screenId: screen.id, movieId: movie.id },
    "2030-01-01T12:00:00Z",
    overrides,
  );
  return showtime.id;
}

const hold = (s: TestServer, token: string, body: Record<string, unknown>) =>
  s.http.post<Hold & ErrorBody>("/api/seats/hold", body, token);
const availability = (s: TestServer, showtimeId: string, token?: string) =>
  s.http.get<Availability>(`/api/seats/availability?showtimeId=${showtimeId}`, token);
const statusOf = (a: Availability, seatId: string) => a.seats.find((x) => x.id === seatId);

describe("holding seats", () => {
  it("holds the seats for 10 minutes at locked prices, and the map shows them held and mine", async () => {
    const showtimeId = await showtimeFor(server, admin);
    const user = await registerUser(server);
    const res = await hold(server, user.accessToken, { showtimeId, seatIds: ["B3", "C3", "A3"] });
    expect(res.status).toBe(201);
    expect(res.body.seatIds).toEqual(["A3", "B3", "C3"]);
    expect(res.body.seats).toEqual([
      { seatId: "A3", type: "standard", price: 20_000 },
      { seatId: "B3", type: "premium", price: 28_000 },
      { seatId: "C3", type: "recliner", price: 40_000 },
    ]);
    expect(res.body.total).toBe(88_000);
    const ttl = Date.parse(res.body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);

    const mine = await availability(server, showtimeId, user.accessToken);
    expect(statusOf(mine.body, "A3")).toEqual({ id: "A3", type: "standard", status: "held", mine: true });
    expect(statusOf(mine.body, "B2")?.status).toBe("blocked");
    expect(statusOf(mine.body, "A4")?.status).toBe("available");
    const anonymous = await availability(server, showtimeId);
    expect(statusOf(anonymous.body, "A3")).toEqual({ id: "A3", type: "standard", status: "held" });
  });

  it("a second hold on a taken seat is refused with exactly the seats that were taken, and holds nothing", async () => {
    const showtimeId = await showtimeFor(server, admin);
    const first = await registerUser(server);
    const second = await registerUser(server);
    expect((await hold(server, first.accessToken, { showtimeId, seatIds: ["A3", "A4"] })).status).toBe(201);
    const before = await availability(server, showtimeId);
    const res = await hold(server, second.accessToken, { showtimeId, seatIds: ["A1", "A4", "C4", "A3"] });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("SEATS_TAKEN");
    expect(res.body.error.details?.seatIds).toEqual(["A3", "A4"]);
    const after = await availability(server, showtimeId);
    expect(after.body.seats).toEqual(before.body.seats);
    expect(after.body.version).toBe(before.body.version);
  });

  it("a new hold on the same showtime replaces the old: shared seats stay held, the rest are let go", async () => {
    const showtimeId = await showtimeFor(server, admin);
    const user = await registerUser(server);
    const first = await hold(server, user.accessToken, { showtimeId, seatIds: ["A3", "A4"] });
    const second = await hold(server, user.accessToken, { showtimeId, seatIds: ["A4", "C4"] });
    expect(second.status).toBe(201);
    const map = await availability(server, showtimeId, user.accessToken);
    expect(statusOf(map.body, "A3")?.status).toBe("available");
    expect(statusOf(map.body, "A4")).toMatchObject({ status: "held", mine: true });
    expect(statusOf(map.body, "C4")).toMatchObject({ status: "held", mine: true });
    const [old] = await server.deps.db.select().from(holds).where(eq(holds.id, first.body.id));
    expect(old?.status).toBe("replaced");
    const claims = await server.deps.db
      .select()
      .from(seatClaims)
      .where(eq(seatClaims.showtimeId, showtimeId));
    expect(claims.map((c) => [c.seatId, c.holdId]).sort()).toEqual([
      ["A4", second.body.id],
      ["C4", second.body.id],
    ]);
  });

  it("release frees the seats at once and is idempotent; refresh extends but never past the maximum life", async () => {
    const showtimeId = await showtimeFor(server, admin);
    const user = await registerUser(server);
    const created = await hold(server, user.accessToken, { showtimeId, seatIds: ["A1"] });
    const refreshed = await server.http.patch<Hold>(
      `/api/seats/hold/${created.body.id}/refresh`,
      undefined,
      user.accessToken,
    );
    expect(refreshed.status).toBe(200);
    expect(Date.parse(refreshed.body.expiresAt)).toBeGreaterThanOrEqual(Date.parse(created.body.expiresAt));
    expect(Date.parse(refreshed.body.maxExpiresAt) - Date.parse(created.body.createdAt)).toBe(1_800_000);

    const released = await server.http.request("DELETE", `/api/seats/hold/${created.body.id}`, {
      token: user.accessToken,
    });
    expect(released.body).toEqual({ ok: true, released: true });
    expect(statusOf((await availability(server, showtimeId)).body, "A1")?.status).toBe("available");
    const again = await server.http.request("DELETE", `/api/seats/hold/${created.body.id}`, {
      token: user.accessToken,
    });
    expect(again.body).toEqual({ ok: true, released: false });
  });

  it("best available: the best adjacent seats in one row, leaving no lone seat", async () => {
    const showtimeId = await showtimeFor(server, admin);
    const user = await registerUser(server);
    const res = await hold(server, user.accessToken, { showtimeId, count: 2 });
    expect(res.status).toBe(201);
    // Row B is nearest two thirds back; B1+B2 are broken by a blocked seat, so B3+B4.
    expect(res.body.seatIds).toEqual(["B3", "B4"]);
    const sofa = await hold(server, (await registerUser(server)).accessToken, {
      showtimeId,
      count: 2,
      seatType: "sofa",
    });
    expect(sofa.body.seatIds).toEqual(["C1", "C2"]);
    const none = await hold(server, (await registerUser(server)).accessToken, {
      showtimeId,
      count: 2,
      seatType: "sofa",
    });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe("NO_SEATS_TOGETHER");
  });

  it("with the no-orphan rule, a hold that strands a single seat is refused with ORPHAN_SEAT", async () => {
    const { theater, screen, movie } = await createCatalog(server, admin, { layout: rowsOf("A", 6) });
    const showtime = await createShowtime(
      server,
      admin,
      { theaterId: theater.id, screenId: screen.id, movieId: movie.id },
      "2030-02-01T12:00:00Z",
      { noOrphanSeats: true },
    );
    expect(showtime.noOrphanSeats).toBe(true);
    const a = await registerUser(server);
    const b = await registerUser(server);
    expect(
      (await hold(server, a.accessToken, { showtimeId: showtime.id, seatIds: ["A2", "A3"] })).status,
    ).toBe(201);
    // A4 would leave A1 fine (row end) but A5? No: taking A5 strands A4 between A3 and A5.
    const stranding = await hold(server, b.accessToken, { showtimeId: showtime.id, seatIds: ["A5"] });
    expect(stranding.status).toBe(409);
    expect(stranding.body.error).toMatchObject({ code: "ORPHAN_SEAT", details: { seatIds: ["A4"] } });
    expect(
      (await availability(server, showtime.id)).body.seats.filter((x) => x.status === "held"),
    ).toHaveLength(2);
    expect(
      (await hold(server, b.accessToken, { showtimeId: showtime.id, seatIds: ["A4", "A5"] })).status,
    ).toBe(201);
  });
});

describe("bad hold requests are clear 4xx and hold nothing", () => {
  let showtimeId: string;
  let user: Session;
  beforeAll(async () => {
    showtimeId = await showtimeFor(server, admin);
    user = await registerUser(server);
  });

  it.each([
    ["empty seatIds", { seatIds: [] }, "seatIds"],
    ["duplicate seatIds", { seatIds: ["A1", "A1"] }, "seatIds.1"],
    [
      "more than the maximum",
      { seatIds: ["A1", "A2", "A3", "A4", "B1", "B3", "B4", "C1", "C2", "C3", "C4"] },
      "seatIds",
    ],
    ["a seat not in the layout", { seatIds: ["A1", "Z9"] }, "seatIds.1"],
    ["a seat id from another screen's layout", { seatIds: ["L20"] }, "seatIds.0"],
    ["both seatIds and count", { seatIds: ["A1"], count: 1 }, "seatIds"],
    ["count over the maximum", { count: 11 }, "count"],
  ])("%s", async (_name, body, path) => {
    const before = await availability(server, showtimeId);
    const res = await hold(server, user.accessToken, { showtimeId, ...body });
    expect(res.status).toBe(400);
    expect(issuePaths(res.body)).toContain(path);
    expect((await availability(server, showtimeId)).body).toEqual(before.body);
  });

  it("a blocked seat is a 409 naming it", async () => {
    const res = await hold(server, user.accessToken, { showtimeId, seatIds: ["A1", "B2"] });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "SEATS_UNAVAILABLE", details: { seatIds: ["B2"] } });
  });

  it("a past, cancelled or not-yet-on-sale showtime is refused with SALES_CLOSED", async () => {
    const past = await showtimeFor(server, admin);
    await server.deps.db.execute(
      `update showtimes set start_at = now() - interval '3 hours', end_at = now() - interval '1 hour', sales_close_at = now() - interval '2 hours' where id = '${past}'`,
    );
    const cancelled = await showtimeFor(server, admin);
    await server.http.patch(`/api/admin/showtimes/${cancelled}`, { status: "cancelled" }, admin);
    const scheduled = await showtimeFor(server, admin, { status: "scheduled" });
    for (const id of [past, cancelled, scheduled]) {
      const res = await hold(server, user.accessToken, { showtimeId: id, seatIds: ["A1"] });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe("SALES_CLOSED");
    }
    expect(
      (await hold(server, user.accessToken, { showtimeId: crypto.randomUUID(), seatIds: ["A1"] })).status,
    ).toBe(404);
  });

  it("someone else's hold cannot be refreshed or released (404), and a malformed hold id is a 400", async () => {
    const mine = await hold(server, user.accessToken, { showtimeId, seatIds: ["C4"] });
    const other = await registerUser(server);
    const refresh = await server.http.patch<ErrorBody>(
      `/api/seats/hold/${mine.body.id}/refresh`,
      undefined,
      other.accessToken,
    );
    expect(refresh.status).toBe(404);
    const release = await server.http.request("DELETE", `/api/seats/hold/${mine.body.id}`, {
      token: other.accessToken,
    });
    expect(release.status).toBe(404);
    expect(statusOf((await availability(server, showtimeId)).body, "C4")?.status).toBe("held");
    const malformed = await server.http.request<ErrorBody>("DELETE", "/api/seats/hold/not-a-hold", {
      token: user.accessToken,
    });
    expect(malformed.status).toBe(400);
    expect(issuePaths(malformed.body)).toEqual(["holdId"]);
  });

  it("holding needs a signed-in user", async () => {
    expect((await server.http.post("/api/seats/hold", { showtimeId, seatIds: ["A1"] })).status).toBe(401);
  });
});

describe("expiry, on a clock the test moves", () => {
  const clock = manualClock(new Date());
  let timed: TestServer;
  let timedAdmin: string;
  beforeAll(async () => {
    // Long-lived access tokens: this clock runs far past the usual 15 minutes.
    timed = await startTestServer({
      clock,
      config: { holdSweepIntervalMs: 60_000, accessTokenTtlSeconds: 86_400 },
    });
    timedAdmin = (await registerAdmin(timed)).accessToken;
  });
  afterAll(async () => {
    await timed?.close();
  });

  it("a lapsed hold's seats are free before any sweep; the sweep announces them; a refresh after expiry is a 410", async () => {
    const showtimeId = await showtimeFor(timed, timedAdmin);
    const first = await registerUser(timed);
    const second = await registerUser(timed);
    const created = await hold(timed, first.accessToken, { showtimeId, seatIds: ["A3", "A4"] });
    expect(created.status).toBe(201);

    clock.advance(600_001);
    expect(statusOf((await availability(timed, showtimeId)).body, "A3")?.status).toBe("available");
    const taken = await hold(timed, second.accessToken, { showtimeId, seatIds: ["A4"] });
    expect(taken.status).toBe(201);
    const refresh = await timed.http.patch<ErrorBody>(
      `/api/seats/hold/${created.body.id}/refresh`,
      undefined,
      first.accessToken,
    );
    expect(refresh.status).toBe(410);
    expect(refresh.body.error.code).toBe("HOLD_EXPIRED");

    const events: SeatUpdateEvent[] = [];
    const stop = timed.deps.bus.subscribe(showtimeId, (e) => events.push(e));
    const swept = await sweepExpiredHolds(timed.deps);
    stop();
    expect(swept.holds).toBeGreaterThanOrEqual(1);
    expect(events.flatMap((e) => e.seats)).toEqual([{ seatId: "A3", status: "available" }]);
    const [row] = await timed.deps.db.select().from(holds).where(eq(holds.id, created.body.id));
    expect(row?.status).toBe("expired");
    expect(await sweepExpiredHolds(timed.deps)).toMatchObject({ seats: 0 });
  });

  it("refresh stops at the maximum life: capped there, then 409 HOLD_MAX_LIFETIME, then 410 once lapsed", async () => {
    const showtimeId = await showtimeFor(timed, timedAdmin);
    const user = await registerUser(timed);
    const created = await hold(timed, user.accessToken, { showtimeId, seatIds: ["C3"] });
    let last: Hold = created.body;
    // Refreshed at +500 s, +1000 s and +1500 s: the last one reaches the 30-minute ceiling.
    for (let i = 0; i < 3; i++) {
      clock.advance(500_000);
      const res = await timed.http.patch<Hold>(
        `/api/seats/hold/${created.body.id}/refresh`,
        undefined,
        user.accessToken,
      );
      expect(res.status).toBe(200);
      last = res.body;
    }
    expect(last.expiresAt).toBe(created.body.maxExpiresAt);
    clock.advance(60_000);
    const atCeiling = await timed.http.patch<ErrorBody>(
      `/api/seats/hold/${created.body.id}/refresh`,
      undefined,
      user.accessToken,
    );
    expect(atCeiling.status).toBe(409);
    expect(atCeiling.body.error).toMatchObject({
      code: "HOLD_MAX_LIFETIME",
      details: { expiresAt: created.body.maxExpiresAt, maxExpiresAt: created.body.maxExpiresAt },
    });
    clock.advance(Date.parse(created.body.maxExpiresAt) - clock.now().getTime() + 1);
    const tooLate = await timed.http.patch<ErrorBody>(
      `/api/seats/hold/${created.body.id}/refresh`,
      undefined,
      user.accessToken,
    );
    expect(tooLate.status).toBe(410);
  });
});

describe("a theater cannot pull seats out from under people", () => {
  it("a screen's layout cannot change, nor its showtime be deleted, while seats are held (409); cancelling still works", async () => {
    const { theater, screen, movie } = await createCatalog(server, admin);
    const show = await createShowtime(
      server,
      admin,
      { theaterId: theater.id, screenId: screen.id, movieId: movie.id },
      "2030-03-01T12:00:00Z",
    );
    const user = await registerUser(server);
    const held = await hold(server, user.accessToken, { showtimeId: show.id, seatIds: ["A3"] });
    expect(held.status).toBe(201);

    const layout = await server.http.patch<ErrorBody>(
      `/api/admin/screens/${screen.id}`,
      { layout: { rows: [{ label: "A", seats: [{ number: 1 }] }] } },
      admin,
    );
    expect(layout.status).toBe(409);
    expect(layout.body.error.code).toBe("SEATS_IN_USE");
    const renamed = await server.http.patch(`/api/admin/screens/${screen.id}`, { name: "Renamed" }, admin);
    expect(renamed.status).toBe(200);
    const deleted = await server.http.request<ErrorBody>("DELETE", `/api/admin/showtimes/${show.id}`, {
      token: admin,
    });
    expect(deleted.status).toBe(409);
    expect(deleted.body.error.code).toBe("SEATS_IN_USE");

    await server.http.request("DELETE", `/api/seats/hold/${held.body.id}`, { token: user.accessToken });
    expect(
      (await server.http.request("DELETE", `/api/admin/showtimes/${show.id}`, { token: admin })).status,
    ).toBe(200);
    expect((await server.http.get(`/api/showtimes/${show.id}`)).status).toBe(404);
  });
});

describe("Idempotency-Key on holds", () => {
  const withKey = (token: string, key: string, body: Record<string, unknown>) =>
    server.http.request<Hold & ErrorBody>("POST", "/api/seats/hold", {
      token,
      body,
      headers: { "idempotency-key": key },
    });

  it("retries with the same key, even concurrent ones, get the first answer and make one hold", async () => {
    const showtimeId = await showtimeFor(server, admin);
    const user = await registerUser(server);
    const key = `hold-${crypto.randomUUID()}`;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => withKey(user.accessToken, key, { showtimeId, seatIds: ["A3", "A4"] })),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const later = await withKey(user.accessToken, key, { showtimeId, seatIds: ["A3", "A4"] });
    expect(later.body.id).toBe(answers[0]?.body.id);
    const rows = await server.deps.db.select().from(holds).where(eq(holds.showtimeId, showtimeId));
    expect(rows).toHaveLength(1);
  });

  it("the same key with a different request is a 422; a malformed key a 400", async () => {
    const showtimeId = await showtimeFor(server, admin);
    const user = await registerUser(server);
    const key = `hold-${crypto.randomUUID()}`;
    expect((await withKey(user.accessToken, key, { showtimeId, seatIds: ["A3"] })).status).toBe(201);
    const reused = await withKey(user.accessToken, key, { showtimeId, seatIds: ["A4"] });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    const bad = await withKey(user.accessToken, "spaces are not allowed", { showtimeId, seatIds: ["A4"] });
    expect(bad.status).toBe(400);
  });

  it("a retry of a refused hold gets the same 409 naming the same seats; a new key tries again", async () => {
    const showtimeId = await showtimeFor(server, admin);
    const blocker = await registerUser(server);
    const user = await registerUser(server);
    const blocking = await hold(server, blocker.accessToken, { showtimeId, seatIds: ["C4"] });
    const key = `hold-${crypto.randomUUID()}`;
    const first = await withKey(user.accessToken, key, { showtimeId, seatIds: ["C4"] });
    expect(first.status).toBe(409);
    await server.http.request("DELETE", `/api/seats/hold/${blocking.body.id}`, {
      token: blocker.accessToken,
    });
    // The seat is free now, but this key's request was answered: its retry hears that answer again.
    const retry = await withKey(user.accessToken, key, { showtimeId, seatIds: ["C4"] });
    expect(retry.status).toBe(409);
    expect(retry.body).toMatchObject({ error: { code: "SEATS_TAKEN", details: { seatIds: ["C4"] } } });
    expect(statusOf((await availability(server, showtimeId)).body, "C4")?.status).toBe("available");
    const fresh = await withKey(user.accessToken, `hold-${crypto.randomUUID()}`, {
      showtimeId,
      seatIds: ["C4"],
    });
    expect(fresh.status).toBe(201);
  });
});

describe("hold rate limits", () => {
  let limited: TestServer;
  let limitedAdmin: string;
  beforeAll(async () => {
    limited = await startTestServer({ config: { rateLimitHoldsPerMin: 3, trustProxy: true } });
    limitedAdmin = (await registerAdmin(limited)).accessToken;
  });
  afterAll(async () => {
    await limited?.close();
  });

  it("count per user and per address: past RATE_LIMIT_HOLDS_PER_MIN a 429 with Retry-After, and nothing held", async () => {
    const showtimeId = await showtimeFor(limited, limitedAdmin);
    const user = await registerUser(limited);
    const from = (ip: string, token: string, seatIds: string[]) =>
      limited.http.request<ErrorBody>("POST", "/api/seats/hold", {
        token,
        body: { showtimeId, seatIds },
        headers: { "x-forwarded-for": ip },
      });
    // One user hopping between addresses is still one user.
    const statuses = [];
    for (const ip of ["10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4"]) {
      statuses.push((await from(ip, user.accessToken, ["A3"])).status);
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
    // One address with many users is still one address.
    const crowd = await Promise.all([1, 2, 3, 4].map(() => registerUser(limited)));
    const crowdStatuses = [];
    for (const [i, member] of crowd.entries()) {
      crowdStatuses.push((await from("10.2.0.1", member.accessToken, [`C${i + 1}`])).status);
    }
    expect(crowdStatuses).toEqual([201, 201, 201, 429]);
    const blocked = await from("10.2.0.1", crowd[3]!.accessToken, ["C4"]);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    const map = await availability(limited, showtimeId);
    expect(map.body.seats.find((s) => s.id === "C4")?.status).toBe("available");
  });
});
