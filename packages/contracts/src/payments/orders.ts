import { z } from "zod";
import { IdSchema } from "../common.ts";
import { contract } from "../meta.ts";

export const PaymentProviderSchema = z.enum(["razorpay", "stripe", "dev"]);
export type PaymentProviderName = z.infer<typeof PaymentProviderSchema>;

const HoldRefSchema = z.strictObject({ holdId: IdSchema });

/** A provider's order or payment id as it hands them out (order_…, pay_…, pi_…, dev_…). */
export const ProviderIdSchema = z
  .string()
  .min(3)
  .max(100)
  .regex(/^[A-Za-z0-9_.-]+$/, { error: "must be an id such as order_Nf0A1b2C3d4E5f" });

export const PaymentOrderSchema = z
  .object({
    orderId: z.string().meta({ description: "The provider's order id: pass it to its checkout" }),
    provider: PaymentProviderSchema,
    holdId: IdSchema,
    amount: z.number().int().min(0).meta({ description: "Minor units (paise), the hold's locked total" }),
    currency: z.string(),
    holdExpiresAt: z.iso.datetime().meta({ description: "Pay before this, or the seats may be gone" }),
    keyId: z.string().optional().meta({ description: "Razorpay: the key id Checkout opens with" }),
    payUrl: z.string().optional().meta({ description: "Dev provider: open this page and press Pay" }),
  })
  .meta({ id: "PaymentOrder" });
export type PaymentOrder = z.infer<typeof PaymentOrderSchema>;

/** Starting a payment, either way: the hold must be yours and live, and the provider must answer. */
const START_PAYMENT_ERRORS = [
  "NOT_FOUND",
  "PAYMENT_METHOD_DISABLED",
  "HOLD_EXPIRED",
  "GONE",
  "RATE_LIMITED",
  "PAYMENT_PROVIDER_ERROR",
] as const;

export const createOrder = contract({
  meta: {
    errors: START_PAYMENT_ERRORS,
    openapi: {
      method: "POST",
      path: "/payments/create-order",
      summary: "Start paying for a hold (Razorpay, or the dev provider)",
      description:
        "Creates the provider's order for the hold's locked amount, with the hold id as receipt. Asking again for " +
        "the same hold answers the same order. An expired or released hold is 410.",
      tags: ["payments"],
      protect: true,
    },
    successStatus: 201,
  },
  input: HoldRefSchema,
  output: PaymentOrderSchema,
});

export const PaymentIntentSchema = z
  .object({
    paymentIntentId: z.string(),
    clientSecret: z.string().meta({ description: "Give it to Stripe.js to collect the card" }),
    holdId: IdSchema,
    amount: z.number().int().min(0),
    currency: z.string(),
    holdExpiresAt: z.iso.datetime(),
  })
  .meta({ id: "PaymentIntent" });

export const createIntent = contract({
  meta: {
    errors: START_PAYMENT_ERRORS,
    openapi: {
      method: "POST",
      path: "/payments/create-intent",
      summary: "Start paying for a hold with Stripe",
      description: "A PaymentIntent for the hold's locked amount; asking again answers the same one.",
      tags: ["payments"],
      protect: true,
    },
    successStatus: 201,
  },
  input: HoldRefSchema,
  output: PaymentIntentSchema,
});

export const OrderStatusSchema = z
  .object({
    orderId: z.string(),
    provider: PaymentProviderSchema,
    status: z.enum(["created", "paid", "refunded", "failed"]).meta({
      description:
        "created: not paid yet; paid: booked (see bookingId); refunded: paid, but the seats could not be " +
        "booked and the money is going back; failed: the last payment attempt failed",
    }),
    amount: z.number().int().min(0),
    currency: z.string(),
    bookingId: IdSchema.nullable(),
  })
  .meta({ id: "OrderStatus" });
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

export const getOrder = contract({
  meta: {
    errors: ["NOT_FOUND"],
    openapi: {
      method: "GET",
      path: "/payments/orders/{orderId}",
      summary: "Where your payment stands (poll after paying)",
      tags: ["payments"],
      protect: true,
    },
  },
  input: z.strictObject({ orderId: ProviderIdSchema }),
  output: OrderStatusSchema,
});
