import type { Booking, SeatType } from "@boxoffice/contracts";

/** A booking as core answers it; the API adds the ticket's download link, which starts with its address. */
export type BookingRecord = Omit<Booking, "ticketUrl">;

import {
  type BookingRow,
  bookings,
  type DbOrTx,
  movies,
  type RefundRow,
  refunds,
  screens,
  showtimes,
  theaters,
  users,
} from "@boxoffice/db";
import { eq, type SQL } from "drizzle-orm";
import type { PgSelect } from "drizzle-orm/pg-core";
import { loadShowtimeForSale } from "../seating/seat-plan.ts";

const VIEW_COLUMNS = {
  booking: bookings,
  refund: refunds,
  startAt: showtimes.startAt,
  endAt: showtimes.endAt,
  movieId: movies.id,
  movieTitle: movies.title,
  runtimeMinutes: movies.runtimeMinutes,
  rating: movies.rating,
  theaterId: theaters.id,
  theaterName: theaters.name,
  theaterAddress: theaters.address,
  timeZone: theaters.timeZone,
  screenId: screens.id,
  screenName: screens.name,
  customerName: users.name,
};

export type BookingViewRow = {
  booking: BookingRow;
  refund: RefundRow | null;
  startAt: Date;
  endAt: Date;
  movieId: string;
  movieTitle: string;
  runtimeMinutes: number;
  rating: string | null;
  theaterId: string;
  theaterName: string;
  theaterAddress: { line1: string; line2?: string | undefined; city: string; country: string };
  timeZone: string;
  screenId: string;
  screenName: string;
  customerName: string | null;
};

/** Bookings with what a ticket shows, filtered, ordered and paged by the caller. */
export function bookingViews(db: DbOrTx, where: SQL | undefined) {
  return db
    .select(VIEW_COLUMNS)
    .from(bookings)
    .innerJoin(showtimes, eq(showtimes.id, bookings.showtimeId))
    .innerJoin(movies, eq(movies.id, showtimes.movieId))
    .innerJoin(theaters, eq(theaters.id, showtimes.theaterId))
    .innerJoin(screens, eq(screens.id, showtimes.screenId))
    .innerJoin(users, eq(users.id, bookings.userId))
    .leftJoin(refunds, eq(refunds.bookingId, bookings.id))
    .where(where)
    .$dynamic();
}

export async function runViews<T extends PgSelect>(query: T): Promise<BookingViewRow[]> {
  return (await query) as unknown as BookingViewRow[];
}

/** The public shape; seat types come from the screen's (cached) seat plan. */
export async function toBookingDtos(db: DbOrTx, rows: BookingViewRow[]): Promise<BookingRecord[]> {
  const typesByShowtime = new Map<string, (seatId: string) => SeatType>();
  for (const row of rows) {
    const id = row.booking.showtimeId;
    if (!typesByShowtime.has(id)) {
      const { plan } = await loadShowtimeForSale(db, id);
      typesByShowtime.set(id, (seatId) => (plan.byId.get(seatId)?.type ?? "standard") as SeatType);
    }
  }
  return rows.map((row) => {
    const b = row.booking;
    const typeOf = typesByShowtime.get(b.showtimeId) ?? (() => "standard" as SeatType);
    return {
      id: b.id,
      reference: b.reference,
      status: b.status,
      showtimeId: b.showtimeId,
      seatIds: b.seatIds,
      seats: b.seatIds.map((seatId) => ({ seatId, type: typeOf(seatId), price: b.prices[seatId] ?? 0 })),
      amount: b.amount,
      currency: b.currency,
      showtime: {
        startAt: row.startAt.toISOString(),
        endAt: row.endAt.toISOString(),
        movie: { id: row.movieId, title: row.movieTitle },
        theater: { id: row.theaterId, name: row.theaterName, timeZone: row.timeZone },
        screen: { id: row.screenId, name: row.screenName },
      },
      createdAt: b.createdAt.toISOString(),
      cancelledAt: b.cancelledAt?.toISOString() ?? null,
      refund: row.refund
        ? {
            amount: row.refund.amount,
            currency: row.refund.currency,
            status: row.refund.status,
            reason: row.refund.reason,
          }
        : null,
    };
  });
}
