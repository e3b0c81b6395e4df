import { z } from "zod";
import { SeatTypeSchema } from "../catalog/layout.ts";
import { IdSchema, OkSchema } from "../common.ts";
import { contract } from "../meta.ts";

/** Hard ceiling of the contract; the configured HOLD_MAX_SEATS (default 10) is checked by the use case. */
export const HOLD_SEATS_CEILING = 50;

const SeatIdSchema = z
  .string()
  .min(1)
  .max(8)
  .regex(/^[A-Z0-9]+$/, { error: "must be a seat id such as A1" });

export const HoldInputSchema = z
  .strictObject({
    showtimeId: IdSchema,
    seatIds: z
      .array(SeatIdSchema)
      .min(1, { error: "must name at least one seat" })
      .max(HOLD_SEATS_CEILING)
      .optional()
      .meta({ description: "The seats to hold; or use `count` for the best available" }),
    count: z.number().int().min(1).max(HOLD_SEATS_CEILING).optional().meta({
      description: "Hold the best `count` adjacent seats in one row instead of naming them",
    }),
    seatType: SeatTypeSchema.optional().meta({ description: "With `count`: only seats of this type" }),
  })
  .superRefine((value, ctx) => {
    if ((value.seatIds === undefined) === (value.count === undefined)) {
      ctx.addIssue({ code: "custom", path: ["seatIds"], message: "give either seatIds or count" });
    }
    if (value.seatType !== undefined && value.count === undefined) {
      ctx.addIssue({ code: "custom", path: ["seatType"], message: "only goes with count" });
    }
    const seen = new Set<string>();
    value.seatIds?.forEach((id, i) => {
      if (seen.has(id)) {
        ctx.addIssue({ code: "custom", path: ["seatIds", i], message: `seat ${id} is listed twice` });
      }
      seen.add(id);
    });
  })
  .meta({ id: "HoldInput" });
export type HoldInput = z.infer<typeof HoldInputSchema>;

export const HoldSchema = z
  .object({
    id: IdSchema,
    showtimeId: IdSchema,
    seatIds: z.array(z.string()),
    seats: z.array(z.object({ seatId: z.string(), type: SeatTypeSchema, price: z.number().int().min(0) })),
    total: z.number().int().min(0).meta({ description: "Minor units, locked for the life of the hold" }),
    currency: z.string(),
    status: z.enum(["active", "released", "expired", "replaced", "converted"]),
    expiresAt: z.iso.datetime(),
    maxExpiresAt: z.iso.datetime().meta({
      description: "No refresh extends the hold past this, nor does holding seats of this showtime again",
    }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "Hold" });
export type Hold = z.infer<typeof HoldSchema>;

export const createHold = contract({
  meta: {
    errors: [
      "NOT_FOUND",
      "SALES_CLOSED",
      "SEATS_TAKEN",
      "SEATS_UNAVAILABLE",
      "ORPHAN_SEAT",
      "NO_SEATS_TOGETHER",
      "HOLD_LIFETIME_EXCEEDED",
      "RATE_LIMITED",
    ],
    openapi: {
      method: "POST",
      path: "/seats/hold",
      summary: "Hold seats for a few minutes while you pay",
      description:
        "All or nothing: if any seat is taken the answer is 409 SEATS_TAKEN with `details.seatIds` and nothing " +
        "is held. A new hold on the same showtime replaces your previous one. Your holds on one showtime share " +
        "one maximum life while each starts within HOLD_TTL_SECONDS of the last one ending: a new hold keeps " +
        "the `maxExpiresAt` of the first, and once that has passed the answer is 409 HOLD_LIFETIME_EXCEEDED " +
        "with `details.retryAt`, HOLD_TTL_SECONDS after your last hold ended (a purchase starts afresh). Send " +
        "`Idempotency-Key` to make retries safe.",
      tags: ["seats"],
      protect: true,
    },
    successStatus: 201,
    idempotent: true,
  },
  input: HoldInputSchema,
  output: HoldSchema,
});

const HoldIdInputSchema = z.strictObject({ holdId: IdSchema });

export const refreshHold = contract({
  meta: {
    errors: ["NOT_FOUND", "HOLD_MAX_LIFETIME", "HOLD_EXPIRED", "GONE"],
    openapi: {
      method: "PATCH",
      path: "/seats/hold/{holdId}/refresh",
      summary: "Extend your hold (never past its maximum life)",
      description:
        "Extends to now + HOLD_TTL_SECONDS, capped at maxExpiresAt (which holding again does not move). 409 HOLD_MAX_LIFETIME once the hold is at its cap; 410 HOLD_EXPIRED once it has lapsed.",
      tags: ["seats"],
      protect: true,
    },
  },
  input: HoldIdInputSchema,
  output: HoldSchema,
});

export const releaseHold = contract({
  meta: {
    errors: ["NOT_FOUND"],
    openapi: {
      method: "DELETE",
      path: "/seats/hold/{holdId}",
      summary: "Let go of your hold; its seats are free at once. Releasing twice is fine.",
      tags: ["seats"],
      protect: true,
    },
  },
  input: HoldIdInputSchema,
  output: OkSchema.extend({ released: z.boolean().meta({ description: "false if it had already ended" }) }),
});

export const SeatStatusSchema = z.enum(["available", "held", "booked", "blocked"]);
export type SeatStatus = z.infer<typeof SeatStatusSchema>;

export const AvailabilitySchema = z
  .object({
    showtimeId: IdSchema,
    version: z.number().int().meta({ description: "Grows with every change to this showtime's seats" }),
    seats: z.array(
      z.object({
        id: z.string(),
        type: SeatTypeSchema,
        status: SeatStatusSchema,
        mine: z.boolean().optional().meta({ description: "Present and true when your hold has it" }),
      }),
    ),
  })
  .meta({ id: "Availability" });
export type Availability = z.infer<typeof AvailabilitySchema>;

export const getAvailability = contract({
  meta: {
    errors: ["NOT_FOUND"],
    openapi: {
      method: "GET",
      path: "/seats/availability",
      summary: "Every seat of a showtime with its status",
      description: "Signed-in callers also see which held seats are theirs (`mine`).",
      tags: ["seats"],
      protect: false,
    },
    optionalAuth: true,
  },
  input: z.strictObject({ showtimeId: IdSchema }),
  output: AvailabilitySchema,
});

export const SeatUpdateEventSchema = z
  .object({
    showtimeId: IdSchema,
    version: z.number().int(),
    seats: z.array(z.object({ seatId: z.string(), status: SeatStatusSchema })),
    resync: z.boolean().optional().meta({ description: "Updates were missed: fetch availability again" }),
  })
  .meta({ id: "SeatUpdateEvent" });
export type SeatUpdateEvent = z.infer<typeof SeatUpdateEventSchema>;

export const SeatUpdatesInputSchema = z.strictObject({
  showtimeId: IdSchema,
  lastEventId: z.string().max(40).nullish(),
});
