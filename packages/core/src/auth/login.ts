import type { LoginInput, Session } from "@boxoffice/contracts";
import { users } from "@boxoffice/db";
import { eq, sql } from "drizzle-orm";
import { AppError } from "../shared/errors.ts";
import type { AuthDeps } from "./deps.ts";
import { issueSession } from "./issue-session.ts";
import { withVerifiedOtp } from "./otp.ts";
import { guardPasswordSignIn } from "./password-guard.ts";
import { burnPasswordCheck, verifyPassword } from "./passwords.ts";

/**
 * Wrong password, unknown email and a password-less account all answer the same 401. Password attempts
 * go through the guard (password-guard.ts) when there is one, and a right one returns a device token.
 */
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
  const { email, password } = input;
  if (email === undefined || password === undefined) {
    throw new AppError("VALIDATION_FAILED");
  }
  const signIn = async () => {
    const [user] = await deps.db
      .select()
      .from(users)
      .where(eq(sql`lower(${users.email})`, email.toLowerCase()));
    if (!user?.passwordHash) {
      await burnPasswordCheck(password);
      throw new AppError("INVALID_CREDENTIALS");
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      throw new AppError("INVALID_CREDENTIALS");
    }
    return issueSession(deps, user);
  };
  if (!deps.passwordGuard) {
    return signIn();
  }
  const { value, deviceToken } = await guardPasswordSignIn(
    deps.passwordGuard,
    email,
    input.deviceToken,
    signIn,
  );
  return { ...value, deviceToken };
}
