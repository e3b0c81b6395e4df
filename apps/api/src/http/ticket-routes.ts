import { IdSchema } from "@boxoffice/contracts";
import {
  AppError,
  findBookingView,
  invalidField,
  loadShowtimeForSale,
  renderTicketPdf,
} from "@boxoffice/core";
import { Hono } from "hono";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "./app-env.ts";
import { errorResponse, methodNotAllowed } from "./responses.ts";

/**
 * GET /api/bookings/{id}/ticket.pdf: the ticket to print or show at the door, for its owner, staff and
 * admins (another user's is a 404, as on GET /bookings/{id}). Bearer token, as everywhere.
 */
export function ticketRoutes(deps: AppDeps) {
  const routes = new Hono<AppEnv>();
  routes.get("/bookings/:id/ticket.pdf", async (c) => {
    try {
      const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
      if (!token) {
        throw new AppError("UNAUTHENTICATED");
      }
      const viewer = await deps.tokens.verifyAccessToken(token);
      const id = c.req.param("id");
      if (!IdSchema.safeParse(id).success) {
        throw invalidField("id", "must be a UUID");
      }
      const row = await findBookingView(deps.db, viewer, id);
      const { booking } = row;
      const { plan } = await loadShowtimeForSale(deps.db, booking.showtimeId);
      const pdf = await renderTicketPdf({
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
        seats: booking.seatIds.map((seatId) => ({
          id: seatId,
          type: plan.byId.get(seatId)?.type ?? "standard",
        })),
        startAt: row.startAt,
        timeZone: row.timeZone,
        amount: booking.amount,
        currency: booking.currency,
        customerName: row.customerName,
        qrPayload: booking.qrPayload,
        bookedAt: booking.createdAt,
      });
      return c.body(new Uint8Array(pdf), 200, {
        "content-type": "application/pdf",
        "content-disposition": `attachment; filename="${booking.reference}.pdf"`,
        "cache-control": "private, no-store",
      });
    } catch (err) {
      return errorResponse(c, err);
    }
  });
  routes.all("/bookings/:id/ticket.pdf", methodNotAllowed(["GET"]));
  return routes;
}
