import type { Hold } from "@boxoffice/contracts";
import { type DbOrTx, holds, seatClaims, showtimes } from "@boxoffice/db";
import { and, eq, gt, sql } from "drizzle-orm";
import { AppError } from "../shared/errors.ts";
import type { SeatingDeps } from "./deps.ts";
import { toHold } from "./hold-dto.ts";
import { assertOnSale, loadShowtimeForSale } from "./seat-plan.ts";

/** Which showtime a hold belongs to, if it is the caller's; someone else's is a 404 like a missing one. */
async function showtimeOfOwnHold(db: DbOrTx, userId: string, holdId: string): Promise<string> {
  const [hold] = await db
    .select({ userId: holds.userId, showtimeId: holds.showtimeId })
    .from(holds)
    .where(eq(holds.id, holdId));
  if (!hold || hold.userId !== userId) {
    throw new AppError("NOT_FOUND", "No such hold", { field: "holdId", id: holdId });
  }
  return hold.showtimeId;
}

async function lockedHold(tx: DbOrTx, holdId: string) {
  const [hold] = await tx.select().from(holds).where(eq(holds.id, holdId)).for("update");
  if (!hold) {
    throw new AppError("NOT_FOUND", "No such hold", { field: "holdId", id: holdId });
  }
  return hold;
}

export async function bumpSeatVersion(tx: DbOrTx, showtimeId: string): Promise<number> {
  const [row] = await tx
    .update(showtimes)
    .set({ seatVersion: sql`${showtimes.seatVersion} + 1` })
    .where(eq(showtimes.id, showtimeId))
    .returning({ version: showtimes.seatVersion });
  return row?.version ?? 0;
}

/**
 * Extends a live hold to now + HOLD_TTL_SECONDS, never past its maximum life. A hold that lapsed, or any
 * of whose seats is no longer its own, cannot come back (410); nor can one whose showtime stopped selling.
 */
export async function refreshHold(deps: SeatingDeps, userId: string, holdId: string): Promise<Hold> {
  const showtimeId = await showtimeOfOwnHold(deps.db, userId, holdId);
  const hold = await deps.db.transaction(async (tx) => {
    const showtime = await loadShowtimeForSale(tx, showtimeId, { lock: true });
    const current = await lockedHold(tx, holdId);
    const now = deps.clock.now();
    if (current.status !== "active" || current.expiresAt <= now) {
      throw new AppError(
        current.status === "active" || current.status === "expired" ? "HOLD_EXPIRED" : "GONE",
        undefined,
        {
          status: current.status === "active" ? "expired" : current.status,
        },
      );
    }
    assertOnSale(showtime, now);
    if (current.expiresAt >= current.maxExpiresAt) {
      // Answering 200 with an unchanged expiry would let a client believe it had more time.
      throw new AppError("HOLD_MAX_LIFETIME", undefined, {
        expiresAt: current.expiresAt.toISOString(),
        maxExpiresAt: current.maxExpiresAt.toISOString(),
      });
    }
    const target = Math.min(
      now.getTime() + deps.settings.holdTtlSeconds * 1000,
      current.maxExpiresAt.getTime(),
    );
    const expiresAt = new Date(Math.max(target, current.expiresAt.getTime()));
    const extended = await tx
      .update(seatClaims)
      .set({ expiresAt })
      .where(and(eq(seatClaims.holdId, holdId), gt(seatClaims.expiresAt, now)))
      .returning({ seatId: seatClaims.seatId });
    if (extended.length !== current.seatIds.length) {
      throw new AppError("HOLD_EXPIRED", "Some of this hold's seats are no longer held: hold them again");
    }
    const [updated] = await tx.update(holds).set({ expiresAt }).where(eq(holds.id, holdId)).returning();
    return { row: updated ?? current, plan: showtime.plan };
  });
  deps.onHoldExpiry?.(hold.row.id, hold.row.expiresAt);
  return toHold(hold.row, hold.plan);
}

/** Frees the hold's seats at once. Releasing a hold that already ended changes nothing. */
export async function releaseHold(
  deps: SeatingDeps,
  userId: string,
  holdId: string,
): Promise<{ released: boolean }> {
  const showtimeId = await showtimeOfOwnHold(deps.db, userId, holdId);
  const outcome = await deps.db.transaction(async (tx) => {
    await loadShowtimeForSale(tx, showtimeId, { lock: true });
    const hold = await lockedHold(tx, holdId);
    if (hold.status !== "active") {
      return undefined;
    }
    const now = deps.clock.now();
    await tx.update(holds).set({ status: "released", closedAt: now }).where(eq(holds.id, holdId));
    const freed = await tx
      .delete(seatClaims)
      .where(eq(seatClaims.holdId, holdId))
      .returning({ seatId: seatClaims.seatId });
    if (freed.length === 0) {
      return undefined;
    }
    const version = await bumpSeatVersion(tx, showtimeId);
    return { version, seatIds: freed.map((r) => r.seatId) };
  });
  if (outcome) {
    await deps.bus.publish({
      showtimeId,
      version: outcome.version,
      seats: outcome.seatIds.map((seatId) => ({ seatId, status: "available" })),
    });
  }
  return { released: outcome !== undefined };
}
