import { z } from "zod";
import { SeatTypeSchema } from "../catalog/layout.ts";
import { IdSchema, PagingInputSchema, pageOf } from "../common.ts";
import { contract } from "../meta.ts";
import { ProviderIdSchema } from "../payments/orders.ts";

export const BookingStatusSchema = z.enum(["confirmed", "cancelled", "refunded"]);
export type BookingStatus = z.infer<typeof BookingStatusSchema>;

export const RefundSchema = z
  .object({
    amount: z.number().int().min(0).meta({ description: "Minor units going back" }),
    currency: z.string(),
    status: z.enum(["pending", "submitted", "processed", "failed"]).meta({
      description: "pending or submitted: on its way; processed: the provider has paid it back",
    }),
    reason: z.string(),
  })
  .meta({ id: "Refund" });

export const BookingSchema = z
  .object({
    id: IdSchema,
    reference: z.string().meta({ description: "Short reference such as BO-7K3P9Q" }),
    status: BookingStatusSchema,
    showtimeId: IdSchema,
    seatIds: z.array(z.string()),
    seats: z.array(z.object({ seatId: z.string(), type: SeatTypeSchema, price: z.number().int().min(0) })),
    amount: z.number().int().min(0).meta({ description: "Minor units paid" }),
    currency: z.string(),
    showtime: z.object({
      startAt: z.iso.datetime(),
      endAt: z.iso.datetime(),
      movie: z.object({ id: IdSchema, title: z.string() }),
      theater: z.object({ id: IdSchema, name: z.string(), timeZone: z.string() }),
      screen: z.object({ id: IdSchema, name: z.string() }),
    }),
    createdAt: z.iso.datetime(),
    cancelledAt: z.iso.datetime().nullable(),
    refund: RefundSchema.nullable(),
    ticketUrl: z.url().meta({
      description:
        "The ticket PDF, openable with no token for 15 minutes (for a link in a page or an email); ask for the booking again for a fresh one",
    }),
    qr: z
      .object({
        payload: z.string().meta({ description: "Signed; what the door scanner reads" }),
        png: z.string().meta({ description: "data:image/png;base64,…" }),
        svg: z.string(),
      })
      .optional()
      .meta({ description: "Only on GET /bookings/{id}" }),
  })
  .meta({ id: "Booking" });
export type Booking = z.infer<typeof BookingSchema>;

const RazorpaySignatureSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/i, { error: "must be the 64 hex digits Checkout returned" });

/** Checkout's handler fields (Razorpay, dev) or a PaymentIntent id (Stripe): one set, not both. */
export const ConfirmBookingInputSchema = z
  .strictObject({
    orderId: ProviderIdSchema.optional().meta({ description: "razorpay_order_id from Checkout's handler" }),
    paymentId: ProviderIdSchema.optional().meta({ description: "razorpay_payment_id" }),
    signature: RazorpaySignatureSchema.optional().meta({ description: "razorpay_signature" }),
    paymentIntentId: ProviderIdSchema.optional().meta({ description: "Stripe: the PaymentIntent's id" }),
  })
  .superRefine((value, ctx) => {
    const checkout = ["orderId", "paymentId", "signature"] as const;
    if (value.paymentIntentId !== undefined) {
      for (const key of checkout) {
        if (value[key] !== undefined) {
          ctx.addIssue({ code: "custom", path: [key], message: "does not go with paymentIntentId" });
        }
      }
      return;
    }
    for (const key of checkout) {
      if (value[key] === undefined) {
        ctx.addIssue({ code: "custom", path: [key], message: "is required (or send paymentIntentId)" });
      }
    }
  })
  .meta({ id: "ConfirmBookingInput" });
export type ConfirmBookingInput = z.infer<typeof ConfirmBookingInputSchema>;

export const confirmBooking = contract({
  meta: {
    errors: [
      "NOT_FOUND",
      "INVALID_SIGNATURE",
      "PAYMENT_FAILED",
      "PAYMENT_PENDING",
      "PAYMENT_REFUNDED",
      "PAYMENT_PROVIDER_ERROR",
    ],
    openapi: {
      method: "POST",
      path: "/bookings/confirm",
      summary: "Confirm a payment and get the booking",
      description:
        "Send Checkout's handler fields (Razorpay or the dev provider) or the PaymentIntent id (Stripe). The " +
        "payment is verified with the provider; the webhook may have booked it already, and either way there " +
        "is one booking. A payment whose seats were lost meanwhile is refunded: 409 PAYMENT_REFUNDED.",
      tags: ["bookings"],
      protect: true,
    },
  },
  input: ConfirmBookingInputSchema,
  output: BookingSchema,
});

export const listMyBookings = contract({
  meta: {
    errors: [],
    openapi: {
      method: "GET",
      path: "/bookings/my",
      summary: "Your bookings: upcoming first by show time, or past, newest first",
      tags: ["bookings"],
      protect: true,
    },
  },
  input: z
    .strictObject({
      when: z.enum(["upcoming", "past"]).default("upcoming").meta({
        description: "upcoming: shows not yet over; past: shows that are over",
      }),
      ...PagingInputSchema,
    })
    .default({ when: "upcoming", limit: 20, offset: 0 }),
  output: pageOf(BookingSchema),
});

const BookingIdSchema = z.strictObject({ id: IdSchema });

export const getBooking = contract({
  meta: {
    errors: ["NOT_FOUND"],
    openapi: {
      method: "GET",
      path: "/bookings/{id}",
      summary: "One booking with its QR ticket (yours, or any for staff and admins)",
      tags: ["bookings"],
      protect: true,
    },
  },
  input: BookingIdSchema,
  output: BookingSchema,
});

export const CancellationQuoteSchema = z
  .object({
    bookingId: IdSchema,
    cancellable: z.boolean(),
    refundPercent: z.number().int(),
    refundAmount: z.number().int().min(0).meta({ description: "Minor units you would get back now" }),
    currency: z.string(),
    policy: z.object({
      tiers: z.array(z.object({ minHoursBefore: z.number(), refundPercent: z.number().int() })),
    }),
    showStartsAt: z.iso.datetime(),
  })
  .meta({ id: "CancellationQuote" });

export const getCancellationQuote = contract({
  meta: {
    errors: ["NOT_FOUND"],
    openapi: {
      method: "GET",
      path: "/bookings/{id}/cancellation",
      summary: "What cancelling now would refund, under the policy bought with the booking",
      tags: ["bookings"],
      protect: true,
    },
  },
  input: BookingIdSchema,
  output: CancellationQuoteSchema,
});

export const cancelBooking = contract({
  meta: {
    errors: ["NOT_FOUND", "FORBIDDEN", "CANCELLATION_CLOSED"],
    openapi: {
      method: "POST",
      path: "/bookings/{id}/cancel",
      summary: "Cancel a booking and get the policy's refund",
      description:
        "Frees the seats at once and refunds through the provider what the cancellation policy bought with the " +
        "booking allows. Cancelling again answers the same booking. After the show has started: 409.",
      tags: ["bookings"],
      protect: true,
    },
  },
  input: BookingIdSchema,
  output: BookingSchema,
});
