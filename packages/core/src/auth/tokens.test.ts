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
    ver: 0,
    sid: randomUUID(),
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
    const sessionId = randomUUID();
    const { token } = await tokens.signAccessToken({
      userId,
      roles: ["user", "staff"],
      tokenVersion: 3,
      sessionId,
    });
    expect(await outcome(token)).toEqual({ userId, roles: ["user", "staff"], tokenVersion: 3, sessionId });
    clock.advance(900_000);
    expect(await outcome(token)).toBe("INVALID_TOKEN: The access token has expired");
    clock.advance(-900_000);
  });

  it("refuse a changed payload, header or signature", async () => {
    const { token } = await tokens.signAccessToken({
      userId: randomUUID(),
      roles: ["user"],
      tokenVersion: 0,
      sessionId: randomUUID(),
    });
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
    const sid = randomUUID();
    const other = await new SignJWT({ roles: ["user"], ver: 1, sid })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(sub)
      .setIssuer("boxoffice")
      .setAudience(["elsewhere", "boxoffice-api"])
      .setNotBefore(now() - 5)
      .setIssuedAt(now() - 5)
      .setExpirationTime(now() + 60)
      .sign(new TextEncoder().encode(secret));
    expect(await outcome(other)).toEqual({ userId: sub, roles: ["user"], tokenVersion: 1, sessionId: sid });
    expect(await outcome(sign(ourHeader, b64(claims({ nbf: now() + 60 }))))).toBe(invalid);
    expect(await outcome(sign(ourHeader, b64(claims({ iss: "someone-else" }))))).toBe(invalid);
    expect(await outcome(sign(ourHeader, b64(claims({ aud: "another-api" }))))).toBe(invalid);
    expect(await outcome(sign(ourHeader, b64(claims({ exp: String(now() + 60) }))))).toBe(invalid);
    expect(await outcome(sign(ourHeader, b64(claims({ exp: now() }))))).toBe(
      "INVALID_TOKEN: The access token has expired",
    );
    expect(await outcome(sign(ourHeader, b64(claims({ iat: "yesterday" }))))).toBe(invalid);
    expect(await outcome(sign(ourHeader, b64(claims({ sub: "not-a-uuid" }))))).toBe(invalid);
    expect(await outcome(sign(ourHeader, b64(claims({ roles: ["root"] }))))).toBe(invalid);
    expect(await outcome(sign(ourHeader, b64([claims()])))).toBe(invalid);
    expect(await outcome(sign(ourHeader, Buffer.from("not json").toString("base64url")))).toBe(invalid);
  });

  it("refuse a correctly signed token missing any claim we write, on the fast path and on jose's", async () => {
    const invalid = "INVALID_TOKEN: The access token is invalid";
    for (const missing of ["exp", "iat", "sub", "iss", "aud", "ver", "sid", "roles"]) {
      const payload = b64(claims({ [missing]: undefined }));
      // Our own header (the fast path) and one jose must judge (another key order, `typ` left out).
      for (const header of [ourHeader, b64({ typ: "JWT", alg: "HS256" }), b64({ alg: "HS256" })]) {
        expect(`${missing}: ${await outcome(sign(header, payload))}`).toBe(`${missing}: ${invalid}`);
      }
    }
    // The same claims, all present, are good on both paths: the refusals above are the missing claim's.
    for (const header of [ourHeader, b64({ alg: "HS256" })]) {
      expect(await outcome(sign(header, b64(claims())))).toMatchObject({ roles: ["user"], tokenVersion: 0 });
    }
  });

  it("refuse a signature that is not in canonical base64url, though it decodes to the right bytes", async () => {
    const invalid = "INVALID_TOKEN: The access token is invalid";
    for (const header of [ourHeader, b64({ alg: "HS256" })]) {
      const token = sign(header, b64(claims()));
      const [h, p, signature] = token.split(".") as [string, string, string];
      expect(await outcome(token)).toMatchObject({ roles: ["user"] });
      // 32 bytes in 43 characters leave the last one 2 spare bits: flipping them keeps the bytes.
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const last = alphabet.indexOf(signature.at(-1) ?? "");
      const twin = `${signature.slice(0, -1)}${alphabet[last ^ 1]}`;
      expect(Buffer.from(twin, "base64url").equals(Buffer.from(signature, "base64url"))).toBe(true);
      expect(await outcome(`${h}.${p}.${twin}`)).toBe(invalid);
      expect(await outcome(`${h}.${p}.${signature}=`)).toBe(invalid);
    }
  });
});
