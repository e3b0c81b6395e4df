import { type AnyPgColumn, integer, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** A generated primary key. */
export function id() {
  return uuid("id").primaryKey().defaultRandom();
}

/** An instant: every time we store is a timestamptz, so no reader has to guess the zone. */
export function instant(name: string) {
  return timestamp(name, { withTimezone: true });
}

/** A required reference; each table says what deleting the referenced row does to its own. */
export function reference(name: string, target: () => AnyPgColumn, onDelete: "restrict" | "cascade") {
  return uuid(name).notNull().references(target, { onDelete });
}

/** An amount in minor units (paise, cents) and its ISO currency, always written together. */
export function money() {
  return { amount: integer("amount").notNull(), currency: text("currency").notNull() };
}

export function timestamps() {
  return {
    createdAt: instant("created_at").notNull().defaultNow(),
    updatedAt: instant("updated_at").notNull().defaultNow(),
  };
}
