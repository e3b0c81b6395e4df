import type { Session } from "@boxoffice/contracts";
import type { AccessClaims, Logger } from "@boxoffice/core";
import type { Context as HonoContext } from "hono";
import { getCookie } from "hono/cookie";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "../http/app-env.ts";
import { publicUrl } from "../http/public-url.ts";
import {
  clearRefreshCookie,
  DEVICE_COOKIE,
  REFRESH_COOKIE,
  setDeviceCookie,
  setRefreshCookie,
} from "../http/refresh-cookie.ts";

export type TrpcContext = {
  deps: AppDeps;
  requestId: string;
  logger: Logger;
  clientIp: string;
  /** The origin of links the API hands out (the dev provider's pay page): PUBLIC_URL, never the Host header. */
  publicUrl(): string;
  /** The raw `Authorization` header; procedures that need a user verify it (see authedProcedure). */
  authorization: string | undefined;
  refreshCookie: string | undefined;
  /** The browser's `boxoffice_device` cookie, sent back with password sign-ins. */
  deviceCookie: string | undefined;
  /** The request's `Content-Type` and `Origin`: what tells a cookie sent by our front end from a forged one. */
  contentType: string | undefined;
  requestOrigin: string | undefined;
  /** `Idempotency-Key` of a request that may be retried safely. */
  idempotencyKey: string | undefined;
  /** Headers merged into whatever response this request ends in, errors included. */
  resHeaders: Headers;
  user: AccessClaims | null;
  rememberSession(session: Session): void;
  forgetSession(): void;
};

export function createTrpcContext(c: HonoContext<AppEnv>): TrpcContext {
  // c.get, not c.var: Hono builds c.var afresh from its map on every access.
  const deps = c.get("deps");
  const resHeaders = c.get("resHeaders");
  const secure = deps.config.env === "production";
  return {
    deps,
    requestId: c.get("requestId"),
    logger: c.get("logger"),
    clientIp: c.get("clientIp"),
    publicUrl: () => publicUrl(c),
    authorization: c.req.header("authorization"),
    refreshCookie: getCookie(c, REFRESH_COOKIE),
    deviceCookie: getCookie(c, DEVICE_COOKIE),
    contentType: c.req.header("content-type"),
    requestOrigin: c.req.header("origin"),
    idempotencyKey: c.req.header("idempotency-key"),
    resHeaders,
    user: null,
    rememberSession: (session) => {
      setRefreshCookie(resHeaders, session, secure, deps.clock.now());
      if (session.deviceToken) {
        setDeviceCookie(resHeaders, session.deviceToken, secure, deps.passwordGuard.devices.ttlSeconds);
      }
    },
    forgetSession: () => clearRefreshCookie(resHeaders, secure),
  };
}
