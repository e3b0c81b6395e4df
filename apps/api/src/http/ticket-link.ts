import type { Booking } from "@boxoffice/contracts";
import { type BookingRecord, ticketLinkQuery } from "@boxoffice/core";
import type { AppDeps } from "../deps.ts";

/** The path of a booking's ticket PDF (ticket-routes.ts serves it). */
export const ticketPdfPath = (bookingId: string) => `/api/bookings/${bookingId}/ticket.pdf`;

/** A booking answer with a fresh download link to its ticket, on this API's public address. */
export function withTicketUrl(deps: AppDeps, origin: string, booking: BookingRecord): Booking {
  const url = new URL(ticketPdfPath(booking.id), origin);
  url.search = ticketLinkQuery(deps, booking.id);
  return { ...booking, ticketUrl: url.toString() };
}
