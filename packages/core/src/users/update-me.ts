import type { UpdateMeInput, User } from "@boxoffice/contracts";
import { type Database, PG_UNIQUE_VIOLATION, pgErrorOf, users } from "@boxoffice/db";
import { eq, sql } from "drizzle-orm";
import type { Clock } from "../shared/clock.ts";
import { AppError } from "../shared/errors.ts";
import { toUser } from "./to-user.ts";

export async function updateMe(
  deps: { db: Database; clock: Clock },
  userId: string,
  input: UpdateMeInput,
): Promise<User> {
  const patch: Partial<typeof users.$inferInsert> = { updatedAt: deps.clock.now() };
  if (input.name !== undefined) {
    patch.name = input.name;
  }
  if (input.phone !== undefined) {
    patch.phone = input.phone;
  }
  const prefs = input.prefs;
  try {
    const [row] = await deps.db
      .update(users)
      .set({
        ...patch,
        // Merged in SQL so two concurrent changes to different preferences both stick.
        ...(prefs ? { prefs: sql`${users.prefs} || ${JSON.stringify(prefs)}::jsonb` } : {}),
      })
      .where(eq(users.id, userId))
      .returning();
    if (!row) {
      throw new AppError("NOT_FOUND", "No such user");
    }
    return toUser(row);
  } catch (err) {
    const pgErr = pgErrorOf(err);
    if (pgErr?.code === PG_UNIQUE_VIOLATION && pgErr.constraint === "users_phone_key") {
      throw new AppError("PHONE_TAKEN");
    }
    if (pgErr?.code === "23514" && pgErr.constraint === "users_email_or_phone") {
      throw new AppError("VALIDATION_FAILED", "An account needs an email or a phone number", {
        issues: [
          { path: "phone", message: "cannot be removed from an account without an email", code: "custom" },
        ],
      });
    }
    throw err;
  }
}
