import { bookings, type DbOrTx, payments, refunds } from "@boxoffice/db";
import { and, eq, inArray, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import { isAppError } from "../shared/errors.ts";
import type { PaymentsDeps } from "./deps.ts";

/** How long one process may take to send a refund before another may try it. */
const LEASE_MS = 60_000;
/** After this many failed attempts a refund is marked failed and needs a person. */
export const MAX_REFUND_ATTEMPTS = 12;

function backoffMs(attempts: number): number {
  return Math.min(3_600_000, 5_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Sends pending refunds to their providers: those named, or every one that is due. Each is leased to
 * one process at a time (a crashed sender's lease runs out), and the provider is given our refund id, so
 * sending one twice refunds it once. Failures back off exponentially; the refund job calls this again.
 */
export async function processRefunds(
  deps: Pick<PaymentsDeps, "db" | "clock" | "providers" | "logger">,
  options: { ids?: string[]; limit?: number } = {},
): Promise<{ processed: number; submitted: number; failed: number }> {
  const tally = { processed: 0, submitted: 0, failed: 0 };
  const limit = options.limit ?? 50;
  for (let i = 0; i < limit; i++) {
    const now = deps.clock.now();
    const due: SQL[] = [
      eq(refunds.status, "pending"),
      lte(refunds.nextAttemptAt, now),
      or(isNull(refunds.leaseUntil), lte(refunds.leaseUntil, now)) as SQL,
    ];
    if (options.ids) {
      if (options.ids.length === 0) {
        break;
      }
      due.push(inArray(refunds.id, options.ids));
    }
    const leased = await deps.db.execute(sql`
      UPDATE ${refunds} SET lease_until = ${new Date(now.getTime() + LEASE_MS).toISOString()}::timestamptz,
        attempts = attempts + 1
      WHERE id = (SELECT id FROM ${refunds} WHERE ${and(...due)} ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id`);
    const id = (leased as unknown as { rows: Array<{ id: string }> }).rows[0]?.id;
    if (!id) {
      break;
    }
    const [row] = await deps.db
      .select({ refund: refunds, providerPaymentId: payments.providerPaymentId })
      .from(refunds)
      .innerJoin(payments, eq(payments.id, refunds.paymentId))
      .where(eq(refunds.id, id));
    if (!row) {
      continue;
    }
    const { refund } = row;
    const provider = deps.providers.get(refund.provider);
    try {
      if (!provider) {
        throw new Error(`payment provider ${refund.provider} is not configured`);
      }
      const sent = await provider.refund({
        refundId: refund.id,
        providerPaymentId: row.providerPaymentId,
        amount: refund.amount,
        currency: refund.currency,
        attempt: refund.attempts,
      });
      await deps.db.transaction(async (tx) => {
        await tx
          .update(refunds)
          .set({
            status: "submitted",
            providerRefundId: sent.providerRefundId,
            leaseUntil: null,
            lastError: null,
          })
          .where(and(eq(refunds.id, refund.id), eq(refunds.status, "pending")));
        if (sent.status === "processed") {
          await markRefundProcessed(tx, refund.id, deps.clock.now());
        }
      });
      tally[sent.status === "processed" ? "processed" : "submitted"] += 1;
    } catch (err) {
      const attempts = refund.attempts;
      // The provider's own words are for the operator (the row and the log), never for a client.
      const message =
        isAppError(err) && err.logDetail ? err.logDetail : err instanceof Error ? err.message : String(err);
      const giveUp = attempts >= MAX_REFUND_ATTEMPTS;
      await deps.db
        .update(refunds)
        .set({
          leaseUntil: null,
          lastError: message.slice(0, 500),
          nextAttemptAt: new Date(deps.clock.now().getTime() + backoffMs(attempts)),
          ...(giveUp ? { status: "failed" as const } : {}),
        })
        .where(and(eq(refunds.id, refund.id), eq(refunds.status, "pending")));
      const log = giveUp ? deps.logger.error.bind(deps.logger) : deps.logger.warn.bind(deps.logger);
      log(
        { refundId: refund.id, attempts, err: isAppError(err) ? `${err.code}: ${message}` : message },
        giveUp ? "refund failed for good: needs a person" : "refund attempt failed: will retry",
      );
      tally.failed += 1;
    }
  }
  return tally;
}

/**
 * The provider has paid a refund back: counted once on its payment (which becomes `refunded` when all
 * of it went back) and its booking (`refunded`). Idempotent: a refund is processed once.
 */
export async function markRefundProcessed(tx: DbOrTx, refundId: string, now: Date): Promise<boolean> {
  const [refund] = await tx
    .update(refunds)
    .set({ status: "processed", processedAt: now, leaseUntil: null })
    .where(and(eq(refunds.id, refundId), inArray(refunds.status, ["pending", "submitted"])))
    .returning();
  if (!refund) {
    return false;
  }
  await tx
    .update(payments)
    .set({
      refundedAmount: sql`LEAST(${payments.amount}, ${payments.refundedAmount} + ${refund.amount})`,
      status: sql`CASE WHEN ${payments.refundedAmount} + ${refund.amount} >= ${payments.amount} THEN 'refunded' ELSE ${payments.status} END`,
      updatedAt: now,
    })
    .where(eq(payments.id, refund.paymentId));
  if (refund.bookingId) {
    await tx
      .update(bookings)
      .set({ status: "refunded", updatedAt: now })
      .where(and(eq(bookings.id, refund.bookingId), eq(bookings.status, "cancelled")));
  }
  return true;
}
