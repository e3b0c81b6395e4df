import * as c from "@boxoffice/contracts";
import { createHold, getAvailability, refreshHold, releaseHold } from "@boxoffice/core";
import { seatUpdates } from "../../realtime/seat-updates.ts";
import { implement } from "../implement.ts";
import { authedProcedure, publicProcedure, rateLimit, router } from "../init.ts";
import { optionalViewer } from "../viewer.ts";

const holdLimited = authedProcedure.use(
  rateLimit((ctx) => ctx.deps.config.rateLimitHoldsPerMin, { perUser: true }),
);

export const seatsRouter = router({
  hold: implement(holdLimited, c.createHold).mutation(({ ctx, input }) =>
    createHold(ctx.deps, ctx.user.userId, input),
  ),

  refresh: implement(authedProcedure, c.refreshHold).mutation(({ ctx, input }) =>
    refreshHold(ctx.deps, ctx.user.userId, input.holdId),
  ),

  release: implement(authedProcedure, c.releaseHold).mutation(async ({ ctx, input }) => ({
    ok: true as const,
    ...(await releaseHold(ctx.deps, ctx.user.userId, input.holdId)),
  })),

  onUpdate: publicProcedure
    .input(c.SeatUpdatesInputSchema)
    .subscription(({ ctx, input, signal }) =>
      seatUpdates(ctx.deps, input.showtimeId, input.lastEventId, signal),
    ),

  availability: implement(publicProcedure, c.getAvailability).query(async ({ ctx, input }) =>
    getAvailability(ctx.deps, input.showtimeId, await optionalViewer(ctx)),
  ),
});
