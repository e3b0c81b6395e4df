import { holds } from "@boxoffice/db";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { AppError } from "../shared/errors.ts";
import { claimsOf, HOLD_TTL_SECONDS, newUser, showtimeOnSale, useSaleWorld } from "../test/sale.ts";
import { createHold } from "./create-hold.ts";
import { refreshHold } from "./refresh-hold.ts";
import { releaseHold } from "./release-hold.ts";

const world = useSaleWorld();

const errorOf = (err: unknown) => (err instanceof AppError ? { code: err.code, details: err.details } : err);
const statusOf = async (holdId: string) =>
  (await world.handle.db.select().from(holds).where(eq(holds.id, holdId)))[0]?.status;

describe("holding seats, called directly on a real database with a fixed clock", () => {
  it("claims every seat for the hold until it lapses, at the showtime's prices", async () => {
    const showtime = await showtimeOnSale(world);
    const userId = await newUser(world);
    const hold = await createHold(world.deps, userId, { showtimeId: showtime.id, seatIds: ["A2", "A1"] });
    const expiresAt = new Date(world.clock.now().getTime() + HOLD_TTL_SECONDS * 1000);
    expect(hold).toMatchObject({ seatIds: ["A1", "A2"], total: 40_000, status: "active" });
    expect(hold.expiresAt).toBe(expiresAt.toISOString());
    expect(await claimsOf(world, showtime.id)).toEqual([
      { seatId: "A1", holdId: hold.id, bookingId: null, userId, expiresAt },
      { seatId: "A2", holdId: hold.id, bookingId: null, userId, expiresAt },
    ]);
  });

  it("refuses a seat another customer holds, naming it, and holds none of the others", async () => {
    const showtime = await showtimeOnSale(world);
    await createHold(world.deps, await newUser(world), { showtimeId: showtime.id, seatIds: ["B2"] });
    const late = await newUser(world);
    const refused = await createHold(world.deps, late, {
      showtimeId: showtime.id,
      seatIds: ["B1", "B2"],
    }).catch(errorOf);
    expect(refused).toEqual({ code: "SEATS_TAKEN", details: { seatIds: ["B2"] } });
    expect((await claimsOf(world, showtime.id)).map((c) => c.seatId)).toEqual(["B2"]);
  });

  it("takes over a lapsed hold's seat", async () => {
    const showtime = await showtimeOnSale(world);
    await createHold(world.deps, await newUser(world), { showtimeId: showtime.id, seatIds: ["B3"] });
    world.clock.advance(HOLD_TTL_SECONDS * 1000);
    const next = await newUser(world);
    const hold = await createHold(world.deps, next, { showtimeId: showtime.id, seatIds: ["B3"] });
    expect(await claimsOf(world, showtime.id)).toMatchObject([
      { seatId: "B3", holdId: hold.id, userId: next },
    ]);
  });

  it("a new hold replaces the customer's previous one: shared seats move over, the rest are freed", async () => {
    const showtime = await showtimeOnSale(world);
    const userId = await newUser(world);
    const first = await createHold(world.deps, userId, { showtimeId: showtime.id, seatIds: ["A3", "A4"] });
    world.clock.advance(60_000);
    const second = await createHold(world.deps, userId, { showtimeId: showtime.id, seatIds: ["A4", "A5"] });
    expect(await statusOf(first.id)).toBe("replaced");
    expect((await claimsOf(world, showtime.id)).map((c) => [c.seatId, c.holdId])).toEqual([
      ["A4", second.id],
      ["A5", second.id],
    ]);
    // Replacing keeps the first hold's maximum life.
    expect(second.maxExpiresAt).toBe(first.maxExpiresAt);
  });

  it("refresh moves the hold and its claims to now + TTL; release frees its seats at once", async () => {
    const showtime = await showtimeOnSale(world);
    const userId = await newUser(world);
    const hold = await createHold(world.deps, userId, { showtimeId: showtime.id, seatIds: ["B5", "B6"] });
    world.clock.advance(5 * 60_000);
    const refreshed = await refreshHold(world.deps, userId, hold.id);
    const expiresAt = new Date(world.clock.now().getTime() + HOLD_TTL_SECONDS * 1000);
    expect(refreshed.expiresAt).toBe(expiresAt.toISOString());
    expect((await claimsOf(world, showtime.id)).map((c) => c.expiresAt)).toEqual([expiresAt, expiresAt]);
    expect(await releaseHold(world.deps, userId, hold.id)).toEqual({ released: true });
    expect(await claimsOf(world, showtime.id)).toEqual([]);
    expect(await statusOf(hold.id)).toBe("released");
    expect(await releaseHold(world.deps, userId, hold.id)).toEqual({ released: false });
  });

  it("a lapsed hold cannot be refreshed", async () => {
    const showtime = await showtimeOnSale(world);
    const userId = await newUser(world);
    const hold = await createHold(world.deps, userId, { showtimeId: showtime.id, seatIds: ["A6"] });
    world.clock.advance(HOLD_TTL_SECONDS * 1000);
    expect(await refreshHold(world.deps, userId, hold.id).catch(errorOf)).toMatchObject({
      code: "HOLD_EXPIRED",
    });
  });
});
