import { holds, idempotencyKeys } from "@boxoffice/db";
import { and, eq, lt, lte, sql } from "drizzle-orm";
import { bumpSeatVersion, lockShowtime, releaseLapsedClaims, showtimesWithLapsedClaims } from "./claims.ts";
import type { SeatingDeps } from "./deps.ts";

export const IDEMPOTENCY_KEY_TTL_MS = 24 * 3_600_000;

/**
 * Tidies lapsed holds and announces their seats free. Reads and holds already ignore lapsed claims, so
 * this only cleans up and tells live clients; running it twice, or concurrently, is harmless. Each
 * showtime is swept in its own short transaction, taking the showtime lock first as a hold does.
 */
export async function sweepExpiredHolds(
  deps: Pick<SeatingDeps, "db" | "clock" | "bus">,
  options: { maxShowtimes?: number } = {},
): Promise<{ showtimes: number; seats: number; holds: number }> {
  const now = deps.clock.now();
  const due = await showtimesWithLapsedClaims(deps.db, now, options.maxShowtimes ?? 500);
  let seats = 0;
  for (const showtimeId of due) {
    const outcome = await deps.db.transaction(async (tx) => {
      // The showtime lock first, as every seat-changing transaction takes it.
      if (!(await lockShowtime(tx, showtimeId, "sweepExpiredHolds"))) {
        return undefined;
      }
      const freed = await releaseLapsedClaims(tx, showtimeId, now);
      if (freed.length === 0) {
        return undefined;
      }
      return { seatIds: freed, version: await bumpSeatVersion(tx, showtimeId) };
    });
    if (outcome) {
      seats += outcome.seatIds.length;
      await deps.bus.publish({
        showtimeId,
        version: outcome.version,
        seats: outcome.seatIds.map((seatId) => ({ seatId, status: "available" })),
      });
    }
  }
  // Idempotency keys answer retries for a day; after that a retry is a new request.
  await deps.db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS)));
  const expired = await deps.db
    .update(holds)
    .set({ status: "expired", closedAt: sql`${holds.expiresAt}` })
    .where(and(eq(holds.status, "active"), lte(holds.expiresAt, now)))
    .returning({ id: holds.id });
  return { showtimes: due.length, seats, holds: expired.length };
}
