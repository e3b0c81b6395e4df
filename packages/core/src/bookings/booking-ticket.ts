import type { Database } from "@boxoffice/db";
import type { AccessClaims } from "../auth/tokens.ts";
import { loadShowtimeForSale } from "../seating/seat-plan.ts";
import { renderTicketPdf, type TicketView } from "../tickets/ticket-pdf.ts";
import { findBookingView } from "./get-booking.ts";

/** What the ticket of one booking shows, for its owner, staff and admins (anyone else: 404). */
export async function bookingTicket(
  deps: { db: Database },
  viewer: AccessClaims,
  bookingId: string,
): Promise<TicketView> {
  const row = await findBookingView(deps.db, viewer, bookingId);
  const { booking } = row;
  const { plan } = await loadShowtimeForSale(deps.db, booking.showtimeId);
  return {
    reference: booking.reference,
    status: booking.status,
    movieTitle: row.movieTitle,
    rating: row.rating,
    runtimeMinutes: row.runtimeMinutes,
    theaterName: row.theaterName,
    theaterAddress: [row.theaterAddress.line1, row.theaterAddress.line2, row.theaterAddress.city]
      .filter(Boolean)
      .join(", "),
    screenName: row.screenName,
    seats: booking.seatIds.map((seatId) => ({ id: seatId, type: plan.byId.get(seatId)?.type ?? "standard" })),
    startAt: row.startAt,
    timeZone: row.timeZone,
    amount: booking.amount,
    currency: booking.currency,
    customerName: row.customerName,
    qrPayload: booking.qrPayload,
    bookedAt: booking.createdAt,
  };
}

/** The ticket of one booking as a PDF to print or show at the door. */
export async function bookingTicketPdf(
  deps: { db: Database },
  viewer: AccessClaims,
  bookingId: string,
): Promise<{ reference: string; pdf: Buffer }> {
  const ticket = await bookingTicket(deps, viewer, bookingId);
  return { reference: ticket.reference, pdf: await renderTicketPdf(ticket) };
}
