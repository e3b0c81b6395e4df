import { CLAIM_STATEMENTS, holdClaimParams } from "@boxoffice/core/seating/claims";
import { holdLife } from "@boxoffice/core/seating/hold-run";
import {
  HOLD_STATEMENTS,
  insertHoldParams,
  latestHoldOf,
  type NewHold,
  type ReplacePreviousRow,
} from "@boxoffice/core/seating/hold-statements";
import type { Statement } from "@boxoffice/db";
import type { Outcome } from "./load.ts";
import type { Pool, PoolClient, QueryResultRow } from "./pg.ts";

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

// The statements packages/core/src/seating/create-hold.ts (createHold) sends, taken from the same
// CLAIM_STATEMENTS and HOLD_STATEMENTS and sent one for one in the same order (five statements for a replacing hold, four
// otherwise, inside begin/commit), with the same parameters. Only the PostgreSQL work is mirrored: no
// HTTP, JWT, Zod, tRPC, seat-bus publishing or DTO mapping, which is what the ratio measures.
const { lockAndBump, claim, releaseHold } = CLAIM_STATEMENTS;
const { replacePrevious, insertHold } = HOLD_STATEMENTS;

/** As runStatement sends it: unnamed, parsed on every call. */
function send<Row extends QueryResultRow>(client: PoolClient, statement: Statement, values: unknown[]) {
  return client.query<Row>({ text: statement.text, values });
}

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
  const showtime = (await send<ShowtimeRow>(client, lockAndBump, [showtimeId])).rows[0];
  const now = new Date();
  const refused = refusal(showtime, requested, settings, now);
  if (refused || !showtime) {
    throw new Refused({ kind: "error", detail: refused ?? "no such showtime" });
  }
  const seatIds = [...requested].sort();
  const prices = Object.fromEntries(seatIds.map((id) => [id, showtime.base_price]));
  const previous = (
    await send<ReplacePreviousRow>(client, replacePrevious, [now.toISOString(), userId, showtime.id])
  ).rows[0];
  const life = holdLife(latestHoldOf(previous), now, settings);
  if (!life.ok) {
    throw new Refused({
      kind: "error",
      detail: `hold lifetime exceeded until ${life.retryAt.toISOString()}`,
    });
  }
  const newHold: NewHold = {
    showtimeId: showtime.id,
    userId,
    seatIds,
    prices,
    currency: showtime.currency,
    now,
    expiresAt: life.expiresAt,
    maxExpiresAt: life.maxExpiresAt,
  };
  const hold = (await send<{ id: string }>(client, insertHold, insertHoldParams(newHold))).rows[0];
  if (!hold) {
    throw new Error("insert returned no row");
  }
  const claimed = await send<{ seat_id: string }>(
    client,
    claim,
    holdClaimParams(newHold, { holdId: hold.id, expiresAt: life.expiresAt }, previous?.id ?? null),
  );
  const got = new Set(claimed.rows.map((row) => row.seat_id));
  const taken = seatIds.filter((id) => !got.has(id));
  if (taken.length > 0) {
    throw new Refused({ kind: "taken", seatIds: taken });
  }
  if (previous?.id) {
    await send(client, releaseHold, [previous.id]);
  }
  return { kind: "held", holdId: hold.id, seatIds };
}
