import { type Database, users } from "@boxoffice/db";
import { eq, sql } from "drizzle-orm";
import { hashPassword } from "../auth/passwords.ts";
import type { Clock } from "../shared/clock.ts";

/**
 * Creates an admin account, or adds the admin role to an existing one. An existing account keeps its
 * password: promoting someone must not silently change how they sign in.
 */
export async function ensureAdmin(
  deps: { db: Database; clock: Clock },
  input: { email: string; password: string; name?: string },
): Promise<{ userId: string; created: boolean }> {
  const email = input.email.toLowerCase();
  const now = deps.clock.now();
  const passwordHash = await hashPassword(input.password);
  return deps.db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(users)
      .where(eq(sql`lower(${users.email})`, email))
      .for("update");
    if (existing) {
      await tx
        .update(users)
        .set({
          roles: sql`(select array_agg(distinct r) from unnest(${users.roles} || array['admin']::text[]) as r)`,
          updatedAt: now,
        })
        .where(eq(users.id, existing.id));
      return { userId: existing.id, created: false };
    }
    const [created] = await tx
      .insert(users)
      .values({
        email,
        passwordHash,
        name: input.name ?? "Admin",
        roles: ["user", "admin"],
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: users.id });
    if (!created) {
      throw new Error("insert returned no row");
    }
    return { userId: created.id, created: true };
  });
}
