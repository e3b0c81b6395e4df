import { z } from "zod";
import {
  EmailSchema,
  IdSchema,
  lineOfText,
  OkSchema,
  PagingInputSchema,
  PhoneSchema,
  pageOf,
  QueryBooleanSchema,
  TimeZoneSchema,
} from "../common.ts";
import { contract } from "../meta.ts";

const text = lineOfText;

export const AddressSchema = z
  .strictObject({
    line1: text(200),
    line2: text(200).optional(),
    city: text(100),
    region: text(100).optional(),
    postalCode: text(20).optional(),
    country: z.string().regex(/^[A-Z]{2}$/, { error: "must be an ISO 3166 country code such as IN" }),
  })
  .meta({ id: "Address" });

export const LocationSchema = z
  .strictObject({
    lat: z
      .number()
      .min(-90, { error: "must be between -90 and 90" })
      .max(90, { error: "must be between -90 and 90" }),
    lng: z
      .number()
      .min(-180, { error: "must be between -180 and 180" })
      .max(180, { error: "must be between -180 and 180" }),
  })
  .meta({ id: "Location" });

export const CancellationPolicySchema = z
  .strictObject({
    tiers: z
      .array(
        z.strictObject({
          minHoursBefore: z
            .number()
            .min(0)
            .max(24 * 30),
          refundPercent: z.number().int().min(0).max(100),
        }),
      )
      .max(10)
      .refine(
        (tiers) => tiers.every((t, i) => i === 0 || (tiers[i - 1]?.minHoursBefore ?? 0) > t.minHoursBefore),
        {
          error: "tiers must be ordered from the most hours before the show to the fewest",
        },
      ),
  })
  .meta({
    id: "CancellationPolicy",
    description:
      "Cancelling at least minHoursBefore the show refunds refundPercent; later than every tier refunds nothing",
  });
export type CancellationPolicyInput = z.infer<typeof CancellationPolicySchema>;

export const DEFAULT_CANCELLATION_POLICY: CancellationPolicyInput = {
  tiers: [
    { minHoursBefore: 24, refundPercent: 100 },
    { minHoursBefore: 2, refundPercent: 75 },
  ],
};

export const TheaterSchema = z
  .object({
    id: IdSchema,
    name: z.string(),
    address: AddressSchema,
    location: LocationSchema,
    contact: z.object({ phone: z.string().optional(), email: z.string().optional() }),
    timeZone: z.string(),
    cancellationPolicy: CancellationPolicySchema,
    archived: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "Theater" });
export type Theater = z.infer<typeof TheaterSchema>;

export const ScreenSummarySchema = z.object({ id: IdSchema, name: z.string(), seatCount: z.number().int() });

export const TheaterListItemSchema = TheaterSchema.extend({
  distanceKm: z.number().optional().meta({ description: "Present when `near` was given" }),
}).meta({ id: "TheaterListItem" });

/** `near=lat,lng`, on both transports: query parameters are plain strings. */
const NearSchema = z
  .string()
  .regex(/^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*$/, { error: "must be lat,lng such as 19.07,72.87" })
  .transform((value) => {
    const [lat, lng] = value.split(",").map(Number) as [number, number];
    return { lat, lng };
  })
  .pipe(LocationSchema);

export const listTheaters = contract({
  meta: {
    errors: [],
    openapi: {
      method: "GET",
      path: "/theaters",
      summary: "Theaters, nearest first when `near` is given",
      tags: ["catalog"],
      protect: false,
    },
  },
  input: z
    .strictObject({
      near: NearSchema.optional(),
      radiusKm: z.coerce.number().gt(0).max(1000).default(50),
      city: lineOfText(100).optional(),
      ...PagingInputSchema,
    })
    .default({ radiusKm: 50, limit: 20, offset: 0 }),
  output: pageOf(TheaterListItemSchema),
});

export const getTheater = contract({
  meta: {
    errors: ["NOT_FOUND"],
    openapi: {
      method: "GET",
      path: "/theaters/{id}",
      summary: "A theater and its screens",
      tags: ["catalog"],
      protect: false,
    },
  },
  input: z.strictObject({ id: IdSchema }),
  output: TheaterSchema.extend({ screens: z.array(ScreenSummarySchema) }).meta({ id: "TheaterDetail" }),
});

export const TheaterInputSchema = z.strictObject({
  name: text(120),
  address: AddressSchema,
  location: LocationSchema,
  contact: z.strictObject({ phone: PhoneSchema.optional(), email: EmailSchema.optional() }).default({}),
  timeZone: TimeZoneSchema,
  cancellationPolicy: CancellationPolicySchema.default(DEFAULT_CANCELLATION_POLICY),
});
export type TheaterInput = z.infer<typeof TheaterInputSchema>;

export const createTheater = contract({
  meta: {
    errors: ["FORBIDDEN"],
    openapi: {
      method: "POST",
      path: "/admin/theaters",
      summary: "Create a theater (admin)",
      tags: ["admin"],
      protect: true,
    },
    successStatus: 201,
  },
  input: TheaterInputSchema,
  output: TheaterSchema,
});

export const TheaterPatchSchema = z.strictObject({
  id: IdSchema,
  name: text(120).optional(),
  address: AddressSchema.optional(),
  location: LocationSchema.optional(),
  contact: z.strictObject({ phone: PhoneSchema.optional(), email: EmailSchema.optional() }).optional(),
  timeZone: TimeZoneSchema.optional(),
  cancellationPolicy: CancellationPolicySchema.optional(),
});
export type TheaterPatch = z.infer<typeof TheaterPatchSchema>;

export const updateTheater = contract({
  meta: {
    errors: ["FORBIDDEN", "NOT_FOUND"],
    openapi: {
      method: "PATCH",
      path: "/admin/theaters/{id}",
      summary: "Change a theater (admin)",
      tags: ["admin"],
      protect: true,
    },
  },
  input: TheaterPatchSchema,
  output: TheaterSchema,
});

export const deleteTheater = contract({
  meta: {
    errors: ["FORBIDDEN", "NOT_FOUND", "HAS_DEPENDENTS"],
    openapi: {
      method: "DELETE",
      path: "/admin/theaters/{id}",
      summary: "Delete a theater, or archive one that has screens (admin)",
      description:
        "A theater with screens is refused (409) unless `archive=true`, which hides it from listings instead.",
      tags: ["admin"],
      protect: true,
    },
  },
  input: z.strictObject({ id: IdSchema, archive: QueryBooleanSchema.optional() }),
  output: OkSchema.extend({ archived: z.boolean() }),
});
