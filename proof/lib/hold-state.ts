import type pg from "pg";

export interface HoldState {
  id: string;
  status: string;
  /** Past its expiry by the database's clock. */
  lapsed: boolean;
  /** Seat claims the hold still has (the sweep deletes a lapsed hold's claims). */
  claims: number;
}

/** What the database says of each hold now: its status, whether it lapsed, and the claims it still has. */
export async function holdStates(db: pg.Pool, holdIds: string[]): Promise<HoldState[]> {
  const { rows } = await db.query<HoldState>(
    `SELECT h.id::text AS id, h.status, h.expires_at <= now() AS lapsed,
            (SELECT count(*)::int FROM seat_claims c WHERE c.hold_id = h.id) AS claims
     FROM holds h WHERE h.id = ANY($1::uuid[]) ORDER BY h.created_at`,
    [holdIds],
  );
  return rows;
}

export const describeHolds = (states: HoldState[]) =>
  states
    .map((h) => `${h.status}${h.lapsed ? " lapsed" : ""} with ${h.claims} claim${h.claims === 1 ? "" : "s"}`)
    .join("; ") || "no such holds";
