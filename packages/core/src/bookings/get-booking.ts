import { bookings, type Database, showtimes } from "@boxoffice/db";
import { and, asc, count, desc, eq, gt, lte } from "drizzle-orm";
import type { AccessClaims } from "../auth/tokens.ts";
import type { Clock } from "../shared/clock.ts";
import { AppError } from "../shared/errors.ts";
import { qrPngDataUrl, qrSvg } from "../tickets/index.ts";
import type { BookingRecord } from "./booking-view.ts";
import { type BookingViewRow, bookingViews, runViews, toBookingDtos } from "./booking-view.ts";

/** Staff at the door and admins see any booking; everyone else only their own (another's is a 404). */
export function canSee(viewer: AccessClaims, ownerId: string): boolean {
  return viewer.userId === ownerId || viewer.roles.includes("staff") || viewer.roles.includes("admin");
}

/** One booking as the viewer may see it, with the raw view row (the ticket PDF reads it too). */
export async function findBookingView(
  db: Database,
  viewer: AccessClaims | "signed link",
  id: string,
): Promise<BookingViewRow> {
  const [row] = await runViews(bookingViews(db, eq(bookings.id, id)));
  // A signed link was made for its holder by the API itself (see tickets/ticket-link.ts).
  if (!row || (viewer !== "signed link" && !canSee(viewer, row.booking.userId))) {
    throw new AppError("NOT_FOUND", "No such booking", { field: "id", id });
  }
  return row;
}

export async function getBooking(
  deps: { db: Database },
  viewer: AccessClaims,
  id: string,
): Promise<BookingRecord> {
  const row = await findBookingView(deps.db, viewer, id);
  const [dto] = await toBookingDtos(deps.db, [row]);
  if (!dto) {
    throw new Error("booking view lost its row");
  }
  const payload = row.booking.qrPayload;
  return { ...dto, qr: { payload, png: await qrPngDataUrl(payload), svg: await qrSvg(payload) } };
}

/** A booking by id without the QR (answers of confirm and cancel). */
export async function bookingById(db: Database, id: string): Promise<BookingRecord> {
  const rows = await runViews(bookingViews(db, eq(bookings.id, id)));
  const [dto] = await toBookingDtos(db, rows);
  if (!dto) {
    throw new AppError("NOT_FOUND", "No such booking", { field: "id", id });
  }
  return dto;
}

/** Upcoming: shows not over yet, soonest first. Past: shows that are over, latest first. */
export async function listMyBookings(
  deps: { db: Database; clock: Clock },
  userId: string,
  input: { when: "upcoming" | "past"; limit: number; offset: number },
) {
  const now = deps.clock.now();
  const where = and(
    eq(bookings.userId, userId),
    input.when === "upcoming" ? gt(showtimes.endAt, now) : lte(showtimes.endAt, now),
  );
  const [total] = await deps.db
    .select({ n: count() })
    .from(bookings)
    .innerJoin(showtimes, eq(showtimes.id, bookings.showtimeId))
    .where(where);
  const order =
    input.when === "upcoming"
      ? [asc(showtimes.startAt), asc(bookings.id)]
      : [desc(showtimes.startAt), asc(bookings.id)];
  const rows = await runViews(
    bookingViews(deps.db, where)
      .orderBy(...order)
      .limit(input.limit)
      .offset(input.offset),
  );
  return {
    items: await toBookingDtos(deps.db, rows),
    total: total?.n ?? 0,
    limit: input.limit,
    offset: input.offset,
  };
}
