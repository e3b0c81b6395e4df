import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, unique, uuid } from "drizzle-orm/pg-core";
import { id, instant, reference } from "./columns.ts";
import { users } from "./users.ts";

export type NotificationKind = "booking_confirmed" | "booking_cancelled" | "payment_refunded";
export type NotificationChannel = "email" | "sms";
export type NotificationStatus = "pending" | "sent" | "failed";

/**
 * The outbox: a message to send, written in the same transaction as what it announces, so nothing is
 * announced that did not happen and nothing that happened goes unannounced. `dedupe_key` makes each
 * message exist once however often its cause is replayed.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: id(),
    userId: reference("user_id", () => users.id, "cascade"),
    kind: text("kind").$type<NotificationKind>().notNull(),
    channel: text("channel").$type<NotificationChannel>().notNull(),
    recipient: text("recipient").notNull(),
    /** The booking or payment the message is about. */
    subjectId: uuid("subject_id").notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: text("status").$type<NotificationStatus>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    createdAt: instant("created_at").notNull().defaultNow(),
    sentAt: instant("sent_at"),
  },
  (t) => [
    unique("notifications_dedupe_key").on(t.dedupeKey),
    check(
      "notifications_kind_known",
      sql`${t.kind} IN ('booking_confirmed','booking_cancelled','payment_refunded')`,
    ),
    check("notifications_channel_known", sql`${t.channel} IN ('email','sms')`),
    check("notifications_status_known", sql`${t.status} IN ('pending','sent','failed')`),
    index("notifications_pending_idx").on(t.createdAt).where(sql`${t.status} = 'pending'`),
    index("notifications_subject_idx").on(t.subjectId),
  ],
);

export type NotificationRow = typeof notifications.$inferSelect;
