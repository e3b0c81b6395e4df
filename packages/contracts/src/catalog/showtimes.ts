import { z } from "zod";
import {
  CurrencySchema,
  IdSchema,
  InstantSchema,
  LocalDateSchema,
  lineOfText,
  MinorUnitsSchema,
  OkSchema,
  PagingInputSchema,
  pageOf,
} from "../common.ts";
import { contract } from "../meta.ts";
import { SeatMapSchema, SeatTypeSchema } from "./layout.ts";

export const ShowtimeFormatSchema = z.enum(["2D", "3D", "IMAX", "4DX"]);
export const ShowtimeStatusSchema = z.enum(["scheduled", "on_sale", "cancelled", "completed"]);
export type ShowtimeStatus = z.infer<typeof ShowtimeStatusSchema>;

/** Stored with the showtime now; the pricing use cases apply them to the price a hold locks in. */
export const PricingRuleSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("occupancy"),
      minOccupancyPercent: z.number().min(0).max(100),
      multiplier: z.number().min(0.1).max(5),
    }),
    z.strictObject({
      kind: z.literal("time_to_show"),
      withinHours: z
        .number()
        .gt(0)
        .max(24 * 30),
      multiplier: z.number().min(0.1).max(5),
    }),
    z.strictObject({
      kind: z.literal("day_of_week"),
      days: z.array(z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])).min(1),
      multiplier: z.number().min(0.1).max(5),
    }),
  ])
  .meta({ id: "PricingRule" });
export type PricingRule = z.infer<typeof PricingRuleSchema>;

const SeatTypePricesSchema = z.partialRecord(SeatTypeSchema, MinorUnitsSchema);

export const ShowtimeSchema = z
  .object({
    id: IdSchema,
    movieId: IdSchema,
    theaterId: IdSchema,
    screenId: IdSchema,
    startAt: z.iso.datetime(),
    endAt: z.iso.datetime(),
    salesCloseAt: z.iso.datetime(),
    language: z.string(),
    format: ShowtimeFormatSchema,
    basePrice: z.number().int().min(0).meta({ description: "Minor units (paise) for a standard seat" }),
    currency: z.string(),
    seatTypePrices: SeatTypePricesSchema,
    pricingRules: z.array(PricingRuleSchema),
    status: ShowtimeStatusSchema,
    noOrphanSeats: z
      .boolean()
      .meta({ description: "Holds may not leave a single empty seat between taken ones" }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "Showtime" });
export type Showtime = z.infer<typeof ShowtimeSchema>;

export const ShowtimeListItemSchema = ShowtimeSchema.extend({
  movieTitle: z.string(),
  theaterName: z.string(),
  screenName: z.string(),
}).meta({ id: "ShowtimeListItem" });

export const listShowtimes = contract({
  meta: {
    errors: [],
    openapi: {
      method: "GET",
      path: "/showtimes",
      summary: "Showtimes by movie, theater and local day",
      description: "`date` is the theater's own local day. Ordered by start time, then id.",
      tags: ["catalog"],
      protect: false,
    },
  },
  input: z
    .strictObject({
      movieId: IdSchema.optional(),
      theaterId: IdSchema.optional(),
      date: LocalDateSchema.optional(),
      ...PagingInputSchema,
    })
    .default({ limit: 20, offset: 0 }),
  output: pageOf(ShowtimeListItemSchema),
});

export const getShowtime = contract({
  meta: {
    errors: ["NOT_FOUND"],
    openapi: {
      method: "GET",
      path: "/showtimes/{id}",
      summary: "A showtime with its screen's seat map and the price of each seat type",
      tags: ["catalog"],
      protect: false,
    },
  },
  input: z.strictObject({ id: IdSchema }),
  output: ShowtimeSchema.extend({
    movie: z.object({
      id: IdSchema,
      title: z.string(),
      runtimeMinutes: z.number().int(),
      rating: z.string().nullable(),
    }),
    theater: z.object({ id: IdSchema, name: z.string(), timeZone: z.string() }),
    screen: z.object({ id: IdSchema, name: z.string(), seatMap: SeatMapSchema }),
    prices: SeatTypePricesSchema.meta({ description: "Minor units per seat type present on this screen" }),
  }).meta({ id: "ShowtimeDetail" }),
});

const showtimeFields = {
  movieId: IdSchema,
  theaterId: IdSchema,
  screenId: IdSchema,
  startAt: InstantSchema,
  endAt: InstantSchema,
  salesCloseAt: InstantSchema,
  language: lineOfText(40),
  format: ShowtimeFormatSchema,
  basePrice: MinorUnitsSchema,
  currency: CurrencySchema,
  seatTypePrices: SeatTypePricesSchema,
  pricingRules: z.array(PricingRuleSchema).max(20),
  status: ShowtimeStatusSchema,
  noOrphanSeats: z.boolean(),
};

export const ShowtimeInputSchema = z.strictObject({
  ...showtimeFields,
  endAt: showtimeFields.endAt
    .optional()
    .meta({ description: "Default: start + runtime + 20 minutes cleaning" }),
  salesCloseAt: showtimeFields.salesCloseAt
    .optional()
    .meta({ description: "Default: 15 minutes after start" }),
  currency: showtimeFields.currency.default("INR"),
  seatTypePrices: showtimeFields.seatTypePrices.default({}),
  pricingRules: showtimeFields.pricingRules.default([]),
  status: z.enum(["scheduled", "on_sale"]).default("on_sale"),
  noOrphanSeats: showtimeFields.noOrphanSeats.default(false),
});
export type ShowtimeInput = z.infer<typeof ShowtimeInputSchema>;

export const createShowtime = contract({
  meta: {
    errors: ["FORBIDDEN", "NOT_FOUND", "CONFLICT", "SHOWTIME_OVERLAP"],
    openapi: {
      method: "POST",
      path: "/admin/showtimes",
      summary: "Schedule a showtime (admin)",
      description:
        "Refused with 409 SHOWTIME_OVERLAP, naming the showtime in the way, if the screen is busy.",
      tags: ["admin"],
      protect: true,
    },
    successStatus: 201,
  },
  input: ShowtimeInputSchema,
  output: ShowtimeSchema,
});

const { movieId: _m, theaterId: _t, screenId: _s, ...patchable } = showtimeFields;
export const ShowtimePatchSchema = z.strictObject(patchable).partial().extend({ id: IdSchema });
export type ShowtimePatch = z.infer<typeof ShowtimePatchSchema>;

export const updateShowtime = contract({
  meta: {
    errors: ["FORBIDDEN", "NOT_FOUND", "CONFLICT", "SHOWTIME_OVERLAP", "SEATS_IN_USE"],
    openapi: {
      method: "PATCH",
      path: "/admin/showtimes/{id}",
      summary: "Reschedule, reprice or cancel a showtime (admin)",
      tags: ["admin"],
      protect: true,
    },
  },
  input: ShowtimePatchSchema,
  output: ShowtimeSchema,
});

export const deleteShowtime = contract({
  meta: {
    errors: ["FORBIDDEN", "NOT_FOUND", "SEATS_IN_USE", "HAS_DEPENDENTS"],
    openapi: {
      method: "DELETE",
      path: "/admin/showtimes/{id}",
      summary: "Delete a showtime nobody holds or bought seats of (admin)",
      description: "Once seats are held or sold it cannot be deleted (409): cancel it instead.",
      tags: ["admin"],
      protect: true,
    },
  },
  input: z.strictObject({ id: IdSchema }),
  output: OkSchema,
});
