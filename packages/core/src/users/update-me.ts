import type { UpdateMeInput, User } from "@boxoffice/contracts";
import { type DbOrTx, PG_UNIQUE_VIOLATION, pgErrorOf, users } from "@boxoffice/db";
import { eq, sql } from "drizzle-orm";
import type { AuthDeps } from "../auth/deps.ts";
import { withVerifiedOtp } from "../auth/otp.ts";
import { toUser } from "../auth/to-user.ts";
import { AppError, invalidField } from "../shared/errors.ts";
import { getUser } from "./get-user.ts";

/** Changes the caller's own profile. A new phone number must come with the code sent to it. */
export async function updateMe(
  deps: Pick<AuthDeps, "db" | "clock" | "tokens" | "sms">,
  userId: string,
  input: UpdateMeInput,
): Promise<User> {
  const prefs = input.prefs;
  if (
    input.name === undefined &&
    input.phone === undefined &&
    (prefs === undefined || Object.keys(prefs).length === 0)
  ) {
    // Nothing to change: the profile, and when it last changed, stay as they are.
    return getUser(deps, userId);
  }
  const patch: Partial<typeof users.$inferInsert> = { updatedAt: deps.clock.now() };
  if (input.name !== undefined) {
    patch.name = input.name;
  }
  if (input.phone !== undefined) {
    patch.phone = input.phone;
  }
  const apply = async (db: DbOrTx) => {
    const [row] = await db
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
  };
  try {
    if (typeof input.phone === "string") {
      if (input.code === undefined) {
        throw invalidField("code", "is required to set a phone number");
      }
      return await withVerifiedOtp(deps, input.phone, input.code, apply);
    }
    return await apply(deps.db);
  } catch (err) {
    const pgErr = pgErrorOf(err);
    if (pgErr?.code === PG_UNIQUE_VIOLATION && pgErr.constraint === "users_phone_key") {
      throw new AppError("PHONE_TAKEN");
    }
    if (pgErr?.code === "23514" && pgErr.constraint === "users_email_or_phone") {
      throw invalidField(
        "phone",
        "cannot be removed from an account without an email",
        "An account needs an email or a phone number",
      );
    }
    throw err;
  }
}
