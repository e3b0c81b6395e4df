import type { Hold } from "@boxoffice/contracts";
import { type DbOrTx, holds, seatClaims, showtimes } from "@boxoffice/db";
import { and, eq, sql } from "drizzle-orm";
import { AppError } from "../shared/errors.ts";
import type { SeatingDeps } from "./deps.ts";
import { toHold } from "./hold-dto.ts";
import { loadShowtimeForSale } from "./seat-plan.ts";

/** The caller's own hold, locked; someone else's is indistinguishable from a missing one (404). */
async function ownHold(tx: DbOrTx, userId: string, holdId: string) {
  const [hold] = await tx.select().from(holds).where(eq(holds.id, holdId)).for("update");
  if (!hold || hold.userId !== userId) {
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
 * Extends a live hold to now + HOLD_TTL_SECONDS, never past its maximum life. An expired hold cannot
 * come back (410): its seats may already be someone else's.
 */
export async function refreshHold(deps: SeatingDeps, userId: string, holdId: string): Promise<Hold> {
  const now = deps.clock.now();
  const hold = await deps.db.transaction(async (tx) => {
    const current = await ownHold(tx, userId, holdId);
    if (current.status !== "active" || current.expiresAt <= now) {
      throw new AppError(
        current.status === "active" || current.status === "expired" ? "HOLD_EXPIRED" : "GONE",
        undefined,
        {
          status: current.status === "active" ? "expired" : current.status,
        },
      );
    }
    const target = Math.min(
      now.getTime() + deps.settings.holdTtlSeconds * 1000,
      current.maxExpiresAt.getTime(),
    );
    const expiresAt = new Date(Math.max(target, current.expiresAt.getTime()));
    const [updated] = await tx.update(holds).set({ expiresAt }).where(eq(holds.id, holdId)).returning();
    await tx.update(seatClaims).set({ expiresAt }).where(eq(seatClaims.holdId, holdId));
    return updated ?? current;
  });
  const showtime = await loadShowtimeForSale(deps.db, hold.showtimeId);
  deps.onHoldExpiry?.(hold.id, hold.expiresAt);
  return toHold(hold, showtime.plan);
}

/** Frees the hold's seats at once. Releasing a hold that already ended changes nothing. */
export async function releaseHold(
  deps: SeatingDeps,
  userId: string,
  holdId: string,
): Promise<{ released: boolean }> {
  const now = deps.clock.now();
  const outcome = await deps.db.transaction(async (tx) => {
    const hold = await ownHold(tx, userId, holdId);
    if (hold.status !== "active") {
      return undefined;
    }
    await tx.update(holds).set({ status: "released", closedAt: now }).where(eq(holds.id, holdId));
    const freed = await tx
      .delete(seatClaims)
      .where(and(eq(seatClaims.holdId, holdId)))
      .returning({ seatId: seatClaims.seatId });
    const version = await bumpSeatVersion(tx, hold.showtimeId);
    return { showtimeId: hold.showtimeId, version, seatIds: freed.map((r) => r.seatId) };
  });
  if (!outcome) {
    return { released: false };
  }
  await deps.bus.publish({
    showtimeId: outcome.showtimeId,
    version: outcome.version,
    seats: outcome.seatIds.map((seatId) => ({ seatId, status: "available" })),
  });
  return { released: true };
}
