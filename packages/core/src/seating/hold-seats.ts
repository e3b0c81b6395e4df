import type { Hold, HoldInput, SeatUpdateEvent } from "@boxoffice/contracts";
import { holds, seatClaims, showtimes, type Transaction } from "@boxoffice/db";
import { and, eq, isNotNull, lte, sql } from "drizzle-orm";
import { AppError } from "../shared/errors.ts";
import { bestAvailable } from "./best-available.ts";
import type { SeatingDeps } from "./deps.ts";
import { toHold } from "./hold-dto.ts";
import { liveClaims } from "./live-claims.ts";
import { orphanSeats } from "./orphans.ts";
import { assertOnSale, loadShowtimeForSale, priceOf, type ShowtimeForSale } from "./seat-plan.ts";

const textArray = (values: string[]) =>
  sql`ARRAY[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;
const intArray = (values: number[]) =>
  sql`ARRAY[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::int[]`;

class SeatsTaken extends AppError {
  constructor(readonly seatIds: string[]) {
    super("SEATS_TAKEN", `Seats ${seatIds.join(", ")} were just taken`, { seatIds });
  }
}

/**
 * Holds seats for `userId`: all of them or none. The seat_claims primary key is the referee: every seat
 * is inserted with ON CONFLICT DO NOTHING in one transaction, and if any insert found the seat taken the
 * transaction rolls back and the caller learns exactly which seats those were.
 */
export async function holdSeats(deps: SeatingDeps, userId: string, input: HoldInput): Promise<Hold> {
  const showtime = await loadShowtimeForSale(deps.db, input.showtimeId);
  assertOnSale(showtime, deps.clock.now());
  if (input.seatIds) {
    checkSeats(deps, showtime, input.seatIds);
    return holdExactly(deps, userId, showtime, input.seatIds);
  }
  const count = input.count ?? 1;
  if (count > deps.settings.holdMaxSeats) {
    throw tooMany("count", deps.settings.holdMaxSeats);
  }
  // Best available: pick from a fresh look at the seats, and if someone beats us to them, look again.
  for (let attempt = 0; attempt < 4; attempt++) {
    const claims = await liveClaims(deps.db, showtime.id, deps.clock.now());
    const taken = new Set(claims.map((c) => c.seatId));
    const [choice] = bestAvailable(showtime.plan.seatMap, taken, count, input.seatType);
    if (!choice) {
      throw new AppError("NO_SEATS_TOGETHER", undefined, {
        count,
        ...(input.seatType ? { seatType: input.seatType } : {}),
      });
    }
    try {
      return await holdExactly(deps, userId, showtime, choice);
    } catch (err) {
      if (!(err instanceof SeatsTaken)) {
        throw err;
      }
    }
  }
  throw new AppError("SEATS_TAKEN", "The best seats keep being taken: try again", { seatIds: [] });
}

function tooMany(path: string, max: number): AppError {
  return new AppError("VALIDATION_FAILED", `Invalid input: ${path}`, {
    issues: [{ path, message: `at most ${max} seats per hold`, code: "too_big" }],
  });
}

function checkSeats(deps: SeatingDeps, showtime: ShowtimeForSale, seatIds: string[]): void {
  if (seatIds.length > deps.settings.holdMaxSeats) {
    throw tooMany("seatIds", deps.settings.holdMaxSeats);
  }
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
}

async function holdExactly(
  deps: SeatingDeps,
  userId: string,
  showtime: ShowtimeForSale,
  requested: string[],
) {
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + deps.settings.holdTtlSeconds * 1000);
  const maxExpiresAt = new Date(now.getTime() + deps.settings.holdMaxLifetimeSeconds * 1000);
  // Every transaction claims seats in the same order, so two overlapping holds wait rather than deadlock.
  const seatIds = [...requested].sort();
  const prices = Object.fromEntries(
    seatIds.map((id) => [id, priceOf(showtime, showtime.plan.byId.get(id)?.type ?? "standard")]),
  );
  const total = Object.values(prices).reduce((a, b) => a + b, 0);

  const outcome = await deps.db.transaction(async (tx) => {
    // A key-share lock: holds do not block each other, but an admin changing the screen's layout or
    // deleting the showtime (FOR UPDATE) waits for this hold, and this hold waits for them.
    await tx
      .select({ id: showtimes.id })
      .from(showtimes)
      .where(eq(showtimes.id, showtime.id))
      .for("key share");
    const [previous] = await tx
      .select({ id: holds.id, seatIds: holds.seatIds })
      .from(holds)
      .where(and(eq(holds.userId, userId), eq(holds.showtimeId, showtime.id), eq(holds.status, "active")))
      .for("update");
    // Lapsed claims are free the moment they lapse; tidy the ones in the way.
    await tx
      .delete(seatClaims)
      .where(
        and(
          eq(seatClaims.showtimeId, showtime.id),
          sql`${seatClaims.seatId} = ANY(${textArray(seatIds)})`,
          isNotNull(seatClaims.holdId),
          lte(seatClaims.expiresAt, now),
        ),
      );
    if (previous) {
      await tx.update(holds).set({ status: "replaced", closedAt: now }).where(eq(holds.id, previous.id));
    }
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
    let kept: string[] = [];
    let released: string[] = [];
    if (previous) {
      // Seats in both holds move across without ever being free; the rest of the old hold is let go.
      kept = (
        await tx
          .update(seatClaims)
          .set({
            holdId: hold.id,
            expiresAt,
            price: sql`(${JSON.stringify(prices)}::jsonb ->> ${seatClaims.seatId})::int`,
          })
          .where(
            and(eq(seatClaims.holdId, previous.id), sql`${seatClaims.seatId} = ANY(${textArray(seatIds)})`),
          )
          .returning({ seatId: seatClaims.seatId })
      ).map((r) => r.seatId);
      released = (
        await tx
          .delete(seatClaims)
          .where(eq(seatClaims.holdId, previous.id))
          .returning({ seatId: seatClaims.seatId })
      ).map((r) => r.seatId);
    }
    const keptSet = new Set(kept);
    const toInsert = seatIds.filter((id) => !keptSet.has(id));
    const inserted = new Set<string>();
    if (toInsert.length > 0) {
      const result = (await tx.execute(sql`
        INSERT INTO ${seatClaims} (showtime_id, seat_id, hold_id, user_id, expires_at, price, created_at)
        SELECT ${showtime.id}::uuid, s.seat_id, ${hold.id}::uuid, ${userId}::uuid, ${expiresAt.toISOString()}::timestamptz, s.price, ${now.toISOString()}::timestamptz
        FROM unnest(${textArray(toInsert)}, ${intArray(toInsert.map((id) => prices[id] ?? 0))}) AS s(seat_id, price)
        ON CONFLICT DO NOTHING
        RETURNING seat_id`)) as unknown as { rows: Array<{ seat_id: string }> };
      for (const row of result.rows) {
        inserted.add(row.seat_id);
      }
    }
    const taken = toInsert.filter((id) => !inserted.has(id));
    if (taken.length > 0) {
      throw new SeatsTaken(taken);
    }
    if (showtime.noOrphanSeats) {
      await assertNoOrphans(tx, showtime, seatIds, now);
    }
    const [bumped] = await tx
      .update(showtimes)
      .set({ seatVersion: sql`${showtimes.seatVersion} + 1` })
      .where(eq(showtimes.id, showtime.id))
      .returning({ version: showtimes.seatVersion });
    return { hold, released: released.filter((id) => !keptSet.has(id)), version: bumped?.version ?? 0 };
  });

  const event: SeatUpdateEvent = {
    showtimeId: showtime.id,
    version: outcome.version,
    seats: [
      ...seatIds.map((seatId) => ({ seatId, status: "held" as const })),
      ...outcome.released.map((seatId) => ({ seatId, status: "available" as const })),
    ],
  };
  await deps.bus.publish(event);
  deps.onHoldExpiry?.(outcome.hold.id, outcome.hold.expiresAt);
  return toHold(outcome.hold, showtime.plan);
}

async function assertNoOrphans(tx: Transaction, showtime: ShowtimeForSale, seatIds: string[], now: Date) {
  const claims = await liveClaims(tx, showtime.id, now);
  const taken = new Set(claims.map((c) => c.seatId));
  const rows = new Set(seatIds.map((id) => showtime.plan.byId.get(id)?.row ?? ""));
  const orphans = orphanSeats(showtime.plan.seatMap, taken, rows);
  if (orphans.length > 0) {
    throw new AppError("ORPHAN_SEAT", `This would leave ${orphans.join(", ")} alone between taken seats`, {
      seatIds: orphans,
    });
  }
}
