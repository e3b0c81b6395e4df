import * as c from "@boxoffice/contracts";
import {
  type BookingRecord,
  cancelBooking,
  confirmBooking,
  getBooking,
  getCancellationQuote,
  listMyBookings,
} from "@boxoffice/core";
import { withTicketUrl } from "../../http/ticket-link.ts";
import type { TrpcContext } from "../context.ts";
import { implement } from "../implement.ts";
import { authedProcedure, router } from "../init.ts";

const linked = (ctx: TrpcContext) => (booking: BookingRecord) =>
  withTicketUrl(ctx.deps, ctx.publicUrl(), booking);

export const bookingsRouter = router({
  confirm: implement(authedProcedure, c.confirmBooking).mutation(async ({ ctx, input }) =>
    linked(ctx)(await confirmBooking(ctx.deps, ctx.user.userId, input)),
  ),

  // Before `get`: the REST adapter tries routes in this order, and /bookings/my also fits /bookings/{id}.
  my: implement(authedProcedure, c.listMyBookings).query(async ({ ctx, input }) => {
    const page = await listMyBookings(ctx.deps, ctx.user.userId, input);
    return { ...page, items: page.items.map(linked(ctx)) };
  }),

  get: implement(authedProcedure, c.getBooking).query(async ({ ctx, input }) =>
    linked(ctx)(await getBooking(ctx.deps, ctx.user, input.id)),
  ),

  cancellation: implement(authedProcedure, c.getCancellationQuote).query(({ ctx, input }) =>
    getCancellationQuote(ctx.deps, ctx.user, input.id),
  ),

  cancel: implement(authedProcedure, c.cancelBooking).mutation(async ({ ctx, input }) =>
    linked(ctx)(await cancelBooking(ctx.deps, ctx.user, input.id)),
  ),
});
