import { sleep } from "@boxoffice/testkit";
import type pg from "pg";

/**
 * Holds a showtime's row lock, the one every seat-changing transaction takes first, so that those
 * transactions queue up inside their BEGIN: a process killed then is killed in the middle of them, not
 * between two. `release` lets the queue through (whatever of it is still alive).
 */
export async function holdShowtimeLock(db: pg.Pool, showtimeId: string) {
  const client = await db.connect();
  await client.query("BEGIN");
  await client.query("SELECT 1 FROM showtimes WHERE id = $1 FOR NO KEY UPDATE", [showtimeId]);
  return {
    async release() {
      await client.query("ROLLBACK").catch(() => {});
      client.release();
    },
  };
}

export interface WaitingSession {
  application: string;
  query: string;
}

/** Sessions of `applications` (PGAPPNAME) waiting for a lock, with the statement each is stuck on. */
export async function sessionsWaitingForLocks(
  db: pg.Pool,
  applications: string[],
): Promise<WaitingSession[]> {
  const { rows } = await db.query<{ application_name: string; query: string }>(
    `SELECT application_name, query FROM pg_stat_activity
     WHERE datname = current_database() AND application_name = ANY($1::text[])
       AND wait_event_type = 'Lock' AND xact_start IS NOT NULL`,
    [applications],
  );
  return rows.map((r) => ({ application: r.application_name, query: r.query }));
}

/** Polls until some session matches `wanted`, for at most `timeoutMs`; the matches, or none. */
export async function waitForWaiting(
  db: pg.Pool,
  applications: string[],
  wanted: (session: WaitingSession) => boolean,
  timeoutMs: number,
): Promise<WaitingSession[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = (await sessionsWaitingForLocks(db, applications)).filter(wanted);
    if (found.length > 0) {
      return found;
    }
    await sleep(50);
  }
  return [];
}

/** Every showtime lock names who takes it in a leading comment (lockShowtime in core's seating/claims.ts). */
const lockBy = (locker: string) => (s: WaitingSession) =>
  s.query.trimStart().startsWith(`/* ${locker} */`) && /for no key update/i.test(s.query);

/** The statement a confirmation (confirmPayment) opens its transaction with: the showtime lock. */
export const isConfirmation = lockBy("confirmPayment");

/** The statement each showtime's sweep opens its transaction with. */
export const isSweep = lockBy("sweepExpiredHolds");
