import type { HoldStatus, Statement } from "@boxoffice/db";
import type { LatestHold } from "./hold-run.ts";

/**
 * The statements of a hold (createHold) on the holds table, in SQL: a hold is the API's hottest
 * transaction, and these skip drizzle's query building. Its lock, claims and release are claims.ts's
 * (CLAIM_STATEMENTS). bench/lib/raw-hold.ts sends these same statements, in the same order, as the
 * raw-SQL baseline of the hold benchmark. Tables are unqualified, found on the search path as drizzle's
 * are. Literals where a value never changes, so a partial index's predicate can be matched by any plan.
 */
export const HOLD_STATEMENTS = {
  /**
   * The user's live hold on the showtime, if any, marked replaced; and the user's latest hold there, as it
   * was before this statement (one snapshot for both parts), for the run's lifetime (hold-run.ts). Always
   * one row, its columns null when the user never held seats of this showtime. ended_at: a live hold ends
   * now, a lapsed one at its expiry, a closed one when it was closed. The ORDER BY is the index's.
   * $1 now, $2 user, $3 showtime.
   */
  replacePrevious: {
    text: `WITH latest AS (
    SELECT status, max_expires_at, LEAST(expires_at, COALESCE(closed_at, $1::timestamptz)) AS ended_at
    FROM holds WHERE user_id = $2 AND showtime_id = $3
    ORDER BY created_at DESC NULLS LAST, closed_at DESC NULLS FIRST LIMIT 1
  ), replaced AS (
    UPDATE holds SET status = 'replaced', closed_at = $1
    WHERE user_id = $2 AND showtime_id = $3 AND status = 'active' RETURNING id
  )
  SELECT replaced.id, latest.status, latest.max_expires_at, latest.ended_at
  FROM (SELECT 1) AS one LEFT JOIN latest ON true LEFT JOIN replaced ON true`,
  },
  /** $1 showtime, $2 user, $3 seat ids, $4 prices (JSON), $5 total, $6 currency, $7-$9 expiry, max, now. */
  insertHold: {
    text: `INSERT INTO holds
  (showtime_id, user_id, seat_ids, prices, total, currency, expires_at, max_expires_at, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
  RETURNING id, showtime_id, user_id, seat_ids, prices, total, currency, status, expires_at,
  max_expires_at, created_at, closed_at`,
  },
} satisfies Record<string, Statement>;

/** A hold about to be written: insertHold's parameters come from it (and claimForHold's seats). */
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

/** replacePrevious's row: the hold it replaced, and the user's latest hold on the showtime before it. */
export interface ReplacePreviousRow {
  id: string | null;
  status: string | null;
  max_expires_at: string | Date | null;
  ended_at: string | Date | null;
}

/** The latest hold for holdLife, if the user had one on the showtime. */
export function latestHoldOf(row: ReplacePreviousRow | undefined): LatestHold | undefined {
  if (!row?.status || row.max_expires_at === null || row.ended_at === null) {
    return undefined;
  }
  return {
    status: row.status as HoldStatus,
    maxExpiresAt: new Date(row.max_expires_at),
    endedAt: new Date(row.ended_at),
  };
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
