import type { Hold, HoldInput, SeatUpdateEvent } from "@boxoffice/contracts";
import { holds, seatClaims, type Transaction } from "@boxoffice/db";
import { and, eq, sql } from "drizzle-orm";
import { AppError } from "../shared/errors.ts";
import { intArray, textArray } from "../shared/sql-arrays.ts";
import { bestAvailable } from "./best-available.ts";
import type { SeatingDeps } from "./deps.ts";
import { toHold } from "./hold-dto.ts";
import { liveClaims } from "./live-claims.ts";
import { orphanSeats } from "./orphans.ts";
import { assertOnSale, lockShowtimeForHold, priceOf, type ShowtimeForSale } from "./seat-plan.ts";

/**
 * Holds seats for `userId`: all of them or none. Inside one transaction that first locks the showtime
 * row (see loadShowtimeForSale), the seats are inserted into seat_claims with ON CONFLICT DO NOTHING;
 * the primary key (showtime, seat) is the referee, and if any seat was taken the transaction rolls back
 * and the caller learns exactly which. Sale state, layout and best-available choice are all read under
 * that lock, so nothing checked can change before the claims commit.
 */
export async function holdSeats(deps: SeatingDeps, userId: string, input: HoldInput): Promise<Hold> {
  const requested = input.seatIds ?? [];
  if (requested.length > deps.settings.holdMaxSeats) {
    throw tooMany("seatIds", deps.settings.holdMaxSeats);
  }
  if ((input.count ?? 0) > deps.settings.holdMaxSeats) {
    throw tooMany("count", deps.settings.holdMaxSeats);
  }
  const outcome = await deps.db.transaction(async (tx) => {
    const showtime = await lockShowtimeForHold(tx, input.showtimeId);
    const now = deps.clock.now();
    assertOnSale(showtime, now);
    const seatIds = input.seatIds
      ? checkSeats(showtime, input.seatIds)
      : await chooseBest(tx, showtime, now, input.count ?? 1, input.seatType);
    return claimSeats(deps, tx, userId, showtime, [...seatIds].sort(), now);
  });
  await deps.bus.publish(outcome.event);
  deps.onHoldExpiry?.(outcome.hold.id, new Date(outcome.hold.expiresAt));
  return outcome.hold;
}

function tooMany(path: string, max: number): AppError {
  return new AppError("VALIDATION_FAILED", `Invalid input: ${path}`, {
    issues: [{ path, message: `at most ${max} seats per hold`, code: "too_big" }],
  });
}

function checkSeats(showtime: ShowtimeForSale, seatIds: string[]): string[] {
  const unknown = seatIds.flatMap((id, i) => (showtime.plan.byId.has(id) ? [] : [{ id, i }]));
  if (unknown.length > 0) {
    throw new AppError("VALIDATION_FAILED", "Invalid input: seatIds", {
      issues: unknown.map(({ id, i }) => ({
        path: `seatIds.${i}`,
        message: `seat ${id} is not on this screen`,
        code: "custom",
      })),
    });
  }
  const blocked = seatIds.filter((id) => showtime.plan.byId.get(id)?.blocked);
  if (blocked.length > 0) {
    throw new AppError("SEATS_UNAVAILABLE", "The theater has taken these seats out of sale", {
      seatIds: blocked,
    });
  }
  return seatIds;
}

async function chooseBest(
  tx: Transaction,
  showtime: ShowtimeForSale,
  now: Date,
  count: number,
  seatType: HoldInput["seatType"],
): Promise<string[]> {
  const taken = new Set((await liveClaims(tx, showtime.id, now)).map((c) => c.seatId));
  const [choice] = bestAvailable(showtime.plan.seatMap, taken, count, seatType, 1);
  if (!choice) {
    throw new AppError("NO_SEATS_TOGETHER", undefined, { count, ...(seatType ? { seatType } : {}) });
  }
  return choice;
}

async function claimSeats(
  deps: SeatingDeps,
  tx: Transaction,
  userId: string,
  showtime: ShowtimeForSale,
  seatIds: string[],
  now: Date,
): Promise<{ hold: Hold; event: SeatUpdateEvent }> {
  const expiresAt = new Date(now.getTime() + deps.settings.holdTtlSeconds * 1000);
  const maxExpiresAt = new Date(now.getTime() + deps.settings.holdMaxLifetimeSeconds * 1000);
  const prices = Object.fromEntries(
    seatIds.map((id) => [id, priceOf(showtime, showtime.plan.byId.get(id)?.type ?? "standard")]),
  );
  const total = Object.values(prices).reduce((a, b) => a + b, 0);

  // Few statements while the showtime lock is held: it bounds how many holds one showtime takes a second.
  const [previous] = await tx
    .update(holds)
    .set({ status: "replaced", closedAt: now })
    .where(and(eq(holds.userId, userId), eq(holds.showtimeId, showtime.id), eq(holds.status, "active")))
    .returning({ id: holds.id });
  const [hold] = await tx
    .insert(holds)
    .values({
      showtimeId: showtime.id,
      userId,
      seatIds,
      prices,
      total,
      currency: showtime.currency,
      expiresAt,
      maxExpiresAt,
      createdAt: now,
    })
    .returning();
  if (!hold) {
    throw new Error("insert returned no row");
  }
  // One statement claims every seat: a free seat is inserted; a seat whose hold has lapsed, or that the
  // user's previous hold had, is taken over (so it is never free in between); anything else (another
  // live hold, a booking) is left alone and comes back missing, which refuses the whole hold.
  const result = (await tx.execute(sql`
    INSERT INTO ${seatClaims} (showtime_id, seat_id, hold_id, user_id, expires_at, price, created_at)
    SELECT ${showtime.id}::uuid, s.seat_id, ${hold.id}::uuid, ${userId}::uuid,
           ${expiresAt.toISOString()}::timestamptz, s.price, ${now.toISOString()}::timestamptz
    FROM unnest(${textArray(seatIds)}, ${intArray(seatIds.map((id) => prices[id] ?? 0))}) AS s(seat_id, price)
    ON CONFLICT (showtime_id, seat_id) DO UPDATE SET
      hold_id = EXCLUDED.hold_id, user_id = EXCLUDED.user_id, expires_at = EXCLUDED.expires_at,
      price = EXCLUDED.price, created_at = EXCLUDED.created_at
    WHERE seat_claims.hold_id IS NOT NULL
      AND (seat_claims.expires_at <= ${now.toISOString()}::timestamptz OR seat_claims.hold_id = ${previous?.id ?? null}::uuid)
    RETURNING seat_id`)) as unknown as { rows: Array<{ seat_id: string }> };
  const claimed = new Set(result.rows.map((row) => row.seat_id));
  const taken = seatIds.filter((id) => !claimed.has(id));
  if (taken.length > 0) {
    throw new AppError("SEATS_TAKEN", `Seats ${taken.join(", ")} were just taken`, { seatIds: taken });
  }
  const released = previous
    ? (
        await tx
          .delete(seatClaims)
          .where(eq(seatClaims.holdId, previous.id))
          .returning({ seatId: seatClaims.seatId })
      ).map((r) => r.seatId)
    : [];
  if (showtime.noOrphanSeats) {
    await assertNoOrphans(tx, showtime, seatIds, now);
  }
  return {
    hold: toHold(hold, showtime.plan),
    event: {
      showtimeId: showtime.id,
      version: showtime.seatVersion,
      seats: [
        ...seatIds.map((seatId) => ({ seatId, status: "held" as const })),
        ...released.map((seatId) => ({ seatId, status: "available" as const })),
      ],
    },
  };
}

async function assertNoOrphans(tx: Transaction, showtime: ShowtimeForSale, seatIds: string[], now: Date) {
  const taken = new Set((await liveClaims(tx, showtime.id, now)).map((c) => c.seatId));
  const rows = new Set(seatIds.map((id) => showtime.plan.byId.get(id)?.row ?? ""));
  const orphans = orphanSeats(showtime.plan.seatMap, taken, rows);
  if (orphans.length > 0) {
    throw new AppError("ORPHAN_SEAT", `This would leave ${orphans.join(", ")} alone between taken seats`, {
      seatIds: orphans,
    });
  }
}
