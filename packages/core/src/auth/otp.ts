import { randomInt, timingSafeEqual } from "node:crypto";
import { type Database, type DbOrTx, otpCodes } from "@boxoffice/db";
import { and, count, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { AppError } from "../shared/errors.ts";
import { Sensitive } from "../shared/sensitive.ts";
import { requireSms } from "../sms/build-sms-provider.ts";
import type { AuthDeps } from "./deps.ts";

export const OTP_TTL_MS = 5 * 60_000;
export const OTP_MAX_ATTEMPTS = 5;
/** Codes one phone number may be sent per hour, whatever address asks: SMS costs money and annoys. */
export const OTP_MAX_PER_HOUR = 5;

export async function requestOtp(deps: AuthDeps, phone: string): Promise<{ expiresAt: Date }> {
  // Before anything is written: with no provider a code could never arrive.
  const sms = requireSms(deps.sms);
  const now = deps.clock.now();
  const code = randomInt(0, 1_000_000).toString().padStart(6, "0");
  const expiresAt = new Date(now.getTime() + OTP_TTL_MS);
  await deps.db.transaction(async (tx) => {
    // Requests for one phone take turns, so concurrent ones cannot all pass the hourly count.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`otp:${phone}`}))`);
    const [recent] = await tx
      .select({ n: count() })
      .from(otpCodes)
      .where(and(eq(otpCodes.phone, phone), gt(otpCodes.createdAt, new Date(now.getTime() - 3_600_000))));
    if ((recent?.n ?? 0) >= OTP_MAX_PER_HOUR) {
      throw new AppError("RATE_LIMITED", "Too many codes sent to this number: try again later", {
        retryAfterSeconds: 3600,
      });
    }
    // A new code replaces any older one, so only the latest SMS works.
    await tx
      .update(otpCodes)
      .set({ consumedAt: now })
      .where(and(eq(otpCodes.phone, phone), isNull(otpCodes.consumedAt)));
    await tx
      .insert(otpCodes)
      .values({ phone, codeHash: deps.tokens.hashOtp(phone, code), expiresAt, createdAt: now });
  });
  await sms.send({
    to: phone,
    body: new Sensitive(`Your boxoffice code is ${code}. It expires in 5 minutes.`),
  });
  return { expiresAt };
}

export type OtpCheck = { ok: true } | { ok: false; error: AppError };

/**
 * Checks the latest code sent to `phone`, consuming it when right and counting the attempt when wrong.
 * It returns rather than throws, so the caller can commit a wrong attempt before answering.
 */
export async function checkOtp(
  deps: Pick<AuthDeps, "clock" | "tokens"> & { db: DbOrTx },
  phone: string,
  code: string,
): Promise<OtpCheck> {
  const now = deps.clock.now();
  const [row] = await deps.db
    .select()
    .from(otpCodes)
    .where(and(eq(otpCodes.phone, phone), isNull(otpCodes.consumedAt)))
    .orderBy(desc(otpCodes.createdAt))
    .limit(1)
    .for("update");
  if (!row || row.expiresAt <= now) {
    return { ok: false, error: new AppError("INVALID_CODE") };
  }
  if (row.attempts >= OTP_MAX_ATTEMPTS) {
    return { ok: false, error: new AppError("OTP_LOCKED") };
  }
  const expected = Buffer.from(row.codeHash);
  const given = Buffer.from(deps.tokens.hashOtp(phone, code));
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    await deps.db
      .update(otpCodes)
      .set({ attempts: row.attempts + 1 })
      .where(eq(otpCodes.id, row.id));
    return {
      ok: false,
      error: new AppError("INVALID_CODE", undefined, { attemptsLeft: OTP_MAX_ATTEMPTS - row.attempts - 1 }),
    };
  }
  await deps.db.update(otpCodes).set({ consumedAt: now }).where(eq(otpCodes.id, row.id));
  return { ok: true };
}

/**
 * Runs `work` in a transaction after the phone's code checks out. A wrong code is committed as a spent
 * attempt and then thrown; `work` runs only with a right one, and its failure un-consumes the code.
 */
export async function withVerifiedOtp<T>(
  deps: Pick<AuthDeps, "clock" | "tokens" | "sms"> & { db: Database },
  phone: string,
  code: string,
  work: (tx: DbOrTx) => Promise<T>,
): Promise<T> {
  // Phone sign-in is off without a provider: say so, rather than call every code wrong.
  requireSms(deps.sms);
  const outcome = await deps.db.transaction(async (tx) => {
    const check = await checkOtp({ ...deps, db: tx }, phone, code);
    if (!check.ok) {
      return check;
    }
    return { ok: true as const, value: await work(tx) };
  });
  if (!outcome.ok) {
    throw outcome.error;
  }
  return outcome.value;
}
