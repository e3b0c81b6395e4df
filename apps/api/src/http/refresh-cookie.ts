import type { Session } from "@boxoffice/contracts";
import { serialize } from "hono/utils/cookie";

/** Browsers may keep the refresh token here instead of in script-readable storage. */
export const REFRESH_COOKIE = "boxoffice_refresh";
/**
 * A browser's device token (see packages/core/src/auth/device-tokens.ts): sent back with its password
 * sign-ins, it lets the owner in while strangers are guessing. Kept across logouts, as a device is.
 */
export const DEVICE_COOKIE = "boxoffice_device";

/** Browsers cap cookie lifetimes at 400 days (RFC 6265bis), and hono refuses to write a longer one. */
const MAX_COOKIE_AGE_SECONDS = 400 * 86_400;

/** `now` is the server's clock, the one the token's expiry was computed with. */
export function setRefreshCookie(headers: Headers, session: Session, secure: boolean, now: Date): void {
  const remaining = Math.floor((Date.parse(session.refreshTokenExpiresAt) - now.getTime()) / 1000);
  const maxAge = Math.min(MAX_COOKIE_AGE_SECONDS, Math.max(0, remaining));
  headers.append(
    "Set-Cookie",
    serialize(REFRESH_COOKIE, session.refreshToken, {
      httpOnly: true,
      sameSite: "Strict",
      path: "/",
      secure,
      maxAge,
    }),
  );
}

export function clearRefreshCookie(headers: Headers, secure: boolean): void {
  headers.append(
    "Set-Cookie",
    serialize(REFRESH_COOKIE, "", { httpOnly: true, sameSite: "Strict", path: "/", secure, maxAge: 0 }),
  );
}

export function setDeviceCookie(
  headers: Headers,
  token: string,
  secure: boolean,
  maxAgeSeconds: number,
): void {
  headers.append(
    "Set-Cookie",
    serialize(DEVICE_COOKIE, token, {
      httpOnly: true,
      sameSite: "Strict",
      path: "/",
      secure,
      maxAge: Math.min(MAX_COOKIE_AGE_SECONDS, maxAgeSeconds),
    }),
  );
}
