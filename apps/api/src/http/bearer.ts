import { type AccessClaims, AppError, type TokenService } from "@boxoffice/core";

/**
 * The token of an `Authorization: Bearer <token>` header: undefined when there is no header, null when
 * there is one in another shape. The one reader of the header, for tRPC and the plain routes alike.
 */
export function bearerToken(header: string | undefined): string | undefined | null {
  if (!header) {
    return undefined;
  }
  return /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? null;
}

/** The signed-in caller, or 401: UNAUTHENTICATED without a header, INVALID_TOKEN for a bad one. */
export async function requireViewer(
  tokens: Pick<TokenService, "verifyAccessToken">,
  header: string | undefined,
): Promise<AccessClaims> {
  const token = bearerToken(header);
  if (token === undefined) {
    throw new AppError("UNAUTHENTICATED");
  }
  if (token === null) {
    throw new AppError("INVALID_TOKEN", "Use `Authorization: Bearer <accessToken>`");
  }
  return tokens.verifyAccessToken(token);
}
