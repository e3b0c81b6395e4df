import type { Pool } from "./pg.ts";

/**
 * The seed's hold document as a table of the bench's own (in the bench's schema, dropped with it): one row
 * per hold with its seats in an array, like the Mongoose document it was. What the seed did not have, this
 * does not have either: no unique constraint on (showtime, seat), no claim rows, no foreign keys. The index
 * on the showtime is the one its `showtime: { index: true }` field would have had, so its reads are not
 * slowed down by a scan either.
 */
export async function createNaiveTable(pool: Pool): Promise<void> {
  await pool.query(`CREATE TABLE naive_holds (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    showtime_id uuid NOT NULL,
    user_id uuid NOT NULL,
    seat_ids text[] NOT NULL,
    status text NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    booked_at timestamptz
  )`);
  await pool.query("CREATE INDEX naive_holds_showtime_idx ON naive_holds (showtime_id)");
}

/** Where salesOf (lib/invariant.ts) finds the seed strategy's sales: booked holds. */
export const NAIVE_SALES = { table: "naive_holds", status: "booked" } as const;
