import type { Statement } from "@boxoffice/db";

/**
 * The statements of a hold (holdSeats), in SQL: a hold is the API's hottest transaction, and these skip
 * drizzle's query building. bench/lib/raw-hold.ts sends these same statements, in the same order, as the
 * raw-SQL baseline of the hold benchmark. Tables are unqualified, found on the search path as drizzle's
 * are. Literals where a value never changes, so a partial index's predicate can be matched by any plan.
 */
export const HOLD_STATEMENTS = {
  /** The showtime's lock (an UPDATE's row lock, the FOR NO KEY UPDATE mode) and seat-version bump. $1 showtime. */
  lockAndBump: {
    text: `UPDATE showtimes s SET seat_version = s.seat_version + 1 FROM screens sc
  WHERE s.id = $1 AND sc.id = s.screen_id
  RETURNING s.id, s.status, s.start_at, s.end_at, s.sales_close_at, s.currency, s.base_price,
  s.seat_type_prices, s.no_orphan_seats, s.seat_version, sc.id AS screen_id, sc.updated_at AS screen_updated_at`,
  },
  /** The user's live hold on the showtime, if any, marked replaced. $1 now, $2 user, $3 showtime. */
  replacePrevious: {
    text: `UPDATE holds SET status = 'replaced', closed_at = $1
  WHERE user_id = $2 AND showtime_id = $3 AND status = 'active' RETURNING id`,
  },
  /** $1 showtime, $2 user, $3 seat ids, $4 prices (JSON), $5 total, $6 currency, $7-$9 expiry, max, now. */
  insertHold: {
    text: `INSERT INTO holds
  (showtime_id, user_id, seat_ids, prices, total, currency, expires_at, max_expires_at, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
  RETURNING id, showtime_id, user_id, seat_ids, prices, total, currency, status, expires_at,
  max_expires_at, created_at, closed_at`,
  },
  /**
   * Every seat in one statement: a free seat is inserted; a seat whose hold has lapsed, or that the
   * user's previous hold had, is taken over (so it is never free in between); anything else (another
   * live hold, a booking) is left alone and comes back missing, which refuses the whole hold.
   * $1 showtime, $2 hold, $3 user, $4 expiry, $5 now, $6 seat ids, $7 prices, $8 now, $9 previous hold.
   */
  claimSeats: {
    text: `INSERT INTO seat_claims (showtime_id, seat_id, hold_id, user_id, expires_at, price, created_at)
  SELECT $1::uuid, s.seat_id, $2::uuid, $3::uuid, $4::timestamptz, s.price, $5::timestamptz
  FROM unnest($6::text[], $7::int[]) AS s(seat_id, price)
  ON CONFLICT (showtime_id, seat_id) DO UPDATE SET
    hold_id = EXCLUDED.hold_id, user_id = EXCLUDED.user_id, expires_at = EXCLUDED.expires_at,
    price = EXCLUDED.price, created_at = EXCLUDED.created_at
  WHERE seat_claims.hold_id IS NOT NULL
    AND (seat_claims.expires_at <= $8::timestamptz OR seat_claims.hold_id = $9::uuid)
  RETURNING seat_id`,
  },
  /** What the replaced hold still claims (the seats the new one did not take over). $1 previous hold. */
  releaseRest: {
    text: "DELETE FROM seat_claims WHERE hold_id = $1 RETURNING seat_id",
  },
} satisfies Record<string, Statement>;

/** A hold about to be written: insertHold's and claimSeats' parameters come from it, in their order. */
export interface NewHold {
  showtimeId: string;
  userId: string;
  /** Sorted, so concurrent holds take their seats' rows in one order. */
  seatIds: string[];
  prices: Record<string, number>;
  currency: string;
  now: Date;
  expiresAt: Date;
  maxExpiresAt: Date;
}

export function insertHoldParams(h: NewHold): unknown[] {
  const total = Object.values(h.prices).reduce((a, b) => a + b, 0);
  return [
    h.showtimeId,
    h.userId,
    h.seatIds,
    JSON.stringify(h.prices),
    total,
    h.currency,
    h.expiresAt.toISOString(),
    h.maxExpiresAt.toISOString(),
    h.now.toISOString(),
  ];
}

export function claimSeatsParams(h: NewHold, holdId: string, previousHoldId: string | null): unknown[] {
  return [
    h.showtimeId,
    holdId,
    h.userId,
    h.expiresAt.toISOString(),
    h.now.toISOString(),
    h.seatIds,
    h.seatIds.map((id) => h.prices[id] ?? 0),
    h.now.toISOString(),
    previousHoldId,
  ];
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

/** A hold row as insertHold returns it. */
export interface InsertedHoldRow {
  id: string;
  showtime_id: string;
  user_id: string;
  seat_ids: string[];
  prices: Record<string, number>;
  total: number;
  currency: string;
  status: string;
  expires_at: string;
  max_expires_at: string;
  created_at: string;
  closed_at: string | null;
}
