import type { RegisterInput, Session } from "@boxoffice/contracts";
import { type DbOrTx, PG_UNIQUE_VIOLATION, pgErrorOf, users } from "@boxoffice/db";
import { AppError } from "../shared/errors.ts";
import type { AuthDeps } from "./deps.ts";
import { issueSession } from "./issue-session.ts";
import { withVerifiedOtp } from "./otp.ts";
import { hashPassword } from "./passwords.ts";

export async function register(deps: AuthDeps, input: RegisterInput): Promise<Session> {
  const create = async (tx: DbOrTx, values: typeof users.$inferInsert) => {
    const [user] = await tx.insert(users).values(values).returning();
    if (!user) {
      throw new Error("insert returned no row");
    }
    return issueSession({ ...deps, db: tx }, user);
  };
  const now = deps.clock.now();
  try {
    if (input.phone !== undefined && input.code !== undefined) {
      const phone = input.phone;
      return await withVerifiedOtp(deps, phone, input.code, (tx) =>
        create(tx, { name: input.name ?? null, phone, createdAt: now, updatedAt: now }),
      );
    }
    if (input.email === undefined || input.password === undefined) {
      throw new AppError("VALIDATION_FAILED");
    }
    const values = {
      name: input.name ?? null,
      email: input.email,
      passwordHash: await hashPassword(input.password),
      createdAt: now,
      updatedAt: now,
    };
    const session = await deps.db.transaction((tx) => create(tx, values));
    // This device has just shown the password: it is a known one from now on.
    const devices = deps.passwordGuard?.devices;
    return devices ? { ...session, deviceToken: devices.issue(input.email) } : session;
  } catch (err) {
    const pgErr = pgErrorOf(err);
    if (pgErr?.code === PG_UNIQUE_VIOLATION && pgErr.constraint === "users_email_lower_key") {
      throw new AppError("EMAIL_TAKEN");
    }
    if (pgErr?.code === PG_UNIQUE_VIOLATION && pgErr.constraint === "users_phone_key") {
      throw new AppError("PHONE_TAKEN");
    }
    throw err;
  }
}
