import type { LoginInput, Session } from "@boxoffice/contracts";
import { users } from "@boxoffice/db";
import { eq, sql } from "drizzle-orm";
import { AppError } from "../shared/errors.ts";
import type { AuthDeps } from "./deps.ts";
import { issueSession } from "./issue-session.ts";
import { withVerifiedOtp } from "./otp.ts";
import { burnPasswordCheck, verifyPassword } from "./passwords.ts";

/** Wrong password, unknown email and a password-less account all answer the same 401. */
export async function login(deps: AuthDeps, input: LoginInput): Promise<Session> {
  if (input.phone !== undefined && input.code !== undefined) {
    const phone = input.phone;
    return withVerifiedOtp(deps, phone, input.code, async (tx) => {
      const [user] = await tx.select().from(users).where(eq(users.phone, phone));
      if (!user) {
        throw new AppError("INVALID_CREDENTIALS", "No account uses this phone number: register first");
      }
      return issueSession({ ...deps, db: tx }, user);
    });
  }
  if (input.email === undefined || input.password === undefined) {
    throw new AppError("VALIDATION_FAILED");
  }
  const [user] = await deps.db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, input.email.toLowerCase()));
  if (!user?.passwordHash) {
    await burnPasswordCheck(input.password);
    throw new AppError("INVALID_CREDENTIALS");
  }
  if (!(await verifyPassword(input.password, user.passwordHash))) {
    throw new AppError("INVALID_CREDENTIALS");
  }
  return issueSession(deps, user);
}
