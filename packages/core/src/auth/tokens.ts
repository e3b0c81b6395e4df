import { createHmac, createSecretKey, hkdfSync, randomBytes } from "node:crypto";
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
}

export interface TokenService {
  signAccessToken(claims: AccessClaims): Promise<{ token: string; expiresAt: Date }>;
  /** Throws AppError INVALID_TOKEN for anything but a valid, unexpired HS256 token we issued. */
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

const ClaimsSchema = z.object({ sub: z.uuid(), roles: z.array(RoleSchema) });

function subkey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "boxoffice", purpose, 32));
}

export function createTokenService(config: TokenConfig, clock: Clock): TokenService {
  // A KeyObject lets jose sign and verify with node:crypto's HMAC directly, instead of importing a
  // WebCrypto key on every call: this runs on every authenticated request.
  const accessKey = createSecretKey(Buffer.from(config.accessSecret));
  // Refresh tokens and OTP codes are stored as keyed hashes: a leaked table alone cannot be replayed,
  // and a 6-digit code cannot be brute-forced offline from its hash.
  const refreshKey = subkey(config.refreshSecret, "refresh-token");
  const otpKey = subkey(config.refreshSecret, "otp-code");
  const hmac = (key: Buffer, value: string) => createHmac("sha256", key).update(value).digest("base64url");

  return {
    refreshTokenTtlMs: config.refreshTokenTtlDays * 86_400_000,
    async signAccessToken({ userId, roles }) {
      const issuedAt = Math.floor(clock.now().getTime() / 1000);
      const exp = issuedAt + config.accessTokenTtlSeconds;
      const token = await new SignJWT({ roles })
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
        const { payload } = await jwtVerify(token, accessKey, {
          algorithms: ["HS256"],
          issuer: ISSUER,
          audience: AUDIENCE,
          currentDate: clock.now(),
        });
        const claims = ClaimsSchema.parse(payload);
        return { userId: claims.sub, roles: claims.roles };
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
