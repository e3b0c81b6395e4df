import type { ErrorBody, Hold, Session } from "@boxoffice/contracts";
import { holds, seatClaims } from "@boxoffice/db";
import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createCatalog, createShowtime, rowsOf } from "../../test/catalog-fixtures.ts";
import { registerAdmin, registerUser, rng, serverForFile } from "../../test/harness.ts";

const CLIENTS = 50;
const ROWS = "ABCDE";

const server = serverForFile({ config: { rateLimitHoldsPerMin: 0 } });
let admin: string;
let users: Session[];
beforeAll(async () => {
  admin = (await registerAdmin(server)).accessToken;
  users = await Promise.all(Array.from({ length: CLIENTS }, () => registerUser(server)));
}, 120_000);

async function hotShowtime(): Promise<string> {
  const { theater, screen, movie } = await createCatalog(server, admin, { layout: rowsOf(ROWS, 6) });
  const show = await createShowtime(
    server,
    admin,
    { theaterId: theater.id, screenId: screen.id, movieId: movie.id },
    "2031-01-01T12:00:00Z",
  );
  return show.id;
}

describe.each([1, 2, 3])("fifty clients race for overlapping seats of one showtime (seed %i)", (seed) => {
  it("every seat is claimed at most once, every 201 is in the database, every 409 named seats really taken", async () => {
    const showtimeId = await hotShowtime();
    const random = rng(seed);
    const seats = [...ROWS].flatMap((r) => [1, 2, 3, 4, 5, 6].map((n) => `${r}${n}`));
    const requests = users.map((user) => {
      const want = new Set<string>();
      const size = 1 + Math.floor(random() * 4);
      while (want.size < size) {
        want.add(seats[Math.floor(random() * seats.length)] as string);
      }
      return { user, seatIds: [...want] };
    });

    const results = await Promise.all(
      requests.map(async (r) => ({
        ...r,
        res: await server.http.post<Hold & ErrorBody>(
          "/api/seats/hold",
          { showtimeId, seatIds: r.seatIds },
          r.user.accessToken,
        ),
      })),
    );

    const won = results.filter((r) => r.res.status === 201);
    const lost = results.filter((r) => r.res.status === 409);
    expect(won.length + lost.length).toBe(CLIENTS);
    expect(won.length).toBeGreaterThan(0);
    expect(lost.length).toBeGreaterThan(0);

    const claims = await server.deps.db
      .select()
      .from(seatClaims)
      .where(eq(seatClaims.showtimeId, showtimeId));
    const owner = new Map(claims.map((c) => [c.seatId, c.holdId]));
    expect(owner.size).toBe(claims.length);

    const claimedByWinners = won.flatMap((w) => w.res.body.seatIds);
    expect(new Set(claimedByWinners).size).toBe(claimedByWinners.length);
    expect(claims.length).toBe(claimedByWinners.length);
    for (const w of won) {
      expect([...w.res.body.seatIds].sort()).toEqual([...w.seatIds].sort());
      for (const seatId of w.res.body.seatIds) {
        expect(owner.get(seatId)).toBe(w.res.body.id);
      }
    }
    const winnerHolds = new Set(won.map((w) => w.res.body.id));
    for (const l of lost) {
      expect(l.res.body.error.code).toBe("SEATS_TAKEN");
      const named = l.res.body.error.details?.seatIds as string[];
      expect(named.length).toBeGreaterThan(0);
      for (const seatId of named) {
        expect(l.seatIds).toContain(seatId);
        expect(winnerHolds.has(owner.get(seatId) ?? "")).toBe(true);
      }
      const [mine] = await server.deps.db
        .select({ n: sql<number>`count(*)::int` })
        .from(holds)
        .where(and(eq(holds.userId, l.user.user.id), eq(holds.showtimeId, showtimeId)));
      expect(mine?.n).toBe(0);
    }
  });
});
