import type { ScreenLayout, SeatMap, SeatType } from "@boxoffice/contracts";
import { type DbOrTx, screens, showtimes } from "@boxoffice/db";
import { eq } from "drizzle-orm";
import { AppError } from "../shared/errors.ts";
import { seatTypePrices } from "../venue/prices.ts";
import { buildSeatMap } from "../venue/seat-map.ts";
import { type LockedShowtime, lockAndBumpShowtime, lockShowtime, type ShowtimeLocker } from "./claims.ts";

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

/** A showtime as a sale reads it, with its seat plan instead of the screen it comes from. */
export type ShowtimeForSale = Omit<LockedShowtime, "screenId" | "screenUpdatedAt"> & { plan: SeatPlan };

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

/** Reads the showtime with its seat plan, unlocked. */
export async function loadShowtimeForSale(db: DbOrTx, showtimeId: string): Promise<ShowtimeForSale> {
  const [row] = await db
    .select(SALE_COLUMNS)
    .from(showtimes)
    .innerJoin(screens, eq(screens.id, showtimes.screenId))
    .where(eq(showtimes.id, showtimeId));
  return withPlan(db, showtimeId, row);
}

/** Takes the showtime's lock (claims.ts) and reads it with its seat plan. */
export async function lockShowtimeForSale(
  tx: DbOrTx,
  showtimeId: string,
  by: ShowtimeLocker,
): Promise<ShowtimeForSale> {
  const locked = await lockShowtime(tx, showtimeId, by);
  if (!locked) {
    return withPlan(tx, showtimeId, undefined);
  }
  const { cancellationPolicy: _p, ...row } = locked;
  return withPlan(tx, showtimeId, row);
}

/** What a hold needs, in one statement: the showtime's lock and the seat-version bump (claims.ts). */
export async function lockShowtimeForHold(tx: DbOrTx, showtimeId: string): Promise<ShowtimeForSale> {
  return withPlan(tx, showtimeId, await lockAndBumpShowtime(tx, showtimeId));
}

async function withPlan(
  db: DbOrTx,
  showtimeId: string,
  row: LockedShowtime | undefined,
): Promise<ShowtimeForSale> {
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
