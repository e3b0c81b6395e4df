import {
  type CancellationPolicy,
  type DbOrTx,
  runStatement,
  type Statement,
  seatClaims,
} from "@boxoffice/db";
import { and, count, eq, gt, inArray, isNotNull, or } from "drizzle-orm";

/**
 * The one owner of every statement on seat claims and on a showtime's seat version, and of the rule
 * that decides a race for a seat: a seat claimed by a hold that has lapsed, or by the claimant's own hold,
 * may be taken over; any other claim (a live hold of someone else, any booking) stands. Holds, payments,
 * bookings and catalog all claim, free, lock and bump through here.
 *
 * Lock order: every transaction that changes a showtime's seats takes the showtime's row lock (FOR NO
 * KEY UPDATE, or an UPDATE's own row lock, the same mode) before anything else, so they run one at a time
 * per showtime, never deadlock, see each other's commits, and wait for (or are waited on by) an admin
 * cancelling, rescheduling, re-laying-out or deleting it.
 *
 * Statements are SQL, not drizzle's builder: the hold is the API's hottest transaction
 * (bench/lib/raw-hold.ts sends these same texts as its raw-SQL baseline). Tables are unqualified, found on
 * the search path as drizzle's are.
 */

/** The take-over rule, for a statement whose `now` is parameter `now` and whose claimant's hold `mine`. */
const takeable = (now: string, mine: string) =>
  `seat_claims.hold_id IS NOT NULL AND (seat_claims.expires_at <= ${now}::timestamptz OR seat_claims.hold_id = ${mine}::uuid)`;

const SALE_COLUMNS = `s.id, s.status, s.start_at, s.end_at, s.sales_close_at, s.currency, s.base_price,
  s.seat_type_prices, s.no_orphan_seats, s.seat_version, sc.id AS screen_id, sc.updated_at AS screen_updated_at`;

/** Who takes a showtime's lock: named in the statement, so pg_stat_activity says who waits for it. */
export type ShowtimeLocker =
  | "confirmPayment"
  | "cancelBooking"
  | "applyRefundNotice"
  | "refreshHold"
  | "releaseHold"
  | "sweepExpiredHolds";

const lockStatements = new Map<ShowtimeLocker, Statement>();

function lockStatement(by: ShowtimeLocker): Statement {
  let statement = lockStatements.get(by);
  if (!statement) {
    statement = {
      text: `/* ${by} */ SELECT ${SALE_COLUMNS}, t.cancellation_policy
  FROM showtimes s JOIN screens sc ON sc.id = s.screen_id JOIN theaters t ON t.id = s.theater_id
  WHERE s.id = $1 FOR NO KEY UPDATE OF s`,
    };
    lockStatements.set(by, statement);
  }
  return statement;
}

export const CLAIM_STATEMENTS = {
  /** A hold's showtime lock and seat-version bump in one statement. $1 showtime. */
  lockAndBump: {
    text: `UPDATE showtimes s SET seat_version = s.seat_version + 1 FROM screens sc
  WHERE s.id = $1 AND sc.id = s.screen_id
  RETURNING ${SALE_COLUMNS}`,
  },
  /** $1 showtime. */
  bump: {
    text: "UPDATE showtimes SET seat_version = seat_version + 1 WHERE id = $1 RETURNING seat_version",
  },
  /**
   * Every seat in one statement, for a hold ($2) or a booking ($3): a free seat is inserted; a seat the
   * take-over rule allows is taken over (so it is never free in between); anything else comes back
   * missing, which refuses the whole claim. $1 showtime, $2 hold, $3 booking, $4 user, $5 expiry (a
   * hold's), $6 now, $7 seat ids, $8 prices, $9 the claimant's own hold (the hold it replaces, or the
   * hold a booking is bought with).
   */
  claim: {
    text: `INSERT INTO seat_claims (showtime_id, seat_id, hold_id, booking_id, user_id, expires_at, price, created_at)
  SELECT $1::uuid, s.seat_id, $2::uuid, $3::uuid, $4::uuid, $5::timestamptz, s.price, $6::timestamptz
  FROM unnest($7::text[], $8::int[]) AS s(seat_id, price)
  ON CONFLICT (showtime_id, seat_id) DO UPDATE SET
    hold_id = EXCLUDED.hold_id, booking_id = EXCLUDED.booking_id, user_id = EXCLUDED.user_id,
    expires_at = EXCLUDED.expires_at, price = EXCLUDED.price, created_at = EXCLUDED.created_at
  WHERE ${takeable("$6", "$9")}
  RETURNING seat_id`,
  },
  /** Of these seats, those a claim by hold $4 could not take at $3. $1 showtime, $2 seat ids. */
  lostSeats: {
    text: `SELECT seat_id FROM seat_claims
  WHERE showtime_id = $1 AND seat_id = ANY($2::text[]) AND NOT COALESCE(${takeable("$3", "$4")}, false)`,
  },
  /** $1 hold. */
  releaseHold: { text: "DELETE FROM seat_claims WHERE hold_id = $1 RETURNING seat_id" },
  /** $1 booking. */
  releaseBooking: { text: "DELETE FROM seat_claims WHERE booking_id = $1 RETURNING seat_id" },
  /** $1 showtime. */
  releaseShowtime: { text: "DELETE FROM seat_claims WHERE showtime_id = $1 RETURNING seat_id" },
  /** Claims of lapsed holds. $1 showtime, $2 now. */
  releaseLapsed: {
    text: `DELETE FROM seat_claims
  WHERE showtime_id = $1 AND hold_id IS NOT NULL AND expires_at <= $2::timestamptz RETURNING seat_id`,
  },
  /** Showtimes with claims of lapsed holds. $1 now, $2 at most this many. */
  lapsedShowtimes: {
    text: `SELECT DISTINCT showtime_id FROM seat_claims
  WHERE hold_id IS NOT NULL AND expires_at <= $1::timestamptz LIMIT $2`,
  },
  /** A live hold's claims moved to a new expiry. $1 hold, $2 expiry, $3 now. */
  extendHold: {
    text: `UPDATE seat_claims SET expires_at = $2::timestamptz
  WHERE hold_id = $1 AND expires_at > $3::timestamptz RETURNING seat_id`,
  },
} satisfies Record<string, Statement>;

/** A showtime as its lock returns it, with the screen whose layout its seat plan comes from. */
export interface LockedShowtime {
  id: string;
  status: string;
  startAt: Date;
  endAt: Date;
  salesCloseAt: Date;
  currency: string;
  basePrice: number;
  seatTypePrices: Record<string, number>;
  noOrphanSeats: boolean;
  seatVersion: number;
  screenId: string;
  screenUpdatedAt: Date;
}

/** A showtime row as lockAndBump returns it. */
export interface LockedShowtimeRow {
  id: string;
  status: string;
  start_at: string;
  end_at: string;
  sales_close_at: string;
  currency: string;
  base_price: number;
  seat_type_prices: Record<string, number>;
  no_orphan_seats: boolean;
  seat_version: number;
  screen_id: string;
  screen_updated_at: string;
}

export function toLockedShowtime(row: LockedShowtimeRow): LockedShowtime {
  return {
    id: row.id,
    status: row.status,
    startAt: new Date(row.start_at),
    endAt: new Date(row.end_at),
    salesCloseAt: new Date(row.sales_close_at),
    currency: row.currency,
    basePrice: row.base_price,
    seatTypePrices: row.seat_type_prices,
    noOrphanSeats: row.no_orphan_seats,
    seatVersion: row.seat_version,
    screenId: row.screen_id,
    screenUpdatedAt: new Date(row.screen_updated_at),
  };
}

interface SeatRow {
  seat_id: string;
}

const seatIdsOf = (rows: SeatRow[]) => rows.map((row) => row.seat_id);

/** Takes the showtime's lock; undefined when there is no such showtime. */
export async function lockShowtime(
  tx: DbOrTx,
  showtimeId: string,
  by: ShowtimeLocker,
): Promise<(LockedShowtime & { cancellationPolicy: CancellationPolicy }) | undefined> {
  const [row] = await runStatement<LockedShowtimeRow & { cancellation_policy: CancellationPolicy }>(
    tx,
    lockStatement(by),
    [showtimeId],
  );
  return row && { ...toLockedShowtime(row), cancellationPolicy: row.cancellation_policy };
}

/**
 * A hold's lock: the showtime lock and the seat-version bump at once. A hold that then fails rolls the
 * bump back with the rest; one that commits announces the version it got here.
 */
export async function lockAndBumpShowtime(
  tx: DbOrTx,
  showtimeId: string,
): Promise<LockedShowtime | undefined> {
  const [row] = await runStatement<LockedShowtimeRow>(tx, CLAIM_STATEMENTS.lockAndBump, [showtimeId]);
  return row && toLockedShowtime(row);
}

/** The new seat version, for the event that announces a change; taken under the showtime's lock. */
export async function bumpSeatVersion(tx: DbOrTx, showtimeId: string): Promise<number> {
  const [row] = await runStatement<{ seat_version: number }>(tx, CLAIM_STATEMENTS.bump, [showtimeId]);
  return row?.seat_version ?? 0;
}

/** Seats and their prices, as a hold or a booking claims them. Seat ids sorted: one row order for all. */
export interface SeatsToClaim {
  showtimeId: string;
  userId: string;
  seatIds: string[];
  prices: Record<string, number>;
  now: Date;
}

function claimParams(
  seats: SeatsToClaim,
  owner: { holdId: string; expiresAt: Date } | { bookingId: string },
  ownHoldId: string | null,
): unknown[] {
  return [
    seats.showtimeId,
    "holdId" in owner ? owner.holdId : null,
    "bookingId" in owner ? owner.bookingId : null,
    seats.userId,
    "holdId" in owner ? owner.expiresAt.toISOString() : null,
    seats.now.toISOString(),
    seats.seatIds,
    seats.seatIds.map((id) => seats.prices[id] ?? 0),
    ownHoldId,
  ];
}

/** claim's parameters for a hold; bench/lib/raw-hold.ts sends them too. */
export function holdClaimParams(
  seats: SeatsToClaim,
  hold: { holdId: string; expiresAt: Date },
  replacedHoldId: string | null,
): unknown[] {
  return claimParams(seats, hold, replacedHoldId);
}

/** Claims the seats for a hold, taking over those of the hold it replaces. Returns the seats it got. */
export async function claimForHold(
  tx: DbOrTx,
  seats: SeatsToClaim,
  hold: { holdId: string; expiresAt: Date },
  replacedHoldId: string | null,
): Promise<string[]> {
  return seatIdsOf(
    await runStatement<SeatRow>(tx, CLAIM_STATEMENTS.claim, holdClaimParams(seats, hold, replacedHoldId)),
  );
}

/** Claims the seats for a booking, taking over those of the hold it was bought with. Returns the seats it got. */
export async function claimForBooking(
  tx: DbOrTx,
  seats: SeatsToClaim,
  booking: { bookingId: string; holdId: string },
): Promise<string[]> {
  return seatIdsOf(
    await runStatement<SeatRow>(
      tx,
      CLAIM_STATEMENTS.claim,
      claimParams(seats, { bookingId: booking.bookingId }, booking.holdId),
    ),
  );
}

/** Of `seatIds`, those a claim for `holdId` could not take over at `now` (claimed by someone else). */
export async function seatsLostBy(
  tx: DbOrTx,
  showtimeId: string,
  seatIds: string[],
  holdId: string,
  now: Date,
): Promise<string[]> {
  return seatIdsOf(
    await runStatement<SeatRow>(tx, CLAIM_STATEMENTS.lostSeats, [
      showtimeId,
      seatIds,
      now.toISOString(),
      holdId,
    ]),
  );
}

/** Frees what a hold claims; returns the seats freed. */
export async function releaseHoldClaims(tx: DbOrTx, holdId: string): Promise<string[]> {
  return seatIdsOf(await runStatement<SeatRow>(tx, CLAIM_STATEMENTS.releaseHold, [holdId]));
}

/** Frees what a booking claims; returns the seats freed. */
export async function releaseBookingClaims(tx: DbOrTx, bookingId: string): Promise<string[]> {
  return seatIdsOf(await runStatement<SeatRow>(tx, CLAIM_STATEMENTS.releaseBooking, [bookingId]));
}

/** Frees every seat of a showtime; returns the seats freed. */
export async function releaseShowtimeClaims(tx: DbOrTx, showtimeId: string): Promise<string[]> {
  return seatIdsOf(await runStatement<SeatRow>(tx, CLAIM_STATEMENTS.releaseShowtime, [showtimeId]));
}

/** Frees the seats of a showtime whose holds had lapsed by `now`; returns them. */
export async function releaseLapsedClaims(tx: DbOrTx, showtimeId: string, now: Date): Promise<string[]> {
  return seatIdsOf(
    await runStatement<SeatRow>(tx, CLAIM_STATEMENTS.releaseLapsed, [showtimeId, now.toISOString()]),
  );
}

/** Showtimes that have claims of holds lapsed by `now`, at most `limit` of them. */
export async function showtimesWithLapsedClaims(db: DbOrTx, now: Date, limit: number): Promise<string[]> {
  const rows = await runStatement<{ showtime_id: string }>(db, CLAIM_STATEMENTS.lapsedShowtimes, [
    now.toISOString(),
    limit,
  ]);
  return rows.map((row) => row.showtime_id);
}

/** Moves a live hold's claims to `expiresAt`; returns the seats still its own (a lapsed claim is not). */
export async function extendHoldClaims(
  tx: DbOrTx,
  holdId: string,
  expiresAt: Date,
  now: Date,
): Promise<string[]> {
  return seatIdsOf(
    await runStatement<SeatRow>(tx, CLAIM_STATEMENTS.extendHold, [
      holdId,
      expiresAt.toISOString(),
      now.toISOString(),
    ]),
  );
}

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
