import { IdSchema } from "@boxoffice/contracts";
import { bookingTicketPdf, invalidField, ticketPdfByLink } from "@boxoffice/core";
import { Hono } from "hono";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "./app-env.ts";
import { requireViewer } from "./bearer.ts";
import { errorResponse, methodNotAllowed } from "./responses.ts";

/**
 * GET /api/bookings/{id}/ticket.pdf: the ticket to print or show at the door, for its owner, staff and
 * admins (another user's is a 404, as on GET /bookings/{id}) with their Bearer token, or for anyone with
 * the signed link a booking's answer carries (`?expires=…&signature=…`, see ticket-link.ts).
 */
export function ticketRoutes(deps: AppDeps) {
  const routes = new Hono<AppEnv>();
  routes.get("/bookings/:id/ticket.pdf", async (c) => {
    try {
      const id = c.req.param("id");
      const signature = c.req.query("signature");
      // A request that brings a token is judged by it (a bad one is 401, link or not); only a request with
      // none may use the link.
      const authorization = c.req.header("authorization");
      const viewer =
        authorization !== undefined || signature === undefined
          ? await requireViewer(deps.tokens, authorization)
          : undefined;
      if (!IdSchema.safeParse(id).success) {
        throw invalidField("id", "must be a UUID");
      }
      const { reference, pdf } = viewer
        ? await bookingTicketPdf(deps, viewer, id)
        : await ticketPdfByLink(deps, id, { expires: c.req.query("expires"), signature });
      return c.body(new Uint8Array(pdf), 200, {
        "content-type": "application/pdf",
        "content-disposition": `attachment; filename="${reference}.pdf"`,
        "cache-control": "private, no-store",
      });
    } catch (err) {
      return errorResponse(c, err);
    }
  });
  routes.all("/bookings/:id/ticket.pdf", methodNotAllowed(["GET"]));
  return routes;
}
