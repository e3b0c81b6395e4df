import { integer, jsonb, pgTable, text, unique } from "drizzle-orm/pg-core";
import { id, reference, timestamps } from "./columns.ts";
import { theaters } from "./theaters.ts";

/** The layout JSON as admins write it; its shape and rules live in the contracts' layout schema. */
export type ScreenLayoutJson = {
  rows: Array<{
    label: string;
    seats: Array<{ number: number; type?: string; id?: string; pairWith?: string } | { gap: number }>;
  }>;
  blocked?: string[];
};

export const screens = pgTable(
  "screens",
  {
    id: id(),
    theaterId: reference("theater_id", () => theaters.id, "restrict"),
    name: text("name").notNull(),
    layout: jsonb("layout").$type<ScreenLayoutJson>().notNull(),
    seatCount: integer("seat_count").notNull(),
    ...timestamps(),
  },
  (t) => [
    unique("screens_theater_name_key").on(t.theaterId, t.name),
    // Lets showtimes reference (screen, theater) together, so a showtime can never sit on another theater's screen.
    unique("screens_id_theater_key").on(t.id, t.theaterId),
  ],
);

export type ScreenRow = typeof screens.$inferSelect;
