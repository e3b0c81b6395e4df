import type {
  listShowtimes as listShowtimesContract,
  ScreenLayout,
  Showtime,
  ShowtimeInput,
  ShowtimePatch,
} from "@boxoffice/contracts";
import {
  bookings,
  type Database,
  type DbOrTx,
  holds,
  movies,
  PG_EXCLUSION_VIOLATION,
  paymentOrders,
  pgErrorOf,
  screens,
  showtimes,
  type Transaction,
  theaters,
} from "@boxoffice/db";
import { and, asc, count, eq, gt, ne, type SQL, sql } from "drizzle-orm";
import type { z } from "zod";
import { countLiveClaims, releaseShowtimeClaims } from "../seating/claims.ts";
import type { Clock } from "../shared/clock.ts";
import { AppError, invalidField } from "../shared/errors.ts";
import { seatTypePrices } from "../venue/prices.ts";
import { buildSeatMap } from "../venue/seat-map.ts";
import { findMovie, findScreen, findShowtime, findTheater } from "./find.ts";
import { liveShowtime, onLocalDay } from "./movies.ts";
import { toShowtime } from "./to-dto.ts";

type Deps = { db: Database; clock: Clock };

/**
 * What cancelling a showtime does to the seats sold and held, which the bookings module owns: run inside
 * the transaction that cancels it (the showtime's row lock held), it answers what to do once that commits
 * (announce the freed seats, send the refunds).
 */
export type CancelSales = (tx: Transaction, showtimeId: string, now: Date) => Promise<() => Promise<void>>;
type ListInput = z.output<typeof listShowtimesContract.input>;

/** Time the cleaners get between one show's end and the next show's start, by default. */
export const CLEANING_GAP_MINUTES = 20;
/** Sales stay open this long after the show starts, by default. */
export const SALES_CUTOFF_AFTER_START_MINUTES = 15;

const MINUTE = 60_000;

function checkTimes(startAt: Date, endAt: Date, salesCloseAt: Date): void {
  if (endAt <= startAt) {
    throw invalidField("endAt", "must be after startAt");
  }
  if (salesCloseAt > endAt) {
    throw invalidField("salesCloseAt", "must not be after endAt");
  }
}

/**
 * Turns the exclusion constraint's refusal into a 409 naming a showtime in the way. The database
 * decides, so two admins racing for one slot cannot both win.
 */
async function overlapError(db: DbOrTx, screenId: string, startAt: Date, endAt: Date, exceptId?: string) {
  const [clash] = await db
    .select({ id: showtimes.id, startAt: showtimes.startAt, endAt: showtimes.endAt })
    .from(showtimes)
    .where(
      and(
        eq(showtimes.screenId, screenId),
        ne(showtimes.status, "cancelled"),
        sql`tstzrange(${showtimes.startAt}, ${showtimes.endAt}, '[)') && tstzrange(${startAt.toISOString()}::timestamptz, ${endAt.toISOString()}::timestamptz, '[)')`,
        ...(exceptId ? [ne(showtimes.id, exceptId)] : []),
      ),
    )
    .limit(1);
  return new AppError(
    "SHOWTIME_OVERLAP",
    clash ? `The screen already has showtime ${clash.id} at that time` : undefined,
    clash
      ? {
          conflictingShowtimeId: clash.id,
          startAt: clash.startAt.toISOString(),
          endAt: clash.endAt.toISOString(),
        }
      : {},
  );
}

function isOverlap(err: unknown): boolean {
  return pgErrorOf(err)?.code === PG_EXCLUSION_VIOLATION;
}

export async function createShowtime(deps: Deps, input: ShowtimeInput): Promise<Showtime> {
  const movie = await findMovie(deps.db, input.movieId, "movieId");
  const theater = await findTheater(deps.db, input.theaterId, "theaterId");
  const screen = await findScreen(deps.db, input.screenId, "screenId");
  if (screen.theaterId !== theater.id) {
    throw invalidField("screenId", "belongs to another theater");
  }
  if (theater.archivedAt) {
    throw new AppError("CONFLICT", "This theater is archived", { field: "theaterId" });
  }
  const startAt = new Date(input.startAt);
  const endAt = input.endAt
    ? new Date(input.endAt)
    : new Date(startAt.getTime() + (movie.runtimeMinutes + CLEANING_GAP_MINUTES) * MINUTE);
  const salesCloseAt = input.salesCloseAt
    ? new Date(input.salesCloseAt)
    : new Date(startAt.getTime() + SALES_CUTOFF_AFTER_START_MINUTES * MINUTE);
  checkTimes(startAt, endAt, salesCloseAt);
  const now = deps.clock.now();
  try {
    const [row] = await deps.db
      .insert(showtimes)
      .values({
        movieId: movie.id,
        theaterId: theater.id,
        screenId: screen.id,
        startAt,
        endAt,
        salesCloseAt,
        language: input.language,
        format: input.format,
        basePrice: input.basePrice,
        currency: input.currency,
        seatTypePrices: input.seatTypePrices,
        pricingRules: input.pricingRules,
        status: input.status,
        noOrphanSeats: input.noOrphanSeats,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) {
      throw new Error("insert returned no row");
    }
    return toShowtime(row);
  } catch (err) {
    if (isOverlap(err)) {
      throw await overlapError(deps.db, screen.id, startAt, endAt);
    }
    throw err;
  }
}

export async function updateShowtime(
  deps: Deps & { cancelSales: CancelSales },
  input: ShowtimePatch,
): Promise<Showtime> {
  const { id, ...patch } = input;
  const current = await findShowtime(deps.db, id);
  if (current.status === "cancelled" || current.status === "completed") {
    throw new AppError("CONFLICT", `A ${current.status} showtime cannot change`, { status: current.status });
  }
  // Moving the start moves the end and the sales cut-off with it, unless they are given too.
  const startAt = patch.startAt ? new Date(patch.startAt) : current.startAt;
  const shift = (d: Date) => new Date(d.getTime() + startAt.getTime() - current.startAt.getTime());
  const endAt = patch.endAt ? new Date(patch.endAt) : shift(current.endAt);
  const salesCloseAt = patch.salesCloseAt ? new Date(patch.salesCloseAt) : shift(current.salesCloseAt);
  checkTimes(startAt, endAt, salesCloseAt);
  const moved =
    startAt.getTime() !== current.startAt.getTime() || endAt.getTime() !== current.endAt.getTime();
  const now = deps.clock.now();
  try {
    const outcome = await deps.db.transaction(async (tx) => {
      // The UPDATE takes the showtime's row lock, so no hold, payment or cancellation runs beside it.
      const [row] = await tx
        .update(showtimes)
        .set({ ...patch, startAt, endAt, salesCloseAt, updatedAt: now })
        .where(eq(showtimes.id, id))
        .returning();
      if (!row) {
        throw new AppError("NOT_FOUND", "No such showtime", { field: "id", id });
      }
      if (moved && (await hasConfirmedBookings(tx, id))) {
        throw new AppError(
          "SEATS_IN_USE",
          "People hold tickets for this time: cancel the showtime instead (everyone is refunded)",
          { field: patch.startAt ? "startAt" : "endAt" },
        );
      }
      const afterCommit = row.status === "cancelled" ? await deps.cancelSales(tx, id, now) : undefined;
      return { row, afterCommit };
    });
    await outcome.afterCommit?.();
    return toShowtime(outcome.row);
  } catch (err) {
    if (isOverlap(err)) {
      throw await overlapError(deps.db, current.screenId, startAt, endAt, id);
    }
    throw err;
  }
}

async function hasConfirmedBookings(tx: DbOrTx, showtimeId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: bookings.id })
    .from(bookings)
    .where(and(eq(bookings.showtimeId, showtimeId), eq(bookings.status, "confirmed")))
    .limit(1);
  return row !== undefined;
}

/**
 * Deletes a showtime nobody holds or bought seats of. Once seats are taken it must be cancelled instead
 * (which the bookings issue turns into refunds). Lapsed holds are history and go with it.
 */
export async function deleteShowtime(deps: Deps, id: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const [showtime] = await tx
      .select({ id: showtimes.id })
      .from(showtimes)
      .where(eq(showtimes.id, id))
      .for("update");
    if (!showtime) {
      throw new AppError("NOT_FOUND", "No such showtime", { field: "id", id });
    }
    const inUse = await countLiveClaims(tx, [showtime.id], deps.clock.now());
    if (inUse > 0) {
      throw new AppError("SEATS_IN_USE", "Seats of this showtime are held or sold: cancel it instead", {
        seats: inUse,
      });
    }
    const [ordered] = await tx
      .select({ id: paymentOrders.id })
      .from(paymentOrders)
      .where(eq(paymentOrders.showtimeId, showtime.id))
      .limit(1);
    if (ordered) {
      throw new AppError("HAS_DEPENDENTS", "Payments were started for this showtime: cancel it instead", {
        field: "id",
      });
    }
    await releaseShowtimeClaims(tx, showtime.id);
    await tx.delete(holds).where(eq(holds.showtimeId, showtime.id));
    await tx.delete(showtimes).where(eq(showtimes.id, showtime.id));
  });
}

export async function getShowtime(deps: { db: Database }, id: string) {
  const [row] = await deps.db
    .select({ showtime: showtimes, movie: movies, theater: theaters, screen: screens })
    .from(showtimes)
    .innerJoin(movies, eq(movies.id, showtimes.movieId))
    .innerJoin(theaters, eq(theaters.id, showtimes.theaterId))
    .innerJoin(screens, eq(screens.id, showtimes.screenId))
    .where(eq(showtimes.id, id));
  if (!row) {
    throw new AppError("NOT_FOUND", "No such showtime", { field: "id", id });
  }
  const seatMap = buildSeatMap(row.screen.layout as ScreenLayout);
  return {
    ...toShowtime(row.showtime),
    movie: {
      id: row.movie.id,
      title: row.movie.title,
      runtimeMinutes: row.movie.runtimeMinutes,
      rating: row.movie.rating,
    },
    theater: { id: row.theater.id, name: row.theater.name, timeZone: row.theater.timeZone },
    screen: { id: row.screen.id, name: row.screen.name, seatMap },
    prices: seatTypePrices(row.showtime, new Set(seatMap.seats.map((s) => s.type))),
  };
}

/** Without a `date`, only showtimes not yet over: a listing should not grow with every past day. */
export async function listShowtimes(deps: { db: Database; clock: Clock }, input: ListInput) {
  const conditions: SQL[] = [liveShowtime()];
  if (!input.date) {
    conditions.push(gt(showtimes.endAt, deps.clock.now()));
  }
  if (input.movieId) {
    conditions.push(eq(showtimes.movieId, input.movieId));
  }
  if (input.theaterId) {
    conditions.push(eq(showtimes.theaterId, input.theaterId));
  }
  if (input.date) {
    conditions.push(onLocalDay(input.date));
  }
  const where = and(...conditions);
  const [totalRow] = await deps.db
    .select({ n: count() })
    .from(showtimes)
    .innerJoin(theaters, eq(theaters.id, showtimes.theaterId))
    .where(where);
  const rows = await deps.db
    .select({
      showtime: showtimes,
      movieTitle: movies.title,
      theaterName: theaters.name,
      screenName: screens.name,
    })
    .from(showtimes)
    .innerJoin(theaters, eq(theaters.id, showtimes.theaterId))
    .innerJoin(movies, eq(movies.id, showtimes.movieId))
    .innerJoin(screens, eq(screens.id, showtimes.screenId))
    .where(where)
    .orderBy(asc(showtimes.startAt), asc(showtimes.id))
    .limit(input.limit)
    .offset(input.offset);
  return {
    items: rows.map((r) => ({
      ...toShowtime(r.showtime),
      movieTitle: r.movieTitle,
      theaterName: r.theaterName,
      screenName: r.screenName,
    })),
    total: totalRow?.n ?? 0,
    limit: input.limit,
    offset: input.offset,
  };
}
