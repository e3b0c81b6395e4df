import type { WebhookRequest } from "./fake-http.ts";

/**
 * Razorpay's entities as its API returns them (orders, payments, refunds, collections, webhook
 * events), from its API reference and sample payloads. One quirk kept on purpose: empty `notes` come
 * back as `[]`, not `{}` (a PHP empty array), and parsers must accept both.
 */

export type RazorpayNotes = Record<string, string | number> | [];

export interface RazorpayOrder {
  id: string;
  entity: "order";
  amount: number;
  amount_paid: number;
  amount_due: number;
  currency: string;
  receipt: string | null;
  offer_id: string | null;
  status: "created" | "attempted" | "paid";
  attempts: number;
  notes: RazorpayNotes;
  created_at: number;
}

export type RazorpayPaymentStatus = "created" | "authorized" | "captured" | "refunded" | "failed";

export interface RazorpayPayment {
  id: string;
  entity: "payment";
  amount: number;
  currency: string;
  status: RazorpayPaymentStatus;
  order_id: string;
  invoice_id: string | null;
  international: boolean;
  method: string;
  amount_refunded: number;
  refund_status: "partial" | "full" | null;
  captured: boolean;
  description: string | null;
  card_id: string | null;
  bank: string | null;
  wallet: string | null;
  vpa: string | null;
  email: string;
  contact: string;
  notes: RazorpayNotes;
  fee: number | null;
  tax: number | null;
  error_code: string | null;
  error_description: string | null;
  error_source: string | null;
  error_step: string | null;
  error_reason: string | null;
  acquirer_data: Record<string, string | null>;
  created_at: number;
}

export interface RazorpayRefund {
  id: string;
  entity: "refund";
  amount: number;
  currency: string;
  payment_id: string;
  notes: RazorpayNotes;
  receipt: string | null;
  acquirer_data: { arn: string | null };
  created_at: number;
  batch_id: string | null;
  status: "pending" | "processed" | "failed";
  speed_processed: "normal" | "instant";
  speed_requested: "normal" | "optimum";
}

export interface RazorpayCollection<T> {
  entity: "collection";
  count: number;
  items: T[];
}

export interface RazorpayErrorBody {
  error: {
    code: string;
    description: string;
    source: string;
    step: string;
    reason: string;
    metadata: Record<string, string>;
    field?: string;
  };
}

export type RazorpayWebhookEventName =
  | "payment.authorized"
  | "payment.captured"
  | "payment.failed"
  | "order.paid"
  | "refund.processed";

export interface RazorpayWebhookEvent {
  entity: "event";
  account_id: string;
  event: RazorpayWebhookEventName;
  contains: Array<"payment" | "order" | "refund">;
  payload: {
    payment?: { entity: RazorpayPayment };
    order?: { entity: RazorpayOrder };
    refund?: { entity: RazorpayRefund };
  };
  created_at: number;
}

export type RazorpayWebhook = WebhookRequest<RazorpayWebhookEvent>;

/** What Razorpay Checkout passes to the page's `handler` after a successful payment. */
export interface RazorpayCheckoutSuccess {
  razorpay_order_id: string;
  razorpay_payment_id: string;
  razorpay_signature: string;
}

/** What Checkout passes to `payment.failed` listeners. */
export interface RazorpayCheckoutFailure {
  error: Omit<RazorpayErrorBody["error"], "metadata" | "field"> & {
    metadata: { order_id: string; payment_id: string };
  };
}

export function razorpayError(
  description: string,
  options: { code?: string; field?: string; source?: string; step?: string; reason?: string } = {},
): RazorpayErrorBody {
  return {
    error: {
      code: options.code ?? "BAD_REQUEST_ERROR",
      description,
      source: options.source ?? "business",
      step: options.step ?? "payment_initiation",
      reason: options.reason ?? "input_validation_failed",
      metadata: {},
      ...(options.field === undefined ? {} : { field: options.field }),
    },
  };
}

/** Razorpay serialises empty notes as `[]`. */
export function razorpayNotes(notes: Record<string, string | number>): RazorpayNotes {
  return Object.keys(notes).length === 0 ? [] : { ...notes };
}
