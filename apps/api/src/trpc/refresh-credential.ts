import { AppError } from "@boxoffice/core";
import type { TrpcContext } from "./context.ts";

const JSON_TYPE = /^application\/(.+\+)?json\b/i;

/**
 * The refresh token a request presents: the body's, or else the httpOnly cookie's. A browser attaches
 * the cookie by itself, to requests any page can make, so when the cookie is the credential the request
 * must show it comes from our own front end: a JSON body (a page on another site cannot send one without
 * a CORS preflight, which only CLIENT_URL's origins pass; an HTML form can send only form encodings and
 * text) and, when the browser names the page's origin (it always does on a POST), one of CLIENT_URL's.
 * A token in the body needs neither: whoever sends it already holds it.
 */
export function presentedRefreshToken(ctx: TrpcContext, fromBody: string | undefined): string | undefined {
  if (fromBody !== undefined || ctx.refreshCookie === undefined) {
    return fromBody;
  }
  if (!JSON_TYPE.test(ctx.contentType ?? "")) {
    throw new AppError(
      "UNSUPPORTED_MEDIA_TYPE",
      "A request signed in by the refresh cookie must be sent as application/json",
    );
  }
  const origin = ctx.requestOrigin;
  if (origin !== undefined && !ctx.deps.config.corsOrigins.includes(origin)) {
    throw new AppError(
      "FORBIDDEN",
      "The refresh cookie is accepted only from the front ends listed in CLIENT_URL",
    );
  }
  return ctx.refreshCookie;
}
