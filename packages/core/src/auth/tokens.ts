import {
  createHmac,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import type { Role } from "@boxoffice/contracts";
import { RoleSchema } from "@boxoffice/contracts";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import type { Clock } from "../shared/clock.ts";
import { AppError } from "../shared/errors.ts";

const ISSUER = "boxoffice";
const AUDIENCE = "boxoffice-api";

export interface AccessClaims {
  userId: string;
  roles: Role[];
  /** The user's token version when the token was signed (`ver`): a role change moves it on. */
  tokenVersion: number;
  /** The session (refresh family) the token belongs to (`sid`): signing out refuses its tokens. */
  sessionId: string;
}

/** What stops a token before it expires; see revocations.ts. */
export interface RevocationCheck {
  /** Throws AppError (INVALID_TOKEN, or UNAVAILABLE when revocations cannot be read) for a stopped token. */
  assertLive(claims: AccessClaims): void;
}

export interface TokenService {
  signAccessToken(claims: AccessClaims): Promise<{ token: string; expiresAt: Date }>;
  /**
   * Throws AppError INVALID_TOKEN for anything but a valid, unexpired HS256 token we issued, with every
   * claim we write, and not revoked since (signed out, roles changed).
   */
  verifyAccessToken(token: string): Promise<AccessClaims>;
  newRefreshToken(): { token: string; hash: string };
  hashRefreshToken(token: string): string;
  hashOtp(phone: string, code: string): string;
  refreshTokenTtlMs: number;
}

export interface TokenConfig {
  accessSecret: string;
  refreshSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
}

const ClaimsSchema = z.object({
  sub: z.uuid(),
  roles: z.array(RoleSchema),
  ver: z.number().int().min(0),
  sid: z.uuid(),
});

/** Registered claims every access token must carry; jose checks their values, this their presence. */
const REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss", "aud"];

/** The protected header signAccessToken writes, as it appears in every token we issue. */
const ISSUED_HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Each of a compact JWS's three parts in canonical base64url: no padding, no characters outside the
 * alphabet, and no stray bits in the last character. jose decodes leniently, so without this one token
 * would have several spellings that all verify (a signature with its last character's spare bits
 * flipped): a token must have exactly one.
 */
function canonicalParts(token: string): boolean {
  const parts = token.split(".");
  return (
    parts.length === 3 &&
    parts.every(
      (part) => BASE64URL.test(part) && Buffer.from(part, "base64url").toString("base64url") === part,
    )
  );
}

/**
 * The claims of a token exactly as we issue them, checked with node:crypto's HMAC in a few microseconds;
 * undefined for anything else. jose 6 verifies through WebCrypto (a key import and an async job on the
 * thread pool per call, tens of microseconds on every authenticated request), so the common case is
 * taken here and every other token is left to jose, which stays the judge of what is invalid and why.
 * This accepts only what jose would also accept: our header, a canonical base64url signature equal to
 * the HMAC of the signing input, a JSON object payload with our issuer and audience, a numeric `exp`
 * after now, a numeric `iat`, and no `nbf`.
 */
function issuedClaims(token: string, key: KeyObject, now: Date): Record<string, unknown> | undefined {
  const [header, payload, signature, extra] = token.split(".");
  if (header !== ISSUED_HEADER || !payload || !signature || extra !== undefined || !BASE64URL.test(payload)) {
    return undefined;
  }
  const expected = Buffer.from(createHmac("sha256", key).update(`${header}.${payload}`).digest("base64url"));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return undefined;
  }
  const bytes = Buffer.from(payload, "base64url");
  if (bytes.toString("base64url") !== payload) {
    return undefined;
  }
  let claims: unknown;
  try {
    claims = JSON.parse(strictUtf8.decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof claims !== "object" || claims === null || Array.isArray(claims)) {
    return undefined;
  }
  const { iss, aud, exp, nbf, iat } = claims as Record<string, unknown>;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const fresh = typeof exp === "number" && exp > nowSeconds && nbf === undefined;
  if (iss !== ISSUER || aud !== AUDIENCE || !fresh || typeof iat !== "number") {
    return undefined;
  }
  return claims as Record<string, unknown>;
}

/** A key of its own for each purpose, derived from one configured secret. */
export function subkey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "boxoffice", purpose, 32));
}

/**
 * `revocations` is left out only where nothing verifies a token against live state: tools that sign
 * tokens for tests, the proof and the benchmarks.
 */
export function createTokenService(
  config: TokenConfig,
  clock: Clock,
  revocations?: RevocationCheck,
): TokenService {
  const accessKey = createSecretKey(Buffer.from(config.accessSecret));
  // Refresh tokens and OTP codes are stored as keyed hashes: a leaked table alone cannot be replayed,
  // and a 6-digit code cannot be brute-forced offline from its hash.
  const refreshKey = subkey(config.refreshSecret, "refresh-token");
  const otpKey = subkey(config.refreshSecret, "otp-code");
  const hmac = (key: Buffer, value: string) => createHmac("sha256", key).update(value).digest("base64url");
  const verifiedByJose = async (token: string, now: Date) => {
    if (!canonicalParts(token)) {
      throw new joseErrors.JWSInvalid("not in canonical base64url");
    }
    const { payload } = await jwtVerify(token, accessKey, {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: REQUIRED_CLAIMS,
      currentDate: now,
    });
    return payload;
  };

  return {
    refreshTokenTtlMs: config.refreshTokenTtlDays * 86_400_000,
    async signAccessToken({ userId, roles, tokenVersion, sessionId }) {
      const issuedAt = Math.floor(clock.now().getTime() / 1000);
      const exp = issuedAt + config.accessTokenTtlSeconds;
      const token = await new SignJWT({ roles, ver: tokenVersion, sid: sessionId })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(exp)
        .sign(accessKey);
      return { token, expiresAt: new Date(exp * 1000) };
    },
    async verifyAccessToken(token) {
      try {
        const now = clock.now();
        const payload = issuedClaims(token, accessKey, now) ?? (await verifiedByJose(token, now));
        const claims = ClaimsSchema.parse(payload);
        const verified: AccessClaims = {
          userId: claims.sub,
          roles: claims.roles,
          tokenVersion: claims.ver,
          sessionId: claims.sid,
        };
        revocations?.assertLive(verified);
        return verified;
      } catch (err) {
        if (err instanceof joseErrors.JOSEError || err instanceof z.ZodError) {
          const expired = err instanceof joseErrors.JWTExpired;
          throw new AppError(
            "INVALID_TOKEN",
            expired ? "The access token has expired" : "The access token is invalid",
          );
        }
        throw err;
      }
    },
    newRefreshToken() {
      const token = randomBytes(32).toString("base64url");
      return { token, hash: hmac(refreshKey, token) };
    },
    hashRefreshToken: (token) => hmac(refreshKey, token),
    hashOtp: (phone, code) => hmac(otpKey, `${phone}:${code}`),
  };
}
