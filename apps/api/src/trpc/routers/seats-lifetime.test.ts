import type { Availability, ErrorBody, Hold } from "@boxoffice/contracts";
import { manualClock } from "@boxoffice/core";
import { beforeAll, describe, expect, it } from "vitest";
import { bookWithDevProvider, showtimeOnSale } from "../../test/booking-fixtures.ts";
import { registerAdmin, registerUser, serverForFile } from "../../test/harness.ts";

// HOLD_TTL_SECONDS 600 and HOLD_MAX_LIFETIME_SECONDS 1800, the defaults, on a clock only the tests move.
const TTL_MS = 600_000;
const MAX_MS = 1_800_000;
const clock = manualClock(new Date());
// The sweep stays out of the way (it only tidies) and tokens outlive the hours this clock runs forward.
const server = serverForFile({
  clock,
  config: { holdSweepIntervalMs: 600_000, accessTokenTtlSeconds: 86_400, rateLimitHoldsPerMin: 0 },
});
let admin: string;
beforeAll(async () => {
  admin = (await registerAdmin(server)).accessToken;
});

const hold = (token: string, showtimeId: string, seatIds: string[]) =>
  server.http.post<Hold & ErrorBody>("/api/seats/hold", { showtimeId, seatIds }, token);
const release = (token: string, holdId: string) =>
  server.http.request("DELETE", `/api/seats/hold/${holdId}`, { token });
const heldSeats = async (showtimeId: string) =>
  (await server.http.get<Availability>(`/api/seats/availability?showtimeId=${showtimeId}`)).body.seats
    .filter((s) => s.status === "held")
    .map((s) => s.id);
const at = (ms: number) => new Date(ms).toISOString();
/** A showtime no other test touches, and the moment the test's first hold is made. */
async function freshShowtime(): Promise<{ showtimeId: string; t0: number }> {
  const showtimeId = await showtimeOnSale(server, admin);
  return { showtimeId, t0: clock.now().getTime() };
}

describe("one user's holds on a showtime cannot outlive HOLD_MAX_LIFETIME_SECONDS together", () => {
  it("holding the same seats again keeps the first hold's maxExpiresAt", async () => {
    const { showtimeId, t0 } = await freshShowtime();
    const user = await registerUser(server);
    const first = await hold(user.accessToken, showtimeId, ["A3", "A4"]);
    expect(first.status).toBe(201);
    expect(first.body.maxExpiresAt).toBe(at(t0 + MAX_MS));

    clock.advance(500_000);
    const again = await hold(user.accessToken, showtimeId, ["A3", "A4"]);
    expect(again.status).toBe(201);
    expect(again.body.maxExpiresAt).toBe(first.body.maxExpiresAt);
    expect(again.body.expiresAt).toBe(at(t0 + 500_000 + TTL_MS));

    // Near the end of the run a new hold gets only what is left of it.
    clock.advance(800_000);
    const late = await hold(user.accessToken, showtimeId, ["A3"]);
    expect(late.status).toBe(201);
    expect(late.body.maxExpiresAt).toBe(first.body.maxExpiresAt);
    expect(late.body.expiresAt).toBe(first.body.maxExpiresAt);
  });

  it("releasing and holding again within HOLD_TTL_SECONDS keeps it too", async () => {
    const { showtimeId } = await freshShowtime();
    const user = await registerUser(server);
    const first = await hold(user.accessToken, showtimeId, ["A3"]);
    clock.advance(60_000);
    expect((await release(user.accessToken, first.body.id)).status).toBe(200);
    clock.advance(TTL_MS - 1_000);
    const next = await hold(user.accessToken, showtimeId, ["C4"]);
    expect(next.status).toBe(201);
    expect(next.body.maxExpiresAt).toBe(first.body.maxExpiresAt);
  });

  it("a release and a new hold in the same instant: the new hold is the latest, and its lapse counts", async () => {
    const { showtimeId } = await freshShowtime();
    const user = await registerUser(server);
    const first = await hold(user.accessToken, showtimeId, ["A3"]);
    clock.advance(500_000);
    await release(user.accessToken, first.body.id);
    const same = await hold(user.accessToken, showtimeId, ["A4"]);
    expect(same.body.createdAt).toBe(clock.now().toISOString());
    // The released hold ended more than a TTL ago, the one made with its release only just lapsed.
    clock.advance(TTL_MS + 1);
    const next = await hold(user.accessToken, showtimeId, ["A4"]);
    expect(next.status).toBe(201);
    expect(next.body.maxExpiresAt).toBe(first.body.maxExpiresAt);
  });

  it("a hold left to lapse, then held again within HOLD_TTL_SECONDS, keeps it", async () => {
    const { showtimeId } = await freshShowtime();
    const user = await registerUser(server);
    const first = await hold(user.accessToken, showtimeId, ["A3"]);
    clock.advance(TTL_MS + TTL_MS - 1_000);
    const next = await hold(user.accessToken, showtimeId, ["A3"]);
    expect(next.status).toBe(201);
    expect(next.body.maxExpiresAt).toBe(first.body.maxExpiresAt);
  });

  it("chaining holds past the maximum is refused 409 HOLD_LIFETIME_EXCEEDED until HOLD_TTL_SECONDS pass with no hold", async () => {
    const { showtimeId, t0 } = await freshShowtime();
    const user = await registerUser(server);
    const first = await hold(user.accessToken, showtimeId, ["A3"]);
    // A new hold every 500 s, each before the last lapses: the last one is cut at the run's maximum.
    for (let i = 1; i <= 3; i++) {
      clock.advance(500_000);
      const res = await hold(user.accessToken, showtimeId, i % 2 ? ["A4"] : ["A3"]);
      expect(res.status).toBe(201);
      expect(res.body.maxExpiresAt).toBe(first.body.maxExpiresAt);
    }
    clock.set(at(t0 + MAX_MS));
    expect(await heldSeats(showtimeId)).toEqual([]);

    const refused = await hold(user.accessToken, showtimeId, ["A4"]);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: "HOLD_LIFETIME_EXCEEDED",
      details: { showtimeId, maxExpiresAt: first.body.maxExpiresAt, retryAt: at(t0 + MAX_MS + TTL_MS) },
    });
    expect(refused.body.error.message).toContain(at(t0 + MAX_MS + TTL_MS));
    // Asking again does not move the moment on: a refusal is not a hold.
    clock.set(at(t0 + MAX_MS + TTL_MS - 1));
    const stillRefused = await hold(user.accessToken, showtimeId, ["B1"]);
    expect(stillRefused.status).toBe(409);
    expect(stillRefused.body.error.details).toMatchObject({ retryAt: at(t0 + MAX_MS + TTL_MS) });
    expect(await heldSeats(showtimeId)).toEqual([]);

    clock.set(at(t0 + MAX_MS + TTL_MS));
    const newRun = await hold(user.accessToken, showtimeId, ["A4"]);
    expect(newRun.status).toBe(201);
    expect(newRun.body.maxExpiresAt).toBe(at(t0 + MAX_MS + TTL_MS + MAX_MS));
  });

  it("after HOLD_TTL_SECONDS with no hold, a new hold starts a new run with a full maximum life", async () => {
    const { showtimeId } = await freshShowtime();
    const user = await registerUser(server);
    const first = await hold(user.accessToken, showtimeId, ["A3"]);
    clock.advance(120_000);
    await release(user.accessToken, first.body.id);
    clock.advance(TTL_MS);
    const next = await hold(user.accessToken, showtimeId, ["A3"]);
    expect(next.status).toBe(201);
    expect(next.body.maxExpiresAt).toBe(at(clock.now().getTime() + MAX_MS));
  });

  it("another user, and the same user on another showtime, are unaffected by a run at its end", async () => {
    const { showtimeId, t0 } = await freshShowtime();
    const other = await showtimeOnSale(server, admin);
    const user = await registerUser(server);
    const neighbour = await registerUser(server);
    for (let i = 0; i < 4; i++) {
      expect((await hold(user.accessToken, showtimeId, ["A3"])).status).toBe(201);
      clock.advance(500_000);
    }
    clock.set(at(t0 + MAX_MS + 1));
    expect((await hold(user.accessToken, showtimeId, ["A3"])).status).toBe(409);

    const theirs = await hold(neighbour.accessToken, showtimeId, ["A3"]);
    expect(theirs.status).toBe(201);
    expect(theirs.body.maxExpiresAt).toBe(at(t0 + MAX_MS + 1 + MAX_MS));
    const elsewhere = await hold(user.accessToken, other, ["A3"]);
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.maxExpiresAt).toBe(at(t0 + MAX_MS + 1 + MAX_MS));
  });

  it("a purchase ends the run: the buyer's next hold has a full maximum life", async () => {
    const { showtimeId, t0 } = await freshShowtime();
    const user = await registerUser(server);
    for (let i = 0; i < 3; i++) {
      expect((await hold(user.accessToken, showtimeId, ["C4"])).status).toBe(201);
      clock.advance(500_000);
    }
    // Bought on the run's last hold, 5 minutes before its maximum.
    const booking = await bookWithDevProvider(server, user.accessToken, showtimeId, ["A3"]);
    expect(booking.seatIds).toEqual(["A3"]);
    clock.set(at(t0 + MAX_MS + 60_000));
    const more = await hold(user.accessToken, showtimeId, ["A4"]);
    expect(more.status).toBe(201);
    expect(more.body.maxExpiresAt).toBe(at(t0 + MAX_MS + 60_000 + MAX_MS));
  });
});
