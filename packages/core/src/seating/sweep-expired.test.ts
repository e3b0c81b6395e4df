import type { SeatUpdateEvent } from "@boxoffice/contracts";
import { holds, showtimes } from "@boxoffice/db";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { claimsOf, HOLD_TTL_SECONDS, newUser, showtimeOnSale, useSaleWorld } from "../test/sale.ts";
import { createHold } from "./create-hold.ts";
import { sweepExpiredHolds } from "./sweep-expired.ts";

const world = useSaleWorld();

describe("sweeping lapsed holds, called directly on a real database with a fixed clock", () => {
  it("frees a lapsed hold's seats, marks it expired and announces them with a new version; a live hold stays", async () => {
    const showtime = await showtimeOnSale(world);
    const lapsing = await createHold(world.deps, await newUser(world), {
      showtimeId: showtime.id,
      seatIds: ["A1", "A2"],
    });
    world.clock.advance(HOLD_TTL_SECONDS * 1000 - 60_000);
    const live = await createHold(world.deps, await newUser(world), {
      showtimeId: showtime.id,
      seatIds: ["B1"],
    });
    world.clock.advance(60_000);

    const events: SeatUpdateEvent[] = [];
    const unsubscribe = world.deps.bus.subscribe(showtime.id, (event) => events.push(event));
    const swept = await sweepExpiredHolds(world.deps);
    unsubscribe();

    expect(swept).toMatchObject({ showtimes: 1, seats: 2, holds: 1 });
    expect((await claimsOf(world, showtime.id)).map((c) => [c.seatId, c.holdId])).toEqual([["B1", live.id]]);
    const [expired] = await world.handle.db.select().from(holds).where(eq(holds.id, lapsing.id));
    expect(expired).toMatchObject({ status: "expired", closedAt: new Date(lapsing.expiresAt) });
    const [row] = await world.handle.db
      .select({ version: showtimes.seatVersion })
      .from(showtimes)
      .where(eq(showtimes.id, showtime.id));
    expect(events).toEqual([
      {
        showtimeId: showtime.id,
        version: row?.version,
        seats: [
          { seatId: "A1", status: "available" },
          { seatId: "A2", status: "available" },
        ],
      },
    ]);
    // Sweeping again finds nothing to do.
    expect(await sweepExpiredHolds(world.deps)).toMatchObject({ showtimes: 0, seats: 0, holds: 0 });
  });
});
