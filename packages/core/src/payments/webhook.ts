import { webhookEvents } from "@boxoffice/db";
import { and, eq } from "drizzle-orm";
import { AppError } from "../shared/errors.ts";
import { confirmPayment } from "./confirm-payment.ts";
import type { PaymentsDeps } from "./deps.ts";
import { applyRefundNotice } from "./refund-events.ts";

export interface WebhookResult {
  eventId: string;
  type: string;
  outcome: string;
  duplicate: boolean;
}

/**
 * A provider's webhook: the signature over the raw body is checked before anything else (a forged one
 * changes nothing), the event id is recorded so a replay is a no-op, and the event goes to the same
 * idempotent use cases the client's confirmation calls. If handling fails the event stays unprocessed
 * and the error propagates (a 5xx), so the provider's retry runs it again.
 */
export async function handleWebhook(
  deps: PaymentsDeps,
  providerName: string,
  rawBody: string,
  headers: Headers,
): Promise<WebhookResult> {
  const provider = deps.providers.get(providerName);
  if (!provider) {
    throw new AppError("NOT_FOUND", `Payments through ${providerName} are not enabled here`);
  }
  const event = provider.parseWebhook(rawBody, headers);
  const key = and(eq(webhookEvents.provider, provider.name), eq(webhookEvents.eventId, event.eventId));
  const [fresh] = await deps.db
    .insert(webhookEvents)
    .values({
      provider: provider.name,
      eventId: event.eventId,
      type: event.type,
      // The verified event as boxoffice reads it: a refund that waits for its payment is applied from here.
      payload: event as unknown as Record<string, unknown>,
      receivedAt: deps.clock.now(),
    })
    .onConflictDoNothing()
    .returning({ eventId: webhookEvents.eventId });
  if (!fresh) {
    const [seen] = await deps.db.select().from(webhookEvents).where(key);
    if (seen?.processedAt) {
      return {
        eventId: event.eventId,
        type: event.type,
        outcome: seen.outcome ?? "processed",
        duplicate: true,
      };
    }
    // Received before, but its handling did not finish: run it again (every handler is idempotent).
  }
  let outcome: string;
  if (event.kind === "payment") {
    outcome = (await confirmPayment(deps, provider.name, event.payment)).kind;
  } else if (event.kind === "refund" || event.kind === "refunds_changed") {
    outcome = await applyRefundNotice(deps, provider.name, event);
    if (outcome === "unmatched_refund") {
      // Marked first, then looked at once more: a payment recorded meanwhile either finds this mark
      // (confirmPayment applies marked notices after it commits) or is found here.
      await deps.db.update(webhookEvents).set({ outcome, processedAt: null }).where(key);
      outcome = await applyRefundNotice(deps, provider.name, event);
    }
  } else {
    outcome = "ignored";
  }
  await deps.db
    .update(webhookEvents)
    .set({ outcome, processedAt: outcome === "unmatched_refund" ? null : deps.clock.now() })
    .where(key);
  return { eventId: event.eventId, type: event.type, outcome, duplicate: false };
}
