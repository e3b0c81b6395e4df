import type { Database } from "@boxoffice/db";
import type { AccessClaims } from "../auth/tokens.ts";
import { loadShowtimeForSale } from "../seating/seat-plan.ts";
import type { Clock } from "../shared/clock.ts";
import { AppError } from "../shared/errors.ts";
import { checkTicketLink, signTicketLink, TICKET_LINK_TTL_SECONDS } from "../tickets/ticket-link.ts";
import { renderTicketPdf, type TicketView } from "../tickets/ticket-pdf.ts";
import { findBookingView } from "./get-booking.ts";

/** What the ticket of one booking shows, for its owner, staff, admins or a signed link (anyone else: 404). */
export async function bookingTicket(
  deps: { db: Database },
  viewer: AccessClaims | "signed link",
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
  viewer: AccessClaims | "signed link",
  bookingId: string,
): Promise<{ reference: string; pdf: Buffer }> {
  const ticket = await bookingTicket(deps, viewer, bookingId);
  return { reference: ticket.reference, pdf: await renderTicketPdf(ticket) };
}

/**
 * The ticket PDF a download link opens, with no token: the link's signature is the credential. A forged
 * or altered link is 403, an old one 410 (the booking's answer always carries a fresh one).
 */
export async function ticketPdfByLink(
  deps: { db: Database; clock: Clock; ticketLinkKey: Buffer },
  bookingId: string,
  link: { expires: string | undefined; signature: string | undefined },
): Promise<{ reference: string; pdf: Buffer }> {
  const verdict = checkTicketLink(deps.ticketLinkKey, bookingId, link, deps.clock.now());
  if (verdict === "forged") {
    throw new AppError("FORBIDDEN", "This ticket link is not valid", { field: "signature" });
  }
  if (verdict === "expired") {
    throw new AppError("GONE", "This ticket link has expired: open the booking again for a fresh one", {
      field: "expires",
    });
  }
  return bookingTicketPdf(deps, "signed link", bookingId);
}

/** The query of a fresh download link for one booking's ticket (the API puts it after the PDF's path). */
export function ticketLinkQuery(deps: { clock: Clock; ticketLinkKey: Buffer }, bookingId: string): string {
  const expiresAt = new Date(deps.clock.now().getTime() + TICKET_LINK_TTL_SECONDS * 1000);
  const { expires, signature } = signTicketLink(deps.ticketLinkKey, bookingId, expiresAt);
  return new URLSearchParams({ expires: String(expires), signature }).toString();
}
