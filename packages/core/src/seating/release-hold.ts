import { holds, seatClaims } from "@boxoffice/db";
import { eq } from "drizzle-orm";
import type { SeatingDeps } from "./deps.ts";
import { lockedHold, showtimeOfOwnHold } from "./own-hold.ts";
import { loadShowtimeForSale } from "./seat-plan.ts";
import { bumpSeatVersion } from "./seat-version.ts";

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
