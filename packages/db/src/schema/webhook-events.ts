import { jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { instant } from "./columns.ts";

/**
 * Every signed webhook event we accepted, by the provider's event id: a replay finds its row and changes
 * nothing. `processed_at` stays empty if handling failed, so the provider's retry runs it again.
 */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    provider: text("provider").notNull(),
    eventId: text("event_id").notNull(),
    type: text("type").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    outcome: text("outcome"),
    receivedAt: instant("received_at").notNull().defaultNow(),
    processedAt: instant("processed_at"),
  },
  (t) => [primaryKey({ name: "webhook_events_pkey", columns: [t.provider, t.eventId] })],
);

export type WebhookEventRow = typeof webhookEvents.$inferSelect;
