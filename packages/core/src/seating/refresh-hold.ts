import type { Hold } from "@boxoffice/contracts";
import { holds } from "@boxoffice/db";
import { eq } from "drizzle-orm";
import { AppError } from "../shared/errors.ts";
import { extendHoldClaims } from "./claims.ts";
import type { SeatingDeps } from "./deps.ts";
import { toHold } from "./hold-dto.ts";
import { lockedHold, showtimeOfOwnHold } from "./own-hold.ts";
import { assertOnSale, lockShowtimeForSale } from "./seat-plan.ts";

/**
 * Extends a live hold to now + HOLD_TTL_SECONDS, never past its maximum life. A hold that lapsed, or any
 * of whose seats is no longer its own, cannot come back (410); nor can one whose showtime stopped selling.
 */
export async function refreshHold(deps: SeatingDeps, userId: string, holdId: string): Promise<Hold> {
  const showtimeId = await showtimeOfOwnHold(deps.db, userId, holdId);
  const hold = await deps.db.transaction(async (tx) => {
    const showtime = await lockShowtimeForSale(tx, showtimeId, "refreshHold");
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
    const extended = await extendHoldClaims(tx, holdId, expiresAt, now);
    if (extended.length !== current.seatIds.length) {
      throw new AppError("HOLD_EXPIRED", "Some of this hold's seats are no longer held: hold them again");
    }
    const [updated] = await tx.update(holds).set({ expiresAt }).where(eq(holds.id, holdId)).returning();
    return { row: updated ?? current, plan: showtime.plan };
  });
  deps.onHoldExpiry?.(hold.row.id, hold.row.expiresAt);
  return toHold(hold.row, hold.plan);
}
