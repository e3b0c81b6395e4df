import { sql } from "drizzle-orm";
import { boolean, check, foreignKey, index, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { id, instant, reference, timestamps } from "./columns.ts";
import { movies } from "./movies.ts";
import { screens } from "./screens.ts";
import { theaters } from "./theaters.ts";

export type ShowtimeStatus = "scheduled" | "on_sale" | "cancelled" | "completed";
export type ShowtimeFormat = "2D" | "3D" | "IMAX" | "4DX";

/**
 * No two live showtimes of one screen overlap: enforced by the `showtimes_no_overlap` exclusion
 * constraint, written by hand in the migration (drizzle-kit cannot express EXCLUDE).
 */
export const showtimes = pgTable(
  "showtimes",
  {
    id: id(),
    movieId: reference("movie_id", () => movies.id, "restrict"),
    theaterId: reference("theater_id", () => theaters.id, "restrict"),
    screenId: uuid("screen_id").notNull(),
    startAt: instant("start_at").notNull(),
    endAt: instant("end_at").notNull(),
    salesCloseAt: instant("sales_close_at").notNull(),
    language: text("language").notNull(),
    format: text("format").$type<ShowtimeFormat>().notNull(),
    /** Minor units (paise) of `currency`, for a standard seat. */
    basePrice: integer("base_price").notNull(),
    currency: text("currency").notNull().default("INR"),
    /** Per seat type overrides of the derived price, minor units. */
    seatTypePrices: jsonb("seat_type_prices").$type<Record<string, number>>().notNull().default({}),
    /** Dynamic pricing rules, stored as data; the pricing use cases apply them. */
    pricingRules: jsonb("pricing_rules").$type<Array<Record<string, unknown>>>().notNull().default([]),
    status: text("status").$type<ShowtimeStatus>().notNull().default("on_sale"),
    /** Bumped in every transaction that changes a seat of this showtime; live updates carry it. */
    seatVersion: integer("seat_version").notNull().default(0),
    /** When set, a hold may not leave a single empty seat between taken ones. */
    noOrphanSeats: boolean("no_orphan_seats").notNull().default(false),
    ...timestamps(),
  },
  (t) => [
    foreignKey({
      name: "showtimes_screen_of_theater_fk",
      columns: [t.screenId, t.theaterId],
      foreignColumns: [screens.id, screens.theaterId],
    }).onDelete("restrict"),
    check("showtimes_ends_after_start", sql`${t.endAt} > ${t.startAt}`),
    check("showtimes_status_known", sql`${t.status} IN ('scheduled','on_sale','cancelled','completed')`),
    check("showtimes_format_known", sql`${t.format} IN ('2D','3D','IMAX','4DX')`),
    check("showtimes_price_not_negative", sql`${t.basePrice} >= 0`),
    index("showtimes_movie_start_idx").on(t.movieId, t.startAt),
    index("showtimes_theater_start_idx").on(t.theaterId, t.startAt),
    index("showtimes_screen_start_idx").on(t.screenId, t.startAt),
  ],
);

export type ShowtimeRow = typeof showtimes.$inferSelect;
