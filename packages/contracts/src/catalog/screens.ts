import { z } from "zod";
import { IdSchema, lineOfText, OkSchema } from "../common.ts";
import { contract } from "../meta.ts";
import { ScreenLayoutSchema, SeatMapSchema } from "./layout.ts";

const NameSchema = lineOfText(60);

export const ScreenSchema = z
  .object({
    id: IdSchema,
    theaterId: IdSchema,
    name: z.string(),
    seatCount: z.number().int(),
    layout: ScreenLayoutSchema,
    seatMap: SeatMapSchema,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "Screen" });
export type Screen = z.infer<typeof ScreenSchema>;

export const ScreenInputSchema = z.strictObject({
  theaterId: IdSchema,
  name: NameSchema,
  layout: ScreenLayoutSchema,
});
export type ScreenInput = z.infer<typeof ScreenInputSchema>;

export const createScreen = contract({
  meta: {
    errors: ["FORBIDDEN", "NOT_FOUND", "CONFLICT"],
    openapi: {
      method: "POST",
      path: "/admin/screens",
      summary: "Add a screen with its seat layout to a theater (admin)",
      tags: ["admin"],
      protect: true,
    },
    successStatus: 201,
  },
  input: ScreenInputSchema,
  output: ScreenSchema,
});

export const ScreenPatchSchema = z.strictObject({
  id: IdSchema,
  name: NameSchema.optional(),
  layout: ScreenLayoutSchema.optional(),
});
export type ScreenPatch = z.infer<typeof ScreenPatchSchema>;

export const updateScreen = contract({
  meta: {
    errors: ["FORBIDDEN", "NOT_FOUND", "CONFLICT", "SEATS_IN_USE"],
    openapi: {
      method: "PATCH",
      path: "/admin/screens/{id}",
      summary: "Rename a screen or change its layout (admin)",
      description:
        "The layout cannot change once seats of any of the screen's showtimes are held or sold (409).",
      tags: ["admin"],
      protect: true,
    },
  },
  input: ScreenPatchSchema,
  output: ScreenSchema,
});

export const deleteScreen = contract({
  meta: {
    errors: ["FORBIDDEN", "NOT_FOUND", "HAS_DEPENDENTS"],
    openapi: {
      method: "DELETE",
      path: "/admin/screens/{id}",
      summary: "Delete a screen that has no showtimes (admin)",
      tags: ["admin"],
      protect: true,
    },
  },
  input: z.strictObject({ id: IdSchema }),
  output: OkSchema,
});
