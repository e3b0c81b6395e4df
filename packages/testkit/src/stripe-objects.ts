import type Stripe from "stripe";
import type { Reply } from "./fake-http.ts";
import { randomBase62 } from "./fake-http.ts";

/**
 * Stripe's objects as the API returns them, built to the SDK's own declared types (`satisfies
 * Stripe.PaymentIntent`...), so that a field the pinned API version has is never missing here and an
 * SDK upgrade that changes the shape fails the typecheck instead of a test in production.
 */

export interface NewPaymentIntent {
  amount: number;
  currency: string;
  metadata: Stripe.Metadata;
  description: string | null;
  receiptEmail: string | null;
  paymentMethodTypes: string[] | undefined;
  captureMethod: Stripe.PaymentIntent.CaptureMethod;
  created: number;
}

export function newPaymentIntent(p: NewPaymentIntent): Stripe.PaymentIntent {
  const id = `pi_${randomBase62(24)}`;
  const automatic = p.paymentMethodTypes === undefined;
  return {
    id,
    object: "payment_intent",
    allowed_payment_method_types: null,
    amount: p.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    // Since API 2023-08-16 automatic payment methods are on unless types are listed.
    automatic_payment_methods: automatic ? { allow_redirects: "always", enabled: true } : null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: p.captureMethod,
    client_secret: `${id}_secret_${randomBase62(25)}`,
    confirmation_method: "automatic",
    created: p.created,
    currency: p.currency,
    customer: null,
    customer_account: null,
    description: p.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: p.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: automatic ? { id: `pmc_${randomBase62(24)}`, parent: null } : null,
    payment_method_options: {
      card: { installments: null, mandate_options: null, network: null, request_three_d_secure: "automatic" },
    },
    payment_method_types: p.paymentMethodTypes ?? ["card"],
    payment_record: null,
    processing: null,
    receipt_email: p.receiptEmail,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: "requires_payment_method",
    transfer_data: null,
    transfer_group: null,
  } satisfies Stripe.PaymentIntent;
}

export function newCharge(
  pi: Stripe.PaymentIntent,
  p: { amount: number; succeeded: boolean; paymentMethod: string; created: number },
): Stripe.Charge {
  const id = `ch_${randomBase62(24)}`;
  return {
    id,
    object: "charge",
    amount: p.amount,
    amount_captured: p.succeeded ? p.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: p.succeeded ? `txn_${randomBase62(24)}` : null,
    billing_details: {
      address: { city: null, country: "IN", line1: null, line2: null, postal_code: null, state: null },
      email: "customer@example.com",
      name: null,
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: "BOXOFFICE",
    captured: p.succeeded,
    created: p.created,
    currency: pi.currency,
    customer: null,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: p.succeeded ? null : "card_declined",
    failure_message: p.succeeded ? null : "Your card was declined.",
    fraud_details: {},
    livemode: false,
    metadata: { ...pi.metadata },
    on_behalf_of: null,
    outcome: p.succeeded
      ? {
          advice_code: null,
          network_advice_code: null,
          network_decline_code: null,
          network_status: "approved_by_network",
          reason: null,
          risk_level: "normal",
          risk_score: 32,
          seller_message: "Payment complete.",
          type: "authorized",
        }
      : {
          advice_code: "try_again_later",
          network_advice_code: null,
          network_decline_code: null,
          network_status: "declined_by_network",
          reason: "generic_decline",
          risk_level: "normal",
          risk_score: 41,
          seller_message: "The bank did not return any further details with this decline.",
          type: "issuer_declined",
        },
    paid: p.succeeded,
    payment_intent: pi.id,
    payment_method: p.paymentMethod,
    payment_method_details: null,
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: p.succeeded ? `https://pay.stripe.com/receipts/payment/${randomBase62(40)}` : null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: p.succeeded ? "succeeded" : "failed",
    transfer_data: null,
    transfer_group: null,
  } satisfies Stripe.Charge;
}

export function newRefund(
  charge: Stripe.Charge,
  p: { amount: number; reason: Stripe.Refund.Reason | null; metadata: Stripe.Metadata; created: number },
): Stripe.Refund {
  return {
    id: `re_${randomBase62(24)}`,
    object: "refund",
    amount: p.amount,
    balance_transaction: `txn_${randomBase62(24)}`,
    charge: charge.id,
    created: p.created,
    currency: charge.currency,
    customer: null,
    customer_account: null,
    metadata: p.metadata,
    payment_intent: typeof charge.payment_intent === "string" ? charge.payment_intent : null,
    payment_method: charge.payment_method,
    reason: p.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: "succeeded",
    transfer_reversal: null,
  } satisfies Stripe.Refund;
}

export interface StripeErrorFields {
  type:
    | "api_error"
    | "card_error"
    | "idempotency_error"
    | "invalid_request_error"
    | "rate_limit_error"
    | "authentication_error";
  code?: string;
  message: string;
  param?: string;
}

/** Stripe's error body: `{ error: { type, code, message, param, doc_url } }`. */
export function stripeError(status: number, fields: StripeErrorFields): Reply {
  return {
    status,
    body: {
      error: {
        ...(fields.code === undefined
          ? {}
          : {
              code: fields.code,
              doc_url: `https://stripe.com/docs/error-codes/${fields.code.replaceAll("_", "-")}`,
            }),
        message: fields.message,
        ...(fields.param === undefined ? {} : { param: fields.param }),
        type: fields.type,
      },
    },
  };
}
