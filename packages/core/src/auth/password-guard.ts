import { createHash } from "node:crypto";
import type { RateLimiter } from "../rate-limit/rate-limiter.ts";
import { AppError } from "../shared/errors.ts";
import type { DeviceTokens } from "./device-tokens.ts";

/** Wrong passwords are counted over this window: per account from unknown devices, and per known device. */
export const PASSWORD_WINDOW_MS = 15 * 60_000;

export interface PasswordGuard {
  limiter: RateLimiter;
  devices: DeviceTokens;
  /** Wrong passwords per budget per window; 0 turns the guard off (every attempt is checked). */
  limit: number;
}

/** Keyed by a hash, so no email address sits in Redis. */
const accountKey = (email: string) =>
  `auth.login:account:${createHash("sha256").update(email.toLowerCase()).digest("base64url")}`;

/**
 * Bounds password guessing against one account without handing strangers a way to lock its owner out
 * (OWASP's device cookies). Only wrong passwords count, in two kinds of budget of `limit` per 15 minutes:
 * one per account, shared by every device the account has never signed in from (a botnet's thousand
 * addresses included), and one per device that has signed in before, shown by the device token that
 * sign-in gave it. Past the shared budget, unknown devices are refused 429 without their password being
 * checked, but the owner's own browser or app, holding its device token, is still let in. A device that
 * uses up its own budget is treated as unknown. Every attempt is counted before it runs, so concurrent
 * guesses cannot slip past the limit together, and given back when it turns out not to be a wrong password.
 */
export async function guardPasswordSignIn<T>(
  guard: PasswordGuard,
  email: string,
  deviceToken: string | undefined,
  signIn: () => Promise<T>,
): Promise<{ value: T; deviceToken: string }> {
  const { limiter, limit } = guard;
  let counted: string | undefined;
  if (limit > 0) {
    const device = guard.devices.verify(deviceToken, email);
    if (device) {
      const key = `auth.login:device:${device}`;
      if ((await limiter.hit(key, limit, PASSWORD_WINDOW_MS)).allowed) {
        counted = key;
      }
    }
    if (!counted) {
      const key = accountKey(email);
      const verdict = await limiter.hit(key, limit, PASSWORD_WINDOW_MS);
      if (!verdict.allowed) {
        throw new AppError(
          "RATE_LIMITED",
          "Too many wrong passwords for this account from devices it has not signed in from: sign in from one it has, or try again later",
          { retryAfterSeconds: verdict.retryAfterSeconds },
        );
      }
      counted = key;
    }
  }
  let value: T;
  try {
    value = await signIn();
  } catch (err) {
    const wrongPassword = err instanceof AppError && err.code === "INVALID_CREDENTIALS";
    if (counted && !wrongPassword) {
      await limiter.undo(counted, PASSWORD_WINDOW_MS);
    }
    throw err;
  }
  if (counted) {
    await limiter.undo(counted, PASSWORD_WINDOW_MS);
  }
  return { value, deviceToken: guard.devices.issue(email) };
}
