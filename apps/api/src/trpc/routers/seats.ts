import * as c from "@boxoffice/contracts";
import { createHold, getAvailability, refreshHold, releaseHold } from "@boxoffice/core";
import { seatUpdates } from "../../realtime/seat-updates.ts";
import { authedProcedure, publicProcedure, rateLimit, router } from "../init.ts";
import { optionalViewer } from "../viewer.ts";

const holdLimited = authedProcedure.use(
  rateLimit((ctx) => ctx.deps.config.rateLimitHoldsPerMin, { perUser: true }),
);

export const seatsRouter = router({
  hold: holdLimited
    .meta(c.createHold.meta)
    .input(c.createHold.input)
    .output(c.createHold.output)
    .mutation(({ ctx, input }) => createHold(ctx.deps, ctx.user.userId, input)),

  refresh: authedProcedure
    .meta(c.refreshHold.meta)
    .input(c.refreshHold.input)
    .output(c.refreshHold.output)
    .mutation(({ ctx, input }) => refreshHold(ctx.deps, ctx.user.userId, input.holdId)),

  release: authedProcedure
    .meta(c.releaseHold.meta)
    .input(c.releaseHold.input)
    .output(c.releaseHold.output)
    .mutation(async ({ ctx, input }) => ({
      ok: true as const,
      ...(await releaseHold(ctx.deps, ctx.user.userId, input.holdId)),
    })),

  onUpdate: publicProcedure
    .input(c.SeatUpdatesInputSchema)
    .subscription(({ ctx, input, signal }) =>
      seatUpdates(ctx.deps, input.showtimeId, input.lastEventId, signal),
    ),

  availability: publicProcedure
    .meta(c.getAvailability.meta)
    .input(c.getAvailability.input)
    .output(c.getAvailability.output)
    .query(async ({ ctx, input }) => getAvailability(ctx.deps, input.showtimeId, await optionalViewer(ctx))),
});
