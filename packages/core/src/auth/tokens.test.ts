import { createHmac, randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { manualClock } from "../shared/clock.ts";
import { AppError } from "../shared/errors.ts";
import { createTokenService } from "./tokens.ts";

const secret = "a".repeat(40);
const clock = manualClock("2026-11-24T10:00:00Z");
const tokens = createTokenService(
  {
    accessSecret: secret,
    refreshSecret: "r".repeat(40),
    accessTokenTtlSeconds: 900,
    refreshTokenTtlDays: 30,
  },
  clock,
);
const now = () => Math.floor(clock.now().getTime() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const sign = (header: string, payload: string) =>
  `${header}.${payload}.${createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url")}`;
const ourHeader = b64({ alg: "HS256", typ: "JWT" });

async function outcome(token: string) {
  try {
    return await tokens.verifyAccessToken(token);
  } catch (err) {
    return err instanceof AppError ? `${err.code}: ${err.message}` : err;
  }
}

function claims(overrides: Record<string, unknown> = {}) {
  return {
    roles: ["user"],
    sub: randomUUID(),
    iss: "boxoffice",
    aud: "boxoffice-api",
    iat: now(),
    exp: now() + 900,
    ...overrides,
  };
}

describe("access tokens", () => {
  it("accept what signAccessToken issued, until it expires", async () => {
    const userId = randomUUID();
    const { token } = await tokens.signAccessToken({ userId, roles: ["user", "staff"] });
    expect(await outcome(token)).toEqual({ userId, roles: ["user", "staff"] });
    clock.advance(900_000);
    expect(await outcome(token)).toBe("INVALID_TOKEN: The access token has expired");
    clock.advance(-900_000);
  });

  it("refuse a changed payload, header or signature", async () => {
    const { token } = await tokens.signAccessToken({ userId: randomUUID(), roles: ["user"] });
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const admin = b64({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), roles: ["admin"] });
    const invalid = "INVALID_TOKEN: The access token is invalid";
    expect(await outcome(`${header}.${admin}.${signature}`)).toBe(invalid);
    expect(await outcome(`${b64({ alg: "HS512", typ: "JWT" })}.${payload}.${signature}`)).toBe(invalid);
    expect(await outcome(`${header}.${payload}.${signature.slice(0, -2)}`)).toBe(invalid);
    expect(await outcome(`${header}.${payload}.`)).toBe(invalid);
    expect(await outcome(`${b64({ alg: "none" })}.${payload}.`)).toBe(invalid);
    expect(await outcome(`${token}.x`)).toBe(invalid);
  });

  it("judge correctly signed tokens of other shapes as jose does", async () => {
    const invalid = "INVALID_TOKEN: The access token is invalid";
    const sub = randomUUID();
    const other = await new SignJWT({ roles: ["user"] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(sub)
      .setIssuer("boxoffice")
      .setAudience(["elsewhere", "boxoffice-api"])
      .setNotBefore(now() - 5)
      .setExpirationTime(now() + 60)
      .sign(new TextEncoder().encode(secret));
    expect(await outcome(other)).toEqual({ userId: sub, roles: ["user"] });
    expect(await outcome(sign(ourHeader, b64(claims({ nbf: now() + 60 }))))).toBe(invalid);
    expect(await outcome(sign(ourHeader, b64(claims({ iss: "someone-else" }))))).toBe(invalid);
    expect(await outcome(sign(ourHeader, b64(claims({ aud: "another-api" }))))).toBe(invalid);
    expect(await outcome(sign(ourHeader, b64(claims({ exp: String(now() + 60) }))))).toBe(invalid);
    expect(await outcome(sign(ourHeader, b64(claims({ exp: now() }))))).toBe(
      "INVALID_TOKEN: The access token has expired",
    );
    expect(await outcome(sign(ourHeader, b64(claims({ exp: undefined }))))).toEqual({
      userId: expect.any(String),
      roles: ["user"],
    });
    expect(await outcome(sign(ourHeader, b64(claims({ iat: "yesterday" }))))).toBe(invalid);
    expect(await outcome(sign(ourHeader, b64(claims({ sub: "not-a-uuid" }))))).toBe(invalid);
    expect(await outcome(sign(ourHeader, b64(claims({ roles: ["root"] }))))).toBe(invalid);
    expect(await outcome(sign(ourHeader, b64([claims()])))).toBe(invalid);
    expect(await outcome(sign(ourHeader, Buffer.from("not json").toString("base64url")))).toBe(invalid);
  });
});
