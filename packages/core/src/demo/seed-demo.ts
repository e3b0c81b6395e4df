import { type Database, users } from "@boxoffice/db";
import { count } from "drizzle-orm";
import { hashPassword } from "../auth/passwords.ts";
import type { Clock } from "../shared/clock.ts";

/** For local use only: the README states these so a developer can sign in at once. */
export const DEMO_ACCOUNTS = [
  {
    email: "admin@boxoffice.example",
    password: "boxoffice-admin",
    name: "Demo Admin",
    roles: ["user", "admin"],
  },
  {
    email: "staff@boxoffice.example",
    password: "boxoffice-staff",
    name: "Demo Staff",
    roles: ["user", "staff"],
  },
  { email: "user@boxoffice.example", password: "boxoffice-user", name: "Demo User", roles: ["user"] },
] as const;

export async function isDatabaseEmpty(deps: { db: Database }): Promise<boolean> {
  const [row] = await deps.db.select({ n: count() }).from(users);
  return (row?.n ?? 0) === 0;
}

/** Idempotent: rows that already exist are left as they are. */
export async function seedDemo(deps: { db: Database; clock: Clock }): Promise<{ accountsCreated: number }> {
  const now = deps.clock.now();
  const rows = await Promise.all(
    DEMO_ACCOUNTS.map(async (a) => ({
      email: a.email,
      name: a.name,
      roles: [...a.roles],
      passwordHash: await hashPassword(a.password),
      createdAt: now,
      updatedAt: now,
    })),
  );
  const inserted = await deps.db.insert(users).values(rows).onConflictDoNothing().returning({ id: users.id });
  return { accountsCreated: inserted.length };
}
