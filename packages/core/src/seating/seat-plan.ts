import type { ScreenLayout, SeatMap, SeatType } from "@boxoffice/contracts";
import { type DbOrTx, runStatement, screens, showtimes } from "@boxoffice/db";
import { eq } from "drizzle-orm";
import { AppError } from "../shared/errors.ts";
import { seatTypePrices } from "../venue/prices.ts";
import { buildSeatMap } from "../venue/seat-map.ts";
import { HOLD_STATEMENTS, type LockedShowtimeRow } from "./hold-statements.ts";

export interface SeatPlan {
  seatMap: SeatMap;
  byId: Map<string, SeatMap["seats"][number]>;
}

// Seat maps change only when a screen's layout does (and never while seats are claimed), so they are
// cached by screen and its last update: the hot paths skip re-reading and re-deriving the layout JSON.
const plans = new Map<string, SeatPlan>();

function planFor(key: string, layout: ScreenLayout): SeatPlan {
  let plan = plans.get(key);
  if (!plan) {
    const seatMap = buildSeatMap(layout);
    plan = { seatMap, byId: new Map(seatMap.seats.map((s) => [s.id, s])) };
    if (plans.size > 500) {
      plans.clear();
    }
    plans.set(key, plan);
  }
  return plan;
}

export interface ShowtimeForSale {
  id: string;
  status: string;
  startAt: Date;
  endAt: Date;
  salesCloseAt: Date;
  currency: string;
  basePrice: number;
  seatTypePrices: Record<string, number>;
  noOrphanSeats: boolean;
  seatVersion: number;
  plan: SeatPlan;
}

const SALE_COLUMNS = {
  id: showtimes.id,
  status: showtimes.status,
  startAt: showtimes.startAt,
  endAt: showtimes.endAt,
  salesCloseAt: showtimes.salesCloseAt,
  currency: showtimes.currency,
  basePrice: showtimes.basePrice,
  seatTypePrices: showtimes.seatTypePrices,
  noOrphanSeats: showtimes.noOrphanSeats,
  seatVersion: showtimes.seatVersion,
  screenId: screens.id,
  screenUpdatedAt: screens.updatedAt,
};

type SaleRow = Omit<ShowtimeForSale, "plan"> & { screenId: string; screenUpdatedAt: Date };

/**
 * Reads the showtime with its seat plan. With `lock`, the showtime row is locked FOR NO KEY UPDATE: every
 * transaction that changes this showtime's seats (hold, release, refresh, sweep) takes that lock first,
 * so they run one at a time per showtime, never deadlock, see each other's commits, and wait for (or are
 * waited on by) an admin cancelling, rescheduling, re-laying-out or deleting it.
 */
export async function loadShowtimeForSale(
  db: DbOrTx,
  showtimeId: string,
  options: { lock?: boolean } = {},
): Promise<ShowtimeForSale> {
  const query = db
    .select(SALE_COLUMNS)
    .from(showtimes)
    .innerJoin(screens, eq(screens.id, showtimes.screenId))
    .where(eq(showtimes.id, showtimeId));
  const [row] = options.lock ? await query.for("no key update", { of: showtimes }) : await query;
  return withPlan(db, showtimeId, row);
}

/**
 * What a hold needs, in one statement: the showtime lock (an UPDATE's own row lock, the same mode as FOR
 * NO KEY UPDATE) and the seat-version bump at once. A hold that then fails rolls the bump back with the
 * rest; one that commits announces the version it got here.
 */
export async function lockShowtimeForHold(tx: DbOrTx, showtimeId: string): Promise<ShowtimeForSale> {
  const [row] = await runStatement<LockedShowtimeRow>(tx, HOLD_STATEMENTS.lockAndBump, [showtimeId]);
  return withPlan(
    tx,
    showtimeId,
    row && {
      id: row.id,
      status: row.status,
      startAt: new Date(row.start_at),
      endAt: new Date(row.end_at),
      salesCloseAt: new Date(row.sales_close_at),
      currency: row.currency,
      basePrice: row.base_price,
      seatTypePrices: row.seat_type_prices,
      noOrphanSeats: row.no_orphan_seats,
      seatVersion: row.seat_version,
      screenId: row.screen_id,
      screenUpdatedAt: new Date(row.screen_updated_at),
    },
  );
}

async function withPlan(db: DbOrTx, showtimeId: string, row: SaleRow | undefined): Promise<ShowtimeForSale> {
  if (!row) {
    throw new AppError("NOT_FOUND", "No such showtime", { field: "showtimeId", id: showtimeId });
  }
  const key = `${row.screenId}:${row.screenUpdatedAt.getTime()}`;
  let plan = plans.get(key);
  if (!plan) {
    const [screen] = await db
      .select({ layout: screens.layout })
      .from(screens)
      .where(eq(screens.id, row.screenId));
    plan = planFor(key, screen?.layout as ScreenLayout);
  }
  const { screenId: _s, screenUpdatedAt: _u, ...showtime } = row;
  return { ...showtime, plan };
}

/** Refuses a showtime that is not selling right now, saying why. */
export function assertOnSale(showtime: ShowtimeForSale, now: Date): void {
  if (showtime.status !== "on_sale") {
    throw new AppError("SALES_CLOSED", `This showtime is ${showtime.status.replace("_", " ")}`, {
      status: showtime.status,
    });
  }
  if (now >= showtime.salesCloseAt || now >= showtime.endAt) {
    throw new AppError("SALES_CLOSED", "Sales for this showtime have closed", {
      salesCloseAt: showtime.salesCloseAt.toISOString(),
    });
  }
}

export function priceOf(showtime: ShowtimeForSale, type: SeatType): number {
  return seatTypePrices(showtime, [type])[type] ?? showtime.basePrice;
}
