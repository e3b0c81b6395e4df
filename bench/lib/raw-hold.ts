import type { Outcome } from "./load.ts";
import type { Pool, PoolClient } from "./pg.ts";

export interface RawHoldSettings {
  holdTtlSeconds: number;
  holdMaxLifetimeSeconds: number;
  /** Seat ids of the screen's layout, for the same membership check the API makes. */
  seatIds: ReadonlySet<string>;
}

interface ShowtimeRow {
  id: string;
  status: string;
  end_at: Date;
  sales_close_at: Date;
  currency: string;
  base_price: number;
}

// The statements of packages/core/src/seating/hold-seats.ts (holdSeats -> holdExactly), one for one,
// as hand-written SQL with the same parameters. Only PostgreSQL work is mirrored: no HTTP, JWT, Zod,
// tRPC, drizzle query building, seat-bus publishing or DTO mapping, which is what the ratio measures.

/** loadShowtimeForSale: read before the transaction (the seat plan itself is cached by the API). */
const LOAD_SHOWTIME = `SELECT s.id, s.status, s.start_at, s.end_at, s.sales_close_at, s.currency, s.base_price,
  s.seat_type_prices, s.no_orphan_seats, s.seat_version, sc.id AS screen_id, sc.updated_at AS screen_updated_at
  FROM showtimes s INNER JOIN screens sc ON sc.id = s.screen_id WHERE s.id = $1`;
const LOCK_SHOWTIME = "SELECT id FROM showtimes WHERE id = $1 FOR KEY SHARE";
const PREVIOUS_HOLD = `SELECT id, seat_ids FROM holds
  WHERE user_id = $1 AND showtime_id = $2 AND status = 'active' FOR UPDATE`;
const DELETE_LAPSED = `DELETE FROM seat_claims
  WHERE showtime_id = $1 AND seat_id = ANY($2::text[]) AND hold_id IS NOT NULL AND expires_at <= $3`;
const REPLACE_PREVIOUS = "UPDATE holds SET status = 'replaced', closed_at = $2 WHERE id = $1";
const INSERT_HOLD = `INSERT INTO holds
  (showtime_id, user_id, seat_ids, prices, total, currency, expires_at, max_expires_at, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`;
const MOVE_KEPT = `UPDATE seat_claims SET hold_id = $1, expires_at = $2, price = ($3::jsonb ->> seat_id)::int
  WHERE hold_id = $4 AND seat_id = ANY($5::text[]) RETURNING seat_id`;
const RELEASE_REST = "DELETE FROM seat_claims WHERE hold_id = $1 RETURNING seat_id";
const CLAIM_SEATS = `INSERT INTO seat_claims (showtime_id, seat_id, hold_id, user_id, expires_at, price, created_at)
  SELECT $1::uuid, s.seat_id, $2::uuid, $3::uuid, $4::timestamptz, s.price, $5::timestamptz
  FROM unnest($6::text[], $7::int[]) AS s(seat_id, price)
  ON CONFLICT DO NOTHING RETURNING seat_id`;
const BUMP_VERSION =
  "UPDATE showtimes SET seat_version = seat_version + 1 WHERE id = $1 RETURNING seat_version";

/** Thrown inside the transaction to roll it back, as the API's SeatsTaken error does. */
class Taken extends Error {
  constructor(readonly seatIds: string[]) {
    super("seats taken");
  }
}

/** One hold, all or nothing, exactly as the API's transaction does it. */
export async function rawHold(
  pool: Pool,
  settings: RawHoldSettings,
  userId: string,
  showtimeId: string,
  requested: string[],
): Promise<Outcome> {
  const showtime = (await pool.query<ShowtimeRow>(LOAD_SHOWTIME, [showtimeId])).rows[0];
  const now = new Date();
  if (!showtime) {
    return { kind: "error", detail: `no showtime ${showtimeId}` };
  }
  // assertOnSale and checkSeats: the same checks in the same place, before any transaction.
  if (showtime.status !== "on_sale" || now >= showtime.sales_close_at || now >= showtime.end_at) {
    return { kind: "error", detail: `showtime ${showtimeId} is not on sale` };
  }
  if (!requested.every((id) => settings.seatIds.has(id))) {
    return { kind: "error", detail: "seat not in layout" };
  }
  // Same order as the API, so two overlapping holds wait for each other rather than deadlock.
  const seatIds = [...requested].sort();
  const prices = Object.fromEntries(seatIds.map((id) => [id, showtime.base_price]));
  const client = await pool.connect();
  try {
    await client.query("begin");
    try {
      const holdId = await holdInTransaction(client, settings, { userId, showtime, seatIds, prices, now });
      await client.query("commit");
      return { kind: "held", holdId, seatIds };
    } catch (err) {
      await client.query("rollback");
      if (err instanceof Taken) {
        return { kind: "taken", seatIds: err.seatIds };
      }
      throw err;
    }
  } finally {
    client.release();
  }
}

interface HoldRequest {
  userId: string;
  showtime: ShowtimeRow;
  seatIds: string[];
  prices: Record<string, number>;
  now: Date;
}

async function holdInTransaction(client: PoolClient, settings: RawHoldSettings, r: HoldRequest) {
  const { userId, showtime, seatIds, prices, now } = r;
  const expiresAt = new Date(now.getTime() + settings.holdTtlSeconds * 1000);
  const maxExpiresAt = new Date(now.getTime() + settings.holdMaxLifetimeSeconds * 1000);
  const total = Object.values(prices).reduce((a, b) => a + b, 0);
  await client.query(LOCK_SHOWTIME, [showtime.id]);
  const previous = (await client.query<{ id: string }>(PREVIOUS_HOLD, [userId, showtime.id])).rows[0];
  await client.query(DELETE_LAPSED, [showtime.id, seatIds, now]);
  if (previous) {
    await client.query(REPLACE_PREVIOUS, [previous.id, now]);
  }
  const hold = (
    await client.query<{ id: string }>(INSERT_HOLD, [
      showtime.id,
      userId,
      seatIds,
      JSON.stringify(prices),
      total,
      showtime.currency,
      expiresAt,
      maxExpiresAt,
      now,
    ])
  ).rows[0];
  if (!hold) {
    throw new Error("insert returned no row");
  }
  const kept = new Set<string>();
  if (previous) {
    const moved = await client.query<{ seat_id: string }>(MOVE_KEPT, [
      hold.id,
      expiresAt,
      JSON.stringify(prices),
      previous.id,
      seatIds,
    ]);
    for (const row of moved.rows) {
      kept.add(row.seat_id);
    }
    await client.query(RELEASE_REST, [previous.id]);
  }
  const toInsert = seatIds.filter((id) => !kept.has(id));
  if (toInsert.length > 0) {
    const inserted = await client.query<{ seat_id: string }>(CLAIM_SEATS, [
      showtime.id,
      hold.id,
      userId,
      expiresAt.toISOString(),
      now.toISOString(),
      toInsert,
      toInsert.map((id) => prices[id] ?? 0),
    ]);
    const claimed = new Set(inserted.rows.map((row) => row.seat_id));
    const taken = toInsert.filter((id) => !claimed.has(id));
    if (taken.length > 0) {
      throw new Taken(taken);
    }
  }
  await client.query(BUMP_VERSION, [showtime.id]);
  return hold.id;
}
