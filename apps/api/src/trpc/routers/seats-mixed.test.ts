import type { Hold, Session } from "@boxoffice/contracts";
import { holds, seatClaims } from "@boxoffice/db";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createCatalog, createShowtime, rowsOf } from "../../test/catalog-fixtures.ts";
import { registerAdmin, registerUser, rng, serverForFile } from "../../test/harness.ts";

const USERS = 30;
const ROUNDS = 6;

const server = serverForFile({ config: { rateLimitHoldsPerMin: 0 } });
let admin: string;
let users: Session[];
beforeAll(async () => {
  admin = (await registerAdmin(server)).accessToken;
  users = await Promise.all(Array.from({ length: USERS }, () => registerUser(server)));
}, 120_000);

describe("holds, replacements, refreshes, releases and admin changes all at once", () => {
  it("never answer 5xx, and leave every claim belonging to a live hold that lists it", async () => {
    const layout = rowsOf("ABCDE", 6);
    const { theater, screen, movie } = await createCatalog(server, admin, { layout });
    const show = await createShowtime(
      server,
      admin,
      { theaterId: theater.id, screenId: screen.id, movieId: movie.id },
      "2031-02-01T12:00:00Z",
      { noOrphanSeats: true },
    );
    const seats = layout.rows.flatMap((r) =>
      r.seats.flatMap((s) => ("gap" in s ? [] : [`${r.label}${s.number}`])),
    );
    const statuses: number[] = [];
    const record = (status: number) => statuses.push(status);

    const actor = async (user: Session, seed: number) => {
      const random = rng(seed);
      let last: string | undefined;
      const holdSome = async () => {
        const want = new Set<string>();
        const size = 1 + Math.floor(random() * 3);
        while (want.size < size) {
          want.add(seats[Math.floor(random() * seats.length)] as string);
        }
        const res = await server.http.post<Hold>(
          "/api/seats/hold",
          { showtimeId: show.id, seatIds: [...want] },
          user.accessToken,
        );
        record(res.status);
        if (res.status === 201) {
          last = res.body.id;
        }
      };
      for (let round = 0; round < ROUNDS; round++) {
        const roll = random();
        if (roll < 0.45 || !last) {
          await holdSome();
        } else if (roll < 0.6) {
          // The same user racing themself: two holds on one showtime at once.
          await Promise.all([holdSome(), holdSome()]);
        } else if (roll < 0.8) {
          record(
            (await server.http.patch(`/api/seats/hold/${last}/refresh`, undefined, user.accessToken)).status,
          );
        } else {
          record(
            (await server.http.request("DELETE", `/api/seats/hold/${last}`, { token: user.accessToken }))
              .status,
          );
        }
      }
    };
    const relayout = async () => {
      for (let i = 0; i < 4; i++) {
        const res = await server.http.patch(`/api/admin/screens/${screen.id}`, { layout }, admin);
        record(res.status);
      }
    };
    await Promise.all([...users.map((u, i) => actor(u, 1000 + i)), relayout()]);

    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(new Set(statuses.filter((s) => ![200, 201, 409, 410].includes(s)))).toEqual(new Set());
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThan(0);

    const claims = await server.deps.db.select().from(seatClaims).where(eq(seatClaims.showtimeId, show.id));
    const liveHolds = await server.deps.db.select().from(holds).where(eq(holds.showtimeId, show.id));
    const byId = new Map(liveHolds.map((h) => [h.id, h]));
    for (const claim of claims) {
      const owner = byId.get(claim.holdId ?? "");
      expect(owner?.status).toBe("active");
      expect(owner?.seatIds).toContain(claim.seatId);
    }
    for (const h of liveHolds.filter((x) => x.status === "active")) {
      const mine = claims.filter((c) => c.holdId === h.id).map((c) => c.seatId);
      expect(mine.sort()).toEqual([...h.seatIds].sort());
    }
    const activePerUser = new Map<string, number>();
    for (const h of liveHolds.filter((x) => x.status === "active")) {
      activePerUser.set(h.userId, (activePerUser.get(h.userId) ?? 0) + 1);
    }
    expect([...activePerUser.values()].every((n) => n === 1)).toBe(true);
  });
});
