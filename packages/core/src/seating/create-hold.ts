import type { Hold, HoldInput, SeatUpdateEvent } from "@boxoffice/contracts";
import { type HoldRow, type HoldStatus, runStatement, type Transaction } from "@boxoffice/db";
import { AppError } from "../shared/errors.ts";
import { bestAvailable } from "./best-available.ts";
import { claimForHold, liveClaims, releaseHoldClaims } from "./claims.ts";
import type { SeatingDeps } from "./deps.ts";
import { toHold } from "./hold-dto.ts";
import { holdLife } from "./hold-run.ts";
import {
  HOLD_STATEMENTS,
  type InsertedHoldRow,
  insertHoldParams,
  latestHoldOf,
  type NewHold,
  type ReplacePreviousRow,
} from "./hold-statements.ts";
import { orphanSeats } from "./orphans.ts";
import { assertOnSale, lockShowtimeForHold, priceOf, type ShowtimeForSale } from "./seat-plan.ts";

/**
 * Holds seats for `userId`: all of them or none. Inside one transaction that first locks the showtime
 * row (see claims.ts), the seats are claimed in one statement (claimForHold); the primary key
 * (showtime, seat) is the referee, and if any seat was taken the transaction rolls back and the caller
 * learns exactly which. Sale state, layout and best-available choice are all read under
 * that lock, so nothing checked can change before the claims commit.
 */
export async function createHold(deps: SeatingDeps, userId: string, input: HoldInput): Promise<Hold> {
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
    return writeHold(deps, tx, userId, showtime, [...seatIds].sort(), now);
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

async function writeHold(
  deps: SeatingDeps,
  tx: Transaction,
  userId: string,
  showtime: ShowtimeForSale,
  seatIds: string[],
  now: Date,
): Promise<{ hold: Hold; event: SeatUpdateEvent }> {
  // Few statements while the showtime lock is held: it bounds how many holds one showtime takes a second.
  const [previous] = await runStatement<ReplacePreviousRow>(tx, HOLD_STATEMENTS.replacePrevious, [
    now.toISOString(),
    userId,
    showtime.id,
  ]);
  const life = holdLife(latestHoldOf(previous), now, deps.settings);
  if (!life.ok) {
    // Rolled back with the rest: the hold it would have replaced had lapsed by then anyway.
    throw new AppError(
      "HOLD_LIFETIME_EXCEEDED",
      `Your holds on this showtime reached their maximum life at ${life.maxExpiresAt.toISOString()}: ` +
        `you may hold seats of it again from ${life.retryAt.toISOString()}`,
      {
        showtimeId: showtime.id,
        maxExpiresAt: life.maxExpiresAt.toISOString(),
        retryAt: life.retryAt.toISOString(),
      },
    );
  }
  const prices = Object.fromEntries(
    seatIds.map((id) => [id, priceOf(showtime, showtime.plan.byId.get(id)?.type ?? "standard")]),
  );
  const newHold: NewHold = {
    showtimeId: showtime.id,
    userId,
    seatIds,
    prices,
    currency: showtime.currency,
    now,
    expiresAt: life.expiresAt,
    maxExpiresAt: life.maxExpiresAt,
  };
  const [row] = await runStatement<InsertedHoldRow>(
    tx,
    HOLD_STATEMENTS.insertHold,
    insertHoldParams(newHold),
  );
  if (!row) {
    throw new Error("insert returned no row");
  }
  const hold = holdRow(row);
  const claimed = new Set(
    await claimForHold(tx, newHold, { holdId: hold.id, expiresAt: life.expiresAt }, previous?.id ?? null),
  );
  const taken = seatIds.filter((id) => !claimed.has(id));
  if (taken.length > 0) {
    throw new AppError("SEATS_TAKEN", `Seats ${taken.join(", ")} were just taken`, { seatIds: taken });
  }
  // What the replaced hold still claims: the seats the new one did not take over.
  const released = previous?.id ? await releaseHoldClaims(tx, previous.id) : [];
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

function holdRow(row: InsertedHoldRow): HoldRow {
  return {
    id: row.id,
    showtimeId: row.showtime_id,
    userId: row.user_id,
    seatIds: row.seat_ids,
    prices: row.prices,
    total: row.total,
    currency: row.currency,
    status: row.status as HoldStatus,
    expiresAt: new Date(row.expires_at),
    maxExpiresAt: new Date(row.max_expires_at),
    createdAt: new Date(row.created_at),
    closedAt: row.closed_at === null ? null : new Date(row.closed_at),
  };
}
