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
    order: z.object({ entity: z.object({ id: ProviderId }) }).optional(),
  }),
});
type Payload = z.infer<typeof Envelope>["payload"];

/**
 * Events that happen at most once to the entity they are about, and that entity's id: a payment is
 * authorized, captured or failed once, an order is paid once, a refund is created and then settles once
 * (processed or failed). The event name is part of the identity, so different events about one entity
 * (`payment.captured` and `order.paid`, `refund.processed` and `refund.failed`) stay distinct.
 */
// A Map, not an object literal: an event named "constructor" or "__proto__" must find nothing here.
const ONCE_PER_ENTITY = new Map<string, (payload: Payload) => string | null | undefined>([
  ["payment.authorized", (p) => p.payment?.entity.id],
  ["payment.captured", (p) => p.payment?.entity.id],
  ["payment.failed", (p) => p.payment?.entity.id],
  ["order.paid", (p) => p.order?.entity.id ?? p.payment?.entity.order_id],
  ["refund.created", (p) => p.refund?.entity.id],
  ["refund.processed", (p) => p.refund?.entity.id],
  ["refund.failed", (p) => p.refund?.entity.id],
]);

/**
 * Who an event is, from the signed body alone. `X-Razorpay-Event-Id` is not covered by the signature, so
 * anyone holding one genuine delivery could replay it under ids of their own, each taken for a new event;
 * the event name and the id of the entity it is about cannot be changed without breaking the signature.
 * Any other event is its body's hash: Razorpay redelivers the very same bytes, so its retries are still
 * recognised, and a replay of those bytes is too.
 */
function razorpayEventId(rawBody: string, event: string, payload: Payload): string {
  const entityId = ONCE_PER_ENTITY.get(event)?.(payload);
  return entityId ? `${event}:${entityId}` : `sha256:${createHash("sha256").update(rawBody).digest("hex")}`;
}

/** Razorpay's payment statuses, as boxoffice reads them: captured money is a succeeded payment. */
export function razorpayPaymentStatus(status: string): "succeeded" | "failed" | "pending" {
  return status === "captured" ? "succeeded" : status === "failed" ? "failed" : "pending";
}

/**
 * A Razorpay webhook body (already verified) reduced to what boxoffice acts on. The dev provider sends the
 * very same shapes, so both read them here. The event's id comes from the signed body (`razorpayEventId`), never
 * from a header.
 */
export function readRazorpayEvent(rawBody: string): WebhookEvent {
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
  const eventId = razorpayEventId(rawBody, event, payload);
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
