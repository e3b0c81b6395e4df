import { z } from "zod";

export const SEAT_TYPES = ["standard", "premium", "recliner", "wheelchair", "companion", "sofa"] as const;
export const SeatTypeSchema = z.enum(SEAT_TYPES);
export type SeatType = z.infer<typeof SeatTypeSchema>;

export const MAX_SEATS_PER_SCREEN = 1000;

const SeatIdSchema = z.string().regex(/^[A-Z]{1,3}[0-9]{1,3}[A-Z]?$/, { error: "must look like A1 or AA12" });

const LayoutSeatSchema = z.strictObject({
  number: z.number().int().min(1).max(999),
  /** Checked against the known types below, so an unknown one gets a message that names it. */
  type: z.string().optional(),
  id: SeatIdSchema.optional().meta({ description: "Defaults to the row label followed by the number" }),
  pairWith: SeatIdSchema.optional().meta({ description: "For sofa seats: the adjacent seat of the pair" }),
});
const LayoutGapSchema = z.strictObject({
  gap: z.number().int().min(1).max(20).meta({ description: "Empty columns: an aisle or a gap" }),
});

export const LayoutRowSchema = z.strictObject({
  label: z.string().regex(/^[A-Z]{1,3}$/, { error: "must be 1 to 3 capital letters" }),
  seats: z
    .array(z.union([LayoutSeatSchema, LayoutGapSchema]))
    .min(1)
    .max(1200),
});

/**
 * A screen's layout: rows front (nearest the screen) to back, each listing seats and gaps left to right
 * as the audience faces the screen.
 */
export const ScreenLayoutSchema = z
  .strictObject({
    rows: z.array(LayoutRowSchema).min(1).max(100),
    blocked: z.array(SeatIdSchema).max(MAX_SEATS_PER_SCREEN).default([]).meta({
      description: "Seats the theater has taken out of sale",
    }),
  })
  .superRefine((layout, ctx) => {
    const seats = new Map<
      string,
      { row: number; column: number; type: string; pairWith?: string; path: PropertyKey[] }
    >();
    const labels = new Set<string>();
    let count = 0;
    layout.rows.forEach((row, r) => {
      if (labels.has(row.label)) {
        ctx.addIssue({
          code: "custom",
          path: ["rows", r, "label"],
          message: `row label ${row.label} is used twice`,
        });
      }
      labels.add(row.label);
      let column = 0;
      row.seats.forEach((cell, i) => {
        if ("gap" in cell) {
          column += cell.gap;
          return;
        }
        count += 1;
        const id = cell.id ?? `${row.label}${cell.number}`;
        const path = ["rows", r, "seats", i];
        const type = cell.type ?? "standard";
        if (!(SEAT_TYPES as readonly string[]).includes(type)) {
          ctx.addIssue({
            code: "custom",
            path: [...path, "type"],
            message: `unknown seat type "${type}": use one of ${SEAT_TYPES.join(", ")}`,
          });
        }
        if (seats.has(id)) {
          ctx.addIssue({ code: "custom", path, message: `seat id ${id} is used twice` });
        }
        seats.set(id, { row: r, column, type, path, ...(cell.pairWith ? { pairWith: cell.pairWith } : {}) });
        column += 1;
      });
    });
    if (count > MAX_SEATS_PER_SCREEN) {
      ctx.addIssue({
        code: "custom",
        path: ["rows"],
        message: `a screen has at most ${MAX_SEATS_PER_SCREEN} seats; this layout has ${count}`,
      });
      return;
    }
    for (const [id, seat] of seats) {
      if (seat.type !== "sofa") {
        if (seat.pairWith) {
          ctx.addIssue({
            code: "custom",
            path: [...seat.path, "pairWith"],
            message: "only sofa seats are paired",
          });
        }
        continue;
      }
      const partner = seat.pairWith ? seats.get(seat.pairWith) : undefined;
      const adjacent =
        partner &&
        partner.row === seat.row &&
        Math.abs(partner.column - seat.column) === 1 &&
        partner.type === "sofa";
      if (!partner || !adjacent || partner.pairWith !== id) {
        ctx.addIssue({
          code: "custom",
          path: [...seat.path, "pairWith"],
          message: `sofa seat ${id} must name the adjacent sofa seat that names it back`,
        });
      }
    }
    layout.blocked.forEach((id, i) => {
      if (!seats.has(id)) {
        ctx.addIssue({ code: "custom", path: ["blocked", i], message: `seat ${id} is not in the layout` });
      }
    });
  })
  .meta({ id: "ScreenLayout" });
export type ScreenLayout = z.infer<typeof ScreenLayoutSchema>;

export const SeatSchema = z
  .object({
    id: z.string(),
    row: z.string(),
    number: z.number().int(),
    type: SeatTypeSchema,
    blocked: z.boolean(),
    x: z.number().int().meta({ description: "Column from the left, counting aisles and gaps" }),
    y: z.number().int().meta({ description: "Row from the screen, 0 nearest" }),
    pairWith: z.string().optional(),
  })
  .meta({ id: "Seat" });
export type Seat = z.infer<typeof SeatSchema>;

export const SeatMapSchema = z
  .object({
    width: z.number().int(),
    height: z.number().int(),
    rows: z.array(z.string()),
    seats: z.array(SeatSchema),
  })
  .meta({ id: "SeatMap" });
export type SeatMap = z.infer<typeof SeatMapSchema>;
