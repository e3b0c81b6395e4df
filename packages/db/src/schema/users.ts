import { sql } from "drizzle-orm";
import { check, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { id, timestamps } from "./columns.ts";

export type UserRole = "user" | "staff" | "admin";
export interface UserPrefs {
  email: boolean;
  sms: boolean;
}

export const users = pgTable(
  "users",
  {
    id: id(),
    name: text("name"),
    /** Always stored in lower case; the unique index on lower(email) guards writes that forget. */
    email: text("email"),
    phone: text("phone"),
    passwordHash: text("password_hash"),
    roles: text("roles").array().$type<UserRole[]>().notNull().default(sql`'{user}'::text[]`),
    prefs: jsonb("prefs").$type<UserPrefs>().notNull().default({ email: true, sms: true }),
    /**
     * Carried by every access token as `ver`; a token with an older one is refused. A trigger moves it on
     * (and writes a token_revocations row) whenever the roles change, however they are changed.
     */
    tokenVersion: integer("token_version").notNull().default(0),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`),
    uniqueIndex("users_phone_key").on(t.phone),
    check("users_email_or_phone", sql`${t.email} IS NOT NULL OR ${t.phone} IS NOT NULL`),
    check("users_roles_known", sql`${t.roles} <@ ARRAY['user','staff','admin']::text[]`),
  ],
);

export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;
