/** What the checks need of a node-postgres pool (or client): they only read. */
export interface Sql {
  query<R extends Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export interface Invariant {
  name: string;
  /** Returns one row per thing that breaks the promise, its `what` naming it. */
  sql: string;
}

/**
 * The promises, checked on the database itself after a proof scenario or a benchmark, whatever it did:
 * each query returns the rows that break one, and a few of them are named in the report. SEATS hold at
 * any quiet moment; SETTLED once payments, refunds and messages have been worked off (the proof waits for
 * its workers); RACE right after a race whose holds have not lapsed (the benchmarks).
 */
export const SEATS: Invariant[] = [
  {
    // Counting claims per (showtime_id, seat_id) could never find two: that pair is the table's key. What
    // keeps a seat from being claimed twice is the key itself, so the check is that it is still there and
    // enforced (a migration that dropped it, narrowed it to a partial index or widened it to more columns
    // would let two claims of one seat in): a valid, non-partial unique index (the primary key, a unique
    // constraint or a bare unique index) over exactly those two columns, both NOT NULL.
    name: "seat_claims has no valid primary key or unique index over exactly (showtime_id, seat_id), so a seat could be claimed twice",
    sql: `SELECT 'seat_claims: ' || coalesce((
              SELECT string_agg(c.relname || CASE WHEN i.indisunique THEN ' unique' ELSE '' END
                                || CASE WHEN i.indisvalid THEN '' ELSE ' invalid' END
                                || CASE WHEN i.indpred IS NULL THEN '' ELSE ' partial' END, ', ')
              FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
              WHERE i.indrelid = to_regclass('seat_claims')), 'no index') AS what
          WHERE NOT EXISTS (
            SELECT 1 FROM pg_index i
            WHERE i.indrelid = to_regclass('seat_claims')
              AND i.indisunique AND i.indisvalid AND i.indisready AND i.indislive
              AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indnkeyatts = 2
              AND (SELECT array_agg(a.attname::text ORDER BY a.attname)
                   FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                   WHERE k.n <= i.indnkeyatts AND a.attnotnull) = ARRAY['seat_id', 'showtime_id'])`,
  },
  {
    name: "a seat of a showtime is sold twice (in two confirmed bookings)",
    sql: `SELECT b.showtime_id || ' ' || s.seat AS what
          FROM bookings b CROSS JOIN LATERAL unnest(b.seat_ids) AS s(seat)
          WHERE b.status = 'confirmed'
          GROUP BY b.showtime_id, s.seat HAVING count(*) > 1`,
  },
  {
    name: "a confirmed booking whose seat claims are not exactly its seats",
    sql: `SELECT b.id::text AS what FROM bookings b
          WHERE b.status = 'confirmed'
            AND (SELECT array_agg(x ORDER BY x) FROM unnest(b.seat_ids) x)
                IS DISTINCT FROM (SELECT array_agg(c.seat_id ORDER BY c.seat_id) FROM seat_claims c
                                  WHERE c.booking_id = b.id AND c.showtime_id = b.showtime_id)`,
  },
  {
    name: "a booking that is not confirmed still claims seats",
    sql: `SELECT b.id::text AS what FROM bookings b
          WHERE b.status <> 'confirmed' AND EXISTS (SELECT 1 FROM seat_claims c WHERE c.booking_id = b.id)`,
  },
  {
    name: "a live claim without a live hold or a booking",
    sql: `SELECT c.showtime_id || ' ' || c.seat_id AS what FROM seat_claims c
          LEFT JOIN holds h ON h.id = c.hold_id
          WHERE c.hold_id IS NOT NULL AND c.expires_at > now()
            AND (h.id IS NULL OR h.status <> 'active' OR h.expires_at <= now()
                 OR NOT (c.seat_id = ANY (h.seat_ids)))`,
  },
  {
    name: "a live hold without all of its seats",
    sql: `SELECT h.id::text AS what FROM holds h
          WHERE h.status = 'active' AND h.expires_at > now() + interval '2 seconds'
            AND (SELECT count(*) FROM seat_claims c WHERE c.hold_id = h.id AND c.expires_at > now())
                <> cardinality(h.seat_ids)`,
  },
];

export const SETTLED: Invariant[] = [
  {
    name: "a confirmed booking without exactly one succeeded, unrefunded payment of its order",
    sql: `SELECT b.id::text AS what FROM bookings b
          WHERE b.status = 'confirmed' AND (
            NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = b.payment_id AND p.order_id = b.order_id
                        AND p.status = 'succeeded')
            OR (SELECT count(*) FROM payments p WHERE p.order_id = b.order_id AND p.status = 'succeeded'
                AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.payment_id = p.id)) <> 1)`,
  },
  {
    name: "a succeeded payment with neither a booking nor a refund",
    sql: `SELECT p.provider_payment_id AS what FROM payments p
          WHERE p.status IN ('succeeded', 'refunded')
            AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.payment_id = p.id)
            AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.payment_id = p.id)`,
  },
  {
    name: "a refund that was not paid back (pending, or failed for good)",
    sql: `SELECT r.id::text || ' ' || r.status || ' ' || coalesce(r.last_error, '') AS what FROM refunds r
          WHERE r.status NOT IN ('processed')`,
  },
  {
    name: "a paid order without its booking, or a booking whose order is not paid",
    sql: `SELECT o.provider_order_id AS what FROM payment_orders o
          LEFT JOIN bookings b ON b.order_id = o.id
          WHERE (o.status = 'paid') <> (b.id IS NOT NULL)`,
  },
  {
    name: "a converted hold without its booking",
    sql: `SELECT h.id::text AS what FROM holds h
          WHERE h.status = 'converted' AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.hold_id = h.id)`,
  },
  {
    name: "a booking without exactly one set of confirmation messages (one per reachable channel)",
    sql: `SELECT b.id::text AS what FROM bookings b JOIN users u ON u.id = b.user_id
          WHERE (SELECT count(*) FROM notifications n
                 WHERE n.subject_id = b.id AND n.kind = 'booking_confirmed')
             <> (CASE WHEN u.email IS NOT NULL AND (u.prefs->>'email')::boolean THEN 1 ELSE 0 END
               + CASE WHEN u.phone IS NOT NULL AND (u.prefs->>'sms')::boolean THEN 1 ELSE 0 END)
             OR EXISTS (SELECT 1 FROM notifications n WHERE n.subject_id = b.id
                        GROUP BY n.kind, n.channel HAVING count(*) > 1)`,
  },
  {
    name: "a refunded late, duplicate or mismatched payment whose owner was not told once",
    sql: `SELECT p.provider_payment_id AS what FROM payments p
          WHERE EXISTS (SELECT 1 FROM refunds r WHERE r.payment_id = p.id
                        AND r.reason IN ('late_payment', 'duplicate_payment', 'amount_mismatch'))
            AND (SELECT count(*) FROM notifications n
                 WHERE n.subject_id = p.id AND n.kind = 'payment_refunded' AND n.channel = 'email') <> 1`,
  },
  {
    name: "a message about a booking that does not exist",
    sql: `SELECT n.id::text AS what FROM notifications n
          WHERE n.kind IN ('booking_confirmed', 'booking_cancelled')
            AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.id = n.subject_id)`,
  },
];

export const RACE: Invariant[] = [
  {
    name: "a claim of neither an active hold nor a confirmed booking",
    sql: `SELECT c.showtime_id || ' ' || c.seat_id AS what FROM seat_claims c
          LEFT JOIN holds h ON h.id = c.hold_id LEFT JOIN bookings b ON b.id = c.booking_id
          WHERE h.status IS DISTINCT FROM 'active' AND b.status IS DISTINCT FROM 'confirmed'`,
  },
  {
    name: "an active hold whose claims are not exactly its seats",
    sql: `SELECT h.id::text AS what FROM holds h WHERE h.status = 'active'
            AND (SELECT array_agg(x ORDER BY x) FROM unnest(h.seat_ids) x)
                IS DISTINCT FROM (SELECT array_agg(c.seat_id ORDER BY c.seat_id) FROM seat_claims c
                                  WHERE c.hold_id = h.id)`,
  },
  {
    name: "a user with more than one active hold on a showtime",
    sql: `SELECT showtime_id || ' ' || user_id AS what FROM holds WHERE status = 'active'
          GROUP BY showtime_id, user_id HAVING count(*) > 1`,
  },
];

export interface DatabaseFigures {
  holds: number;
  bookings: number;
  refunds: number;
  "seats sold twice": number;
}

/** Every invariant of `invariants` broken in the database, each with up to three of the rows that break it. */
export async function checkInvariants(db: Sql, invariants: Invariant[]): Promise<string[]> {
  const problems: string[] = [];
  for (const invariant of invariants) {
    const { rows } = await db.query<{ what: string }>(`${invariant.sql} LIMIT 1000`);
    if (rows.length > 0) {
      const sample = rows
        .slice(0, 3)
        .map((r) => r.what)
        .join("; ");
      problems.push(`${invariant.name}: ${rows.length}${rows.length === 1000 ? "+" : ""} (e.g. ${sample})`);
    }
  }
  return problems;
}

/** The counts every scenario's report shows, read from its database. */
export async function databaseFigures(db: Sql): Promise<DatabaseFigures> {
  const { rows } = await db.query<{ holds: number; bookings: number; refunds: number; twice: number }>(
    `SELECT (SELECT count(*)::int FROM holds) AS holds,
            (SELECT count(*)::int FROM bookings) AS bookings,
            (SELECT count(*)::int FROM refunds) AS refunds,
            (SELECT count(*)::int FROM (
               SELECT 1 FROM bookings b CROSS JOIN LATERAL unnest(b.seat_ids) AS s(seat)
               WHERE b.status = 'confirmed' GROUP BY b.showtime_id, s.seat HAVING count(*) > 1) t) AS twice`,
  );
  const row = rows[0];
  return {
    holds: row?.holds ?? 0,
    bookings: row?.bookings ?? 0,
    refunds: row?.refunds ?? 0,
    "seats sold twice": row?.twice ?? 0,
  };
}

/**
 * Every payment the provider took (by its payment id) ended as a booking or a refund paid back: the
 * promise "never lose a paid booking", checked from the provider's side.
 */
export async function checkPaidOrders(
  db: Sql,
  providerPaymentIds: string[],
): Promise<{ booked: number; refunded: number; problems: string[] }> {
  if (providerPaymentIds.length === 0) {
    return { booked: 0, refunded: 0, problems: [] };
  }
  const { rows } = await db.query<{ id: string; booked: boolean; refunded: boolean; known: boolean }>(
    `SELECT x.id,
            p.id IS NOT NULL AS known,
            EXISTS (SELECT 1 FROM bookings b WHERE b.payment_id = p.id) AS booked,
            EXISTS (SELECT 1 FROM refunds r WHERE r.payment_id = p.id AND r.status = 'processed') AS refunded
     FROM unnest($1::text[]) AS x(id)
     LEFT JOIN payments p ON p.provider_payment_id = x.id`,
    [providerPaymentIds],
  );
  const unknown = rows.filter((r) => !r.known).map((r) => r.id);
  const neither = rows.filter((r) => r.known && !r.booked && !r.refunded).map((r) => r.id);
  const problems: string[] = [];
  if (unknown.length > 0) {
    problems.push(`${unknown.length} payments the provider took were never recorded (e.g. ${unknown[0]})`);
  }
  if (neither.length > 0) {
    problems.push(`${neither.length} paid orders ended neither booked nor refunded (e.g. ${neither[0]})`);
  }
  return {
    booked: rows.filter((r) => r.booked).length,
    refunded: rows.filter((r) => r.refunded && !r.booked).length,
    problems,
  };
}
