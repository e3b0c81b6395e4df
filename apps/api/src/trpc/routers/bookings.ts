import * as c from "@boxoffice/contracts";
import {
  cancelBooking,
  confirmBooking,
  getBooking,
  getCancellationQuote,
  listMyBookings,
} from "@boxoffice/core";
import { authedProcedure, router } from "../init.ts";

export const bookingsRouter = router({
  confirm: authedProcedure
    .meta(c.confirmBooking.meta)
    .input(c.confirmBooking.input)
    .output(c.confirmBooking.output)
    .mutation(({ ctx, input }) => confirmBooking(ctx.deps, ctx.user.userId, input)),

  // Before `get`: the REST adapter tries routes in this order, and /bookings/my also fits /bookings/{id}.
  my: authedProcedure
    .meta(c.listMyBookings.meta)
    .input(c.listMyBookings.input)
    .output(c.listMyBookings.output)
    .query(({ ctx, input }) => listMyBookings(ctx.deps, ctx.user.userId, input)),

  get: authedProcedure
    .meta(c.getBooking.meta)
    .input(c.getBooking.input)
    .output(c.getBooking.output)
    .query(({ ctx, input }) => getBooking(ctx.deps, ctx.user, input.id)),

  cancellation: authedProcedure
    .meta(c.getCancellationQuote.meta)
    .input(c.getCancellationQuote.input)
    .output(c.getCancellationQuote.output)
    .query(({ ctx, input }) => getCancellationQuote(ctx.deps, ctx.user, input.id)),

  cancel: authedProcedure
    .meta(c.cancelBooking.meta)
    .input(c.cancelBooking.input)
    .output(c.cancelBooking.output)
    .mutation(({ ctx, input }) => cancelBooking(ctx.deps, ctx.user, input.id)),
});
