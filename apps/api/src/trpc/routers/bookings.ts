import * as c from "@boxoffice/contracts";
import {
  cancelBooking,
  confirmBooking,
  getBooking,
  getCancellationQuote,
  listMyBookings,
} from "@boxoffice/core";
import { implement } from "../implement.ts";
import { authedProcedure, router } from "../init.ts";

export const bookingsRouter = router({
  confirm: implement(authedProcedure, c.confirmBooking).mutation(({ ctx, input }) =>
    confirmBooking(ctx.deps, ctx.user.userId, input),
  ),

  // Before `get`: the REST adapter tries routes in this order, and /bookings/my also fits /bookings/{id}.
  my: implement(authedProcedure, c.listMyBookings).query(({ ctx, input }) =>
    listMyBookings(ctx.deps, ctx.user.userId, input),
  ),

  get: implement(authedProcedure, c.getBooking).query(({ ctx, input }) =>
    getBooking(ctx.deps, ctx.user, input.id),
  ),

  cancellation: implement(authedProcedure, c.getCancellationQuote).query(({ ctx, input }) =>
    getCancellationQuote(ctx.deps, ctx.user, input.id),
  ),

  cancel: implement(authedProcedure, c.cancelBooking).mutation(({ ctx, input }) =>
    cancelBooking(ctx.deps, ctx.user, input.id),
  ),
});
