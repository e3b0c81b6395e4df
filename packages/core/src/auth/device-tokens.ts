import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Clock } from "../shared/clock.ts";
import { subkey } from "./tokens.ts";

/** How long a device stays known after its last password sign-in (each one issues a fresh token). */
export const DEVICE_TOKEN_TTL_DAYS = 90;

/**
 * Proof that a browser or app has signed in to an account with its password before: OWASP's "device
 * cookie". Issued on every password sign-in, bound to the account (a hash of its email, which the token
 * does not contain), signed with a key derived from JWT_REFRESH_SECRET. It grants nothing by itself;
 * it only lets its holder keep trying the password when strangers have used up the account's budget.
 */
export interface DeviceTokens {
  readonly ttlSeconds: number;
  issue(email: string): string;
  /** The device's id when `token` is one we issued for `email` and it has not expired; else undefined. */
  verify(token: string | undefined, email: string): string | undefined;
}

const FORMAT = /^d1\.([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

export function createDeviceTokens(secret: string, clock: Clock): DeviceTokens {
  const key = subkey(secret, "device-token");
  const ttlSeconds = DEVICE_TOKEN_TTL_DAYS * 86_400;
  const account = (email: string) => createHash("sha256").update(email.toLowerCase()).digest("base64url");
  const mac = (id: string, exp: string, email: string) =>
    createHmac("sha256", key)
      .update(`d1.${id}.${exp}.${account(email)}`)
      .digest("base64url");
  return {
    ttlSeconds,
    issue(email) {
      const id = randomBytes(16).toString("base64url");
      const exp = String(Math.floor(clock.now().getTime() / 1000) + ttlSeconds);
      return `d1.${id}.${exp}.${mac(id, exp, email)}`;
    },
    verify(token, email) {
      const match = FORMAT.exec(token ?? "");
      if (!match) {
        return undefined;
      }
      const [, id = "", exp = "", given = ""] = match;
      const expected = Buffer.from(mac(id, exp, email));
      const signature = Buffer.from(given);
      if (expected.length !== signature.length || !timingSafeEqual(expected, signature)) {
        return undefined;
      }
      return Number(exp) > clock.now().getTime() / 1000 ? id : undefined;
    },
  };
}
