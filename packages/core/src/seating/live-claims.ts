import { type DbOrTx, seatClaims } from "@boxoffice/db";
import { and, count, eq, gt, inArray, isNotNull, or } from "drizzle-orm";

export interface LiveClaim {
  seatId: string;
  userId: string;
  holdId: string | null;
  bookingId: string | null;
  expiresAt: Date | null;
}

/** Claims that still count at `now`: every booking, and holds that have not lapsed. */
export async function liveClaims(db: DbOrTx, showtimeId: string, now: Date): Promise<LiveClaim[]> {
  return db
    .select({
      seatId: seatClaims.seatId,
      userId: seatClaims.userId,
      holdId: seatClaims.holdId,
      bookingId: seatClaims.bookingId,
      expiresAt: seatClaims.expiresAt,
    })
    .from(seatClaims)
    .where(
      and(
        eq(seatClaims.showtimeId, showtimeId),
        or(isNotNull(seatClaims.bookingId), gt(seatClaims.expiresAt, now)),
      ),
    );
}

/** How many seats of these showtimes are held (and not lapsed) or sold at `now`. */
export async function countLiveClaims(db: DbOrTx, showtimeIds: string[], now: Date): Promise<number> {
  if (showtimeIds.length === 0) {
    return 0;
  }
  const [row] = await db
    .select({ n: count() })
    .from(seatClaims)
    .where(
      and(
        inArray(seatClaims.showtimeId, showtimeIds),
        or(isNotNull(seatClaims.bookingId), gt(seatClaims.expiresAt, now)),
      ),
    );
  return row?.n ?? 0;
}
