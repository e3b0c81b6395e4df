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

// The statements packages/core/src/seating/hold-seats.ts (holdSeats -> claimSeats) sends, one for one
// and in the same order (five statements for a replacing hold, four otherwise, inside begin/commit), with
// the same parameters. Only the PostgreSQL work is mirrored: no HTTP, JWT, Zod, tRPC, drizzle query
// building, seat-bus publishing or DTO mapping, which is what the ratio measures.

/** lockShowtimeForHold: the showtime lock and the seat-version bump in one statement. */
const LOCK_AND_BUMP = `UPDATE showtimes s SET seat_version = s.seat_version + 1 FROM screens sc
  WHERE s.id = $1 AND sc.id = s.screen_id
  RETURNING s.id, s.status, s.start_at, s.end_at, s.sales_close_at, s.currency, s.base_price,
  s.seat_type_prices, s.no_orphan_seats, s.seat_version, sc.id AS screen_id, sc.updated_at AS screen_updated_at`;
const REPLACE_PREVIOUS = `UPDATE holds SET status = $1, closed_at = $2
  WHERE user_id = $3 AND showtime_id = $4 AND status = $5 RETURNING id`;
const INSERT_HOLD = `INSERT INTO holds
  (showtime_id, user_id, seat_ids, prices, total, currency, expires_at, max_expires_at, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`;
const CLAIM_SEATS = `INSERT INTO seat_claims (showtime_id, seat_id, hold_id, user_id, expires_at, price, created_at)
  SELECT $1::uuid, s.seat_id, $2::uuid, $3::uuid, $4::timestamptz, s.price, $5::timestamptz
  FROM unnest($6::text[], $7::int[]) AS s(seat_id, price)
  ON CONFLICT (showtime_id, seat_id) DO UPDATE SET
    hold_id = EXCLUDED.hold_id, user_id = EXCLUDED.user_id, expires_at = EXCLUDED.expires_at,
    price = EXCLUDED.price, created_at = EXCLUDED.created_at
  WHERE seat_claims.hold_id IS NOT NULL AND (seat_claims.expires_at <= $8::timestamptz OR seat_claims.hold_id = $9::uuid)
  RETURNING seat_id`;
const RELEASE_REST = "DELETE FROM seat_claims WHERE hold_id = $1 RETURNING seat_id";

/** Thrown inside the transaction to roll it back, as the API's errors do. */
class Refused extends Error {
  constructor(readonly outcome: Outcome) {
    super("refused");
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
  const client = await pool.connect();
  try {
    await client.query("begin");
    try {
      const outcome = await holdInTransaction(client, settings, userId, showtimeId, requested);
      await client.query("commit");
      return outcome;
    } catch (err) {
      await client.query("rollback");
      if (err instanceof Refused) {
        return err.outcome;
      }
      throw err;
    }
  } finally {
    client.release();
  }
}

/** assertOnSale and checkSeats: the same checks, made under the showtime lock as the API makes them. */
function refusal(showtime: ShowtimeRow | undefined, seatIds: string[], settings: RawHoldSettings, now: Date) {
  if (!showtime) {
    return "no such showtime";
  }
  if (showtime.status !== "on_sale" || now >= showtime.sales_close_at || now >= showtime.end_at) {
    return `showtime ${showtime.id} is not on sale`;
  }
  return seatIds.every((id) => settings.seatIds.has(id)) ? undefined : "seat not in layout";
}

async function holdInTransaction(
  client: PoolClient,
  settings: RawHoldSettings,
  userId: string,
  showtimeId: string,
  requested: string[],
): Promise<Outcome> {
  const showtime = (await client.query<ShowtimeRow>(LOCK_AND_BUMP, [showtimeId])).rows[0];
  const now = new Date();
  const refused = refusal(showtime, requested, settings, now);
  if (refused || !showtime) {
    throw new Refused({ kind: "error", detail: refused ?? "no such showtime" });
  }
  const seatIds = [...requested].sort();
  const prices = Object.fromEntries(seatIds.map((id) => [id, showtime.base_price]));
  const total = Object.values(prices).reduce((a, b) => a + b, 0);
  const expiresAt = new Date(now.getTime() + settings.holdTtlSeconds * 1000);
  const maxExpiresAt = new Date(now.getTime() + settings.holdMaxLifetimeSeconds * 1000);

  const previous = (
    await client.query<{ id: string }>(REPLACE_PREVIOUS, ["replaced", now, userId, showtime.id, "active"])
  ).rows[0];
  const values = [showtime.id, userId, seatIds, JSON.stringify(prices), total, showtime.currency];
  const hold = (await client.query<{ id: string }>(INSERT_HOLD, [...values, expiresAt, maxExpiresAt, now]))
    .rows[0];
  if (!hold) {
    throw new Error("insert returned no row");
  }
  const claimValues = [showtime.id, hold.id, userId, expiresAt.toISOString(), now.toISOString()];
  const claimed = await client.query<{ seat_id: string }>(CLAIM_SEATS, [
    ...claimValues,
    seatIds,
    seatIds.map((id) => prices[id] ?? 0),
    now.toISOString(),
    previous?.id ?? null,
  ]);
  const got = new Set(claimed.rows.map((row) => row.seat_id));
  const taken = seatIds.filter((id) => !got.has(id));
  if (taken.length > 0) {
    throw new Refused({ kind: "taken", seatIds: taken });
  }
  if (previous) {
    await client.query(RELEASE_REST, [previous.id]);
  }
  return { kind: "held", holdId: hold.id, seatIds };
}
