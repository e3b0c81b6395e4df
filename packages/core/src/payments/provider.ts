import type { PaymentProviderName } from "@boxoffice/db";

export type { PaymentProviderName };

/** What the client needs to open the provider's checkout for an order. */
export interface ProviderOrder {
  providerOrderId: string;
  checkout: Record<string, string>;
}

/** A payment as the provider itself reports it: the only facts a booking is ever made from. */
export interface ProviderPayment {
  providerOrderId: string;
  providerPaymentId: string;
  /** Minor units the provider says it collected. */
  amount: number;
  currency: string;
  status: "succeeded" | "failed" | "pending";
}

export interface ProviderRefundEvent {
  providerPaymentId: string;
  providerRefundId: string;
  amount: number;
  status: "processed" | "failed";
  /** Our refund id, when the provider echoes it back (notes or metadata). */
  refundId?: string | undefined;
}

/**
 * What a provider says about a payment's refunds: one refund settled (Razorpay `refund.*`, Stripe
 * `refund.*`), or only that its refunds changed (Stripe's `charge.refunded`), which is read back from the
 * provider refund by refund, so both kinds of notice count each refund once.
 */
export type RefundNotice =
  | { kind: "refund"; refund: ProviderRefundEvent }
  | { kind: "refunds_changed"; providerPaymentId: string };

/** A verified webhook, reduced to what boxoffice acts on. */
export type WebhookEvent = { eventId: string; type: string } & (
  | { kind: "payment"; payment: ProviderPayment }
  | RefundNotice
  | { kind: "ignored" }
);

/** Checkout's handler fields (Razorpay and dev), or a Stripe PaymentIntent id. */
export type ClientConfirmation =
  | { kind: "checkout"; orderId: string; paymentId: string; signature: string }
  | { kind: "intent"; paymentIntentId: string };

/**
 * One payment provider behind the same use cases. Implementations verify signatures with timing-safe
 * comparisons and throw AppError("INVALID_SIGNATURE") for anything forged; a provider that cannot be
 * reached throws `providerError()` (502 PAYMENT_PROVIDER_ERROR in our words; the provider's text is for
 * the log only).
 */
export interface PaymentProvider {
  readonly name: PaymentProviderName;
  /** `create-order` (Razorpay, dev) or `create-intent` (Stripe). */
  readonly flow: "order" | "intent";
  createOrder(input: {
    orderId: string;
    holdId: string;
    amount: number;
    currency: string;
  }): Promise<ProviderOrder>;
  /** Checks what a client says against the provider: signature first, then the provider's own record. */
  verifyClientPayment(input: ClientConfirmation): Promise<ProviderPayment>;
  parseWebhook(rawBody: string, headers: Headers): WebhookEvent;
  /**
   * Sends a refund. `refundId` is ours and travels with it (notes, metadata): from the second attempt on,
   * the provider is first asked whether an earlier attempt got through, so a retry never refunds twice.
   */
  refund(input: {
    refundId: string;
    providerPaymentId: string;
    amount: number;
    currency: string;
    /** 1 for the first try; more when an earlier attempt may have reached the provider. */
    attempt: number;
  }): Promise<{ providerRefundId: string; status: "processed" | "submitted" }>;
  /** Every refund of a payment as the provider has it (for notices that only give a running total). */
  refundsOf?(providerPaymentId: string): Promise<ProviderRefundEvent[]>;
}

/** The providers this deployment accepts payments and webhooks from; `primary` takes new orders. */
export interface PaymentProviders {
  primary: PaymentProvider;
  get(name: string): PaymentProvider | undefined;
  forFlow(flow: PaymentProvider["flow"]): PaymentProvider | undefined;
}

export function paymentProviders(primary: PaymentProvider, others: PaymentProvider[] = []): PaymentProviders {
  const all = [primary, ...others.filter((p) => p.name !== primary.name)];
  return {
    primary,
    get: (name) => all.find((p) => p.name === name),
    forFlow: (flow) => (primary.flow === flow ? primary : all.find((p) => p.flow === flow)),
  };
}
