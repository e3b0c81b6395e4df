import type { Sql } from "./invariants.ts";

// What clients were told during a race, held against the database afterwards (the database's own
// promises are invariants.ts's).

/** What a client was told: a 201 with this hold, in the order that user's requests were answered. */
export interface HeldRecord {
  userId: string;
  holdId: string;
  seatIds: string[];
}

/** A 409: the seats the client asked for and the ones the answer named as taken. */
export interface TakenRecord {
  requested: string[];
  named: string[];
}

/** A purchase the client was told succeeded: the booking, and the hold it was bought from. */
export interface BookedRecord {
  userId: string;
  holdId: string;
  bookingId: string;
  seatIds: string[];
}

interface BookingRow extends Record<string, unknown> {
  id: string;
  user_id: string;
  hold_id: string;
  status: string;
  seat_ids: string[];
}

/** What a showtime sold: bookings, seats in them (a seat sold twice counts twice), seats sold twice. */
export interface Sales extends Record<string, unknown> {
  bookings: number;
  tickets: number;
  soldTwice: number;
}

/**
 * Counts one showtime's sales from the rows that record them: boxoffice's confirmed bookings, or the seed
 * strategy's booked holds (the bench's own table). One query for both, so both are counted alike.
 */
export async function salesOf(
  pool: Sql,
  store: { table: "bookings" | "naive_holds"; status: string },
  showtimeId: string,
): Promise<Sales> {
  const { rows } = await pool.query<Sales>(
    `SELECT count(*)::int AS bookings, coalesce(sum(cardinality(seat_ids)), 0)::int AS tickets,
       (SELECT count(*)::int FROM (
          SELECT seat FROM ${store.table}, unnest(seat_ids) AS seat
          WHERE showtime_id = $1 AND status = $2 GROUP BY seat HAVING count(*) > 1) twice) AS "soldTwice"
     FROM ${store.table} WHERE showtime_id = $1 AND status = $2`,
    [showtimeId, store.status],
  );
  return rows[0] ?? { bookings: 0, tickets: 0, soldTwice: 0 };
}

interface HoldRow extends Record<string, unknown> {
  id: string;
  user_id: string;
  status: string;
  seat_ids: string[];
  expires_at: Date;
}

const sameSeats = (a: string[], b: string[]) => [...a].sort().join(",") === [...b].sort().join(",");

/**
 * Each 201 is in the database with its seats; a hold that was bought is converted, otherwise a user's last
 * 201 is the live hold (its seats claimed, checked above) and the earlier ones were replaced by it; no live
 * hold exists that nobody was told of.
 */
function answerProblems(rows: HoldRow[], held: HeldRecord[], booked: BookedRecord[], now: Date): string[] {
  const problems: string[] = [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  const bought = new Set(booked.map((record) => record.holdId));
  const lastOfUser = new Map<string, string>();
  for (const record of held) {
    lastOfUser.set(record.userId, record.holdId);
  }
  let missing = 0;
  let wrong = 0;
  for (const record of held) {
    const row = byId.get(record.holdId);
    if (!row) {
      missing += 1;
      continue;
    }
    const lapsed = row.expires_at <= now;
    const expected = bought.has(record.holdId)
      ? "converted"
      : lastOfUser.get(record.userId) === record.holdId
        ? "active"
        : "replaced";
    const statusOk = row.status === expected || (lapsed && row.status !== "replaced");
    if (row.user_id !== record.userId || !sameSeats(row.seat_ids, record.seatIds) || !statusOk) {
      wrong += 1;
    }
  }
  if (missing > 0) {
    problems.push(`${missing} holds answered 201 are not in the database`);
  }
  if (wrong > 0) {
    problems.push(`${wrong} holds answered 201 have the wrong user, seats or status`);
  }
  const told = new Set(held.map((record) => record.holdId));
  const unannounced = rows.filter((row) => row.status === "active" && !told.has(row.id)).length;
  if (unannounced > 0) {
    problems.push(`${unannounced} active holds were never answered 201`);
  }
  return problems;
}

/** Each purchase answered as booked is a confirmed booking of its user, hold and seats, and no other is. */
function bookingProblems(rows: BookingRow[], booked: BookedRecord[]): string[] {
  const problems: string[] = [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  const wrong = booked.filter((record) => {
    const row = byId.get(record.bookingId);
    return (
      row?.status !== "confirmed" ||
      row.user_id !== record.userId ||
      row.hold_id !== record.holdId ||
      !sameSeats(row.seat_ids, record.seatIds)
    );
  }).length;
  if (wrong > 0) {
    problems.push(`${wrong} bookings answered to a client are missing or differ in the database`);
  }
  const told = new Set(booked.map((record) => record.bookingId));
  const untold = rows.filter((row) => row.status === "confirmed" && !told.has(row.id)).length;
  if (untold > 0) {
    problems.push(`${untold} confirmed bookings were never answered to a client`);
  }
  return problems;
}

function takenProblems(taken: TakenRecord[]): string[] {
  const bad = taken.filter(
    (t) => t.named.length === 0 || !t.named.every((seat) => t.requested.includes(seat)),
  ).length;
  return bad > 0 ? [`${bad} answers of 409 named no seat or a seat that was not asked for`] : [];
}

/** What the clients were told in one race over one showtime. */
export interface RaceRecords {
  held: HeldRecord[];
  taken: TakenRecord[];
  /** Every purchase answered as booked (none, for a race of holds alone). */
  booked: BookedRecord[];
}

/**
 * Every answer of a race over one showtime that the database contradicts; empty means each 201, 409 and
 * booking a client was told of is there as told, and nothing else is.
 */
export async function checkAnswers(pool: Sql, showtimeId: string, records: RaceRecords): Promise<string[]> {
  const holds = await pool.query<HoldRow>(
    "SELECT id, user_id, status, seat_ids, expires_at FROM holds WHERE showtime_id = $1",
    [showtimeId],
  );
  const bookings = await pool.query<BookingRow>(
    "SELECT id, user_id, hold_id, status, seat_ids FROM bookings WHERE showtime_id = $1",
    [showtimeId],
  );
  return [
    ...answerProblems(holds.rows, records.held, records.booked, new Date()),
    ...bookingProblems(bookings.rows, records.booked),
    ...takenProblems(records.taken),
  ];
}
