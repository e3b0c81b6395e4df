import { holds } from "@boxoffice/db";
import { eq } from "drizzle-orm";
import { AppError } from "../shared/errors.ts";
import { bumpSeatVersion, lockShowtime, releaseHoldClaims } from "./claims.ts";
import type { SeatingDeps } from "./deps.ts";
import { lockedHold, showtimeOfOwnHold } from "./own-hold.ts";

/** Frees the hold's seats at once. Releasing a hold that already ended changes nothing. */
export async function releaseHold(
  deps: SeatingDeps,
  userId: string,
  holdId: string,
): Promise<{ released: boolean }> {
  const showtimeId = await showtimeOfOwnHold(deps.db, userId, holdId);
  const outcome = await deps.db.transaction(async (tx) => {
    if (!(await lockShowtime(tx, showtimeId, "releaseHold"))) {
      throw new AppError("NOT_FOUND", "No such showtime", { field: "showtimeId", id: showtimeId });
    }
    const hold = await lockedHold(tx, holdId);
    if (hold.status !== "active") {
      return undefined;
    }
    const now = deps.clock.now();
    await tx.update(holds).set({ status: "released", closedAt: now }).where(eq(holds.id, holdId));
    const freed = await releaseHoldClaims(tx, holdId);
    if (freed.length === 0) {
      return undefined;
    }
    const version = await bumpSeatVersion(tx, showtimeId);
    return { version, seatIds: freed };
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
