import { createHash } from "node:crypto";
import { z } from "zod";
import { AppError } from "../shared/errors.ts";
import type { WebhookEvent } from "./provider.ts";

/**
 * Ids and names as providers write them. The verified event is stored as JSON, so text PostgreSQL's JSON
 * refuses (half a surrogate pair, NUL) must be turned away here as a 400, not reach the insert as a 500.
 */
const ProviderId = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, { error: "must be a provider id" });
const Name = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, { error: "must be an event or status name" });

const PaymentEntity = z.object({
  id: ProviderId,
  order_id: ProviderId.nullish(),
  amount: z.number().int().positive(),
  currency: z.string().regex(/^[A-Za-z]{3}$/, { error: "must be a currency code" }),
  status: Name,
});
const RefundEntity = z.object({
  id: ProviderId,
  payment_id: ProviderId,
  amount: z.number().int().positive(),
  notes: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).nullish(),
});
const Envelope = z.object({
  event: Name,
  payload: z.object({
    payment: z.object({ entity: PaymentEntity }).optional(),
    refund: z.object({ entity: RefundEntity }).optional(),
  }),
});

/** Razorpay's payment statuses, as boxoffice reads them: captured money is a succeeded payment. */
export function razorpayPaymentStatus(status: string): "succeeded" | "failed" | "pending" {
  return status === "captured" ? "succeeded" : status === "failed" ? "failed" : "pending";
}

/**
 * A Razorpay webhook body (already verified) reduced to what boxoffice acts on. The dev provider sends the
 * very same shapes, so both read them here. Event ids come from `X-Razorpay-Event-Id`; a body without one
 * is identified by its hash, so its replays are still recognised.
 */
export function readRazorpayEvent(rawBody: string, headers: Headers): WebhookEvent {
  const eventId =
    headers.get("x-razorpay-event-id") || `sha256:${createHash("sha256").update(rawBody).digest("hex")}`;
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new AppError("INVALID_JSON");
  }
  const parsed = Envelope.safeParse(json);
  if (!parsed.success) {
    throw new AppError("VALIDATION_FAILED", "Not a Razorpay event", {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message, code: i.code })),
    });
  }
  const { event, payload } = parsed.data;
  const payment = payload.payment?.entity;
  if ((event === "payment.captured" || event === "order.paid" || event === "payment.failed") && payment) {
    if (!payment.order_id) {
      return { eventId, type: event, kind: "ignored" };
    }
    return {
      eventId,
      type: event,
      kind: "payment",
      payment: {
        providerOrderId: payment.order_id,
        providerPaymentId: payment.id,
        amount: payment.amount,
        currency: payment.currency.toUpperCase(),
        status: event === "payment.failed" ? "failed" : razorpayPaymentStatus(payment.status),
      },
    };
  }
  const refund = payload.refund?.entity;
  if ((event === "refund.processed" || event === "refund.failed") && refund) {
    const notes = refund.notes && !Array.isArray(refund.notes) ? refund.notes : {};
    return {
      eventId,
      type: event,
      kind: "refund",
      refund: {
        providerPaymentId: refund.payment_id,
        providerRefundId: refund.id,
        amount: refund.amount,
        status: event === "refund.processed" ? "processed" : "failed",
        refundId:
          typeof notes.refund_id === "string" && ProviderId.safeParse(notes.refund_id).success
            ? notes.refund_id
            : undefined,
      },
    };
  }
  return { eventId, type: event, kind: "ignored" };
}
