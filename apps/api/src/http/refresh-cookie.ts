import type { Session } from "@boxoffice/contracts";
import { serialize } from "hono/utils/cookie";

/** Browsers may keep the refresh token here instead of in script-readable storage. */
export const REFRESH_COOKIE = "boxoffice_refresh";

export function setRefreshCookie(headers: Headers, session: Session, secure: boolean): void {
  const maxAge = Math.max(0, Math.floor((Date.parse(session.refreshTokenExpiresAt) - Date.now()) / 1000));
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
