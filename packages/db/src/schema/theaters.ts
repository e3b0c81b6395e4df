import { sql } from "drizzle-orm";
import { check, doublePrecision, index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { id, instant, timestamps } from "./columns.ts";

export interface TheaterAddress {
  line1: string;
  line2?: string | undefined;
  city: string;
  region?: string | undefined;
  postalCode?: string | undefined;
  country: string;
}
export interface TheaterContact {
  phone?: string | undefined;
  email?: string | undefined;
}
/** Refund tiers, best first: cancelling at least `minHoursBefore` the show refunds `refundPercent`. */
export interface CancellationPolicy {
  tiers: Array<{ minHoursBefore: number; refundPercent: number }>;
}

export const theaters = pgTable(
  "theaters",
  {
    id: id(),
    name: text("name").notNull(),
    address: jsonb("address").$type<TheaterAddress>().notNull(),
    latitude: doublePrecision("latitude").notNull(),
    longitude: doublePrecision("longitude").notNull(),
    contact: jsonb("contact").$type<TheaterContact>().notNull().default({}),
    /** IANA zone: a `date=YYYY-MM-DD` filter means this theater's local day. */
    timeZone: text("time_zone").notNull(),
    cancellationPolicy: jsonb("cancellation_policy").$type<CancellationPolicy>().notNull(),
    archivedAt: instant("archived_at"),
    ...timestamps(),
  },
  (t) => [
    check("theaters_latitude_range", sql`${t.latitude} BETWEEN -90 AND 90`),
    check("theaters_longitude_range", sql`${t.longitude} BETWEEN -180 AND 180`),
    index("theaters_name_idx").on(t.name),
  ],
);

export type TheaterRow = typeof theaters.$inferSelect;
