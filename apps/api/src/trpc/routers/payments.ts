import * as c from "@boxoffice/contracts";
import { createOrderForHold, getOrder } from "@boxoffice/core";
import { implement } from "../implement.ts";
import { authedProcedure, rateLimit, router } from "../init.ts";

// Starting a payment calls the provider: counted like holds, per user and per address.
const paymentLimited = authedProcedure.use(
  rateLimit((ctx) => ctx.deps.config.rateLimitHoldsPerMin, { perUser: true }),
);

export const paymentsRouter = router({
  createOrder: implement(paymentLimited, c.createOrder).mutation(async ({ ctx, input }) => {
    const { order, holdExpiresAt } = await createOrderForHold(
      ctx.deps,
      ctx.user.userId,
      input.holdId,
      "order",
    );
    const { keyId, payPath } = order.checkout;
    return {
      orderId: order.providerOrderId,
      provider: order.provider,
      holdId: order.holdId,
      amount: order.amount,
      currency: order.currency,
      holdExpiresAt: holdExpiresAt.toISOString(),
      ...(keyId ? { keyId } : {}),
      ...(payPath ? { payUrl: new URL(payPath, ctx.publicUrl()).toString() } : {}),
    };
  }),

  createIntent: implement(paymentLimited, c.createIntent).mutation(async ({ ctx, input }) => {
    const { order, holdExpiresAt } = await createOrderForHold(
      ctx.deps,
      ctx.user.userId,
      input.holdId,
      "intent",
    );
    return {
      paymentIntentId: order.providerOrderId,
      clientSecret: order.checkout.clientSecret ?? "",
      holdId: order.holdId,
      amount: order.amount,
      currency: order.currency,
      holdExpiresAt: holdExpiresAt.toISOString(),
    };
  }),

  order: implement(authedProcedure, c.getOrder).query(({ ctx, input }) =>
    getOrder(ctx.deps, ctx.user.userId, input.orderId),
  ),
});
