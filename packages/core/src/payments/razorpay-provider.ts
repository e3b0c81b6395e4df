import type { RazorpayConfig } from "../config/env.ts";
import { AppError } from "../shared/errors.ts";
import type { PaymentProvider, ProviderPayment } from "./provider.ts";
import { providerError } from "./provider-error.ts";
import { razorpayPaymentStatus, readRazorpayEvent } from "./razorpay-events.ts";
import { createRazorpaySdk, isRazorpayApiError } from "./sdk.ts";
import { verifyRazorpayCheckoutSignature, verifyRazorpayWebhookSignature } from "./signatures.ts";

/** The SDK rejects with `{ statusCode, error }`; to our callers a provider failure is a 502 to retry. */
function razorpayError(err: unknown, what: string): AppError {
  const text = isRazorpayApiError(err)
    ? `${err.statusCode} ${err.error.code}: ${err.error.description}`
    : String(err);
  return providerError("Razorpay", what, text);
}

interface RazorpayPaymentEntity {
  id: string;
  order_id?: string | null;
  amount: number | string;
  currency: string;
  status: string;
}

/**
 * Razorpay through its official SDK: orders for the hold's amount (receipt = hold id), Checkout's
 * signature checked before the payment is fetched from Razorpay itself (the amount always comes from
 * there, never from the client), authorized payments captured, refunds carrying our refund id in notes.
 */
export function razorpayProvider(config: RazorpayConfig): PaymentProvider {
  const sdk = createRazorpaySdk({
    keyId: config.keyId,
    keySecret: config.keySecret,
    ...(config.apiBaseUrl ? { baseUrl: config.apiBaseUrl } : {}),
  });

  const toPayment = (entity: RazorpayPaymentEntity, orderId: string): ProviderPayment => ({
    providerOrderId: entity.order_id ?? orderId,
    providerPaymentId: entity.id,
    amount: Number(entity.amount),
    currency: entity.currency.toUpperCase(),
    status: razorpayPaymentStatus(entity.status),
  });

  return {
    name: "razorpay",
    flow: "order",
    async createOrder(input) {
      try {
        const order = await sdk.orders.create({
          amount: input.amount,
          currency: input.currency,
          receipt: input.holdId,
          notes: { holdId: input.holdId, orderId: input.orderId },
        });
        return { providerOrderId: order.id, checkout: { keyId: config.keyId } };
      } catch (err) {
        throw razorpayError(err, "create the order");
      }
    },
    async verifyClientPayment(input) {
      if (input.kind !== "checkout") {
        throw new AppError(
          "INVALID_SIGNATURE",
          "Razorpay payments are confirmed with orderId, paymentId and signature",
        );
      }
      if (
        !verifyRazorpayCheckoutSignature(input.orderId, input.paymentId, input.signature, config.keySecret)
      ) {
        throw new AppError("INVALID_SIGNATURE", "The payment signature does not match this order");
      }
      let entity: RazorpayPaymentEntity;
      try {
        entity = (await sdk.payments.fetch(input.paymentId)) as unknown as RazorpayPaymentEntity;
        if (entity.status === "authorized") {
          // Automatic capture is off in this account: capture what was authorized, as Checkout expects.
          // A confirmation racing this one may capture it first: then Razorpay refuses, and a second
          // look finds it captured.
          const authorized = entity;
          entity = await sdk.payments
            .capture(input.paymentId, Number(authorized.amount), authorized.currency)
            .then((captured) => captured as unknown as RazorpayPaymentEntity)
            .catch(async (err: unknown) => {
              const again = (await sdk.payments.fetch(input.paymentId)) as unknown as RazorpayPaymentEntity;
              if (again.status !== "captured") {
                throw err;
              }
              return again;
            });
        }
      } catch (err) {
        throw razorpayError(err, "confirm the payment");
      }
      return toPayment(entity, input.orderId);
    },
    parseWebhook(rawBody, headers) {
      if (
        !verifyRazorpayWebhookSignature(rawBody, headers.get("x-razorpay-signature"), config.webhookSecret)
      ) {
        throw new AppError("INVALID_SIGNATURE", "The webhook signature does not match");
      }
      return readRazorpayEvent(rawBody);
    },
    async refund(input) {
      try {
        if (input.attempt > 1) {
          // An earlier attempt may have reached Razorpay: find it by the refund id we put in its notes.
          const earlier = (await sdk.payments.fetchMultipleRefund(input.providerPaymentId, {
            count: 100,
          })) as unknown as {
            items: Array<{ id: string; status: string; notes?: Record<string, unknown> | unknown[] }>;
          };
          const found = earlier.items.find(
            (r) => r.notes && !Array.isArray(r.notes) && r.notes.refund_id === input.refundId,
          );
          if (found) {
            return {
              providerRefundId: found.id,
              status: found.status === "processed" ? "processed" : "submitted",
            };
          }
        }
        const refund = (await sdk.payments.refund(input.providerPaymentId, {
          amount: input.amount,
          notes: { refund_id: input.refundId },
        })) as unknown as { id: string; status: string };
        return {
          providerRefundId: refund.id,
          status: refund.status === "processed" ? "processed" : "submitted",
        };
      } catch (err) {
        throw razorpayError(err, "refund the payment");
      }
    },
  };
}
