import { index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { id, instant } from "./columns.ts";

/** One-time sign-in codes sent by SMS, stored as keyed hashes. */
export const otpCodes = pgTable(
  "otp_codes",
  {
    id: id(),
    phone: text("phone").notNull(),
    codeHash: text("code_hash").notNull(),
    attempts: integer("attempts").notNull().default(0),
    expiresAt: instant("expires_at").notNull(),
    consumedAt: instant("consumed_at"),
    createdAt: instant("created_at").notNull().defaultNow(),
  },
  (t) => [index("otp_codes_phone_idx").on(t.phone, t.createdAt)],
);

export type OtpCodeRow = typeof otpCodes.$inferSelect;
