import type { ErrorBody, Session, User } from "@boxoffice/contracts";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  registerAdmin,
  registerUser,
  serverForFile,
  startTestServer,
  type TestServer,
} from "../test/harness.ts";

const server = serverForFile();

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function tokenWith(secret: string, claims: { sub: string; roles: string[] }, expiresAt: number) {
  return new SignJWT({ roles: claims.roles })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.sub)
    .setIssuer("boxoffice")
    .setAudience("boxoffice-api")
    .setIssuedAt(expiresAt - 900)
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(secret));
}

describe("access tokens", () => {
  it("a token signed with another secret is a 401", async () => {
    const account = await registerUser(server);
    const forged = await tokenWith(
      "x".repeat(48),
      { sub: account.user.id, roles: ["user", "admin"] },
      Math.floor(Date.now() / 1000) + 600,
    );
    const res = await server.http.get<ErrorBody>("/api/users/me", forged);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("INVALID_TOKEN");
  });

  it("an expired token, even correctly signed, is a 401", async () => {
    const account = await registerUser(server);
    const expired = await tokenWith(
      server.deps.config.jwtAccessSecret,
      { sub: account.user.id, roles: ["user"] },
      Math.floor(Date.now() / 1000) - 5,
    );
    const res = await server.http.get<ErrorBody>("/api/users/me", expired);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/expired/);
  });

  it("an unsigned `alg: none` token is a 401", async () => {
    const account = await registerUser(server);
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: "none", typ: "JWT" })}.${b64({
      sub: account.user.id,
      roles: ["admin"],
      iss: "boxoffice",
      aud: "boxoffice-api",
      iat: now,
      exp: now + 600,
    })}.`;
    const me = await server.http.get<ErrorBody>("/api/users/me", unsigned);
    expect(me.status).toBe(401);
    const admin = await server.http.get<ErrorBody>(`/api/admin/users/${account.user.id}`, unsigned);
    expect(admin.status).toBe(401);
  });

  it("a correctly signed token without exp, iat, sub, issuer or audience is a 401", async () => {
    const account = await registerUser(server);
    const now = Math.floor(Date.now() / 1000);
    const { sessionId, tokenVersion } = await server.deps.tokens.verifyAccessToken(account.accessToken);
    const full: Record<string, unknown> = {
      roles: ["user"],
      ver: tokenVersion,
      sid: sessionId,
      sub: account.user.id,
      iss: "boxoffice",
      aud: "boxoffice-api",
      iat: now,
      exp: now + 600,
    };
    // Signed as another JWT library would (no `typ`), so jose, not our fast path, judges them.
    const signed = (claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "HS256" })
        .sign(new TextEncoder().encode(server.deps.config.jwtAccessSecret));
    expect((await server.http.get("/api/users/me", await signed(full))).status).toBe(200);
    for (const missing of ["exp", "iat", "sub", "iss", "aud"]) {
      const { [missing]: _left, ...claims } = full;
      const res = await server.http.get<ErrorBody>("/api/users/me", await signed(claims));
      expect(`${missing}: ${res.status} ${res.body.error.code}`).toBe(`${missing}: 401 INVALID_TOKEN`);
    }
  });

  it("a token whose signature is spelled another way (same bytes, not canonical base64url) is a 401", async () => {
    const account = await registerUser(server);
    const [header, payload, signature = ""] = account.accessToken.split(".");
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // An HS256 signature's 43rd character carries 2 spare bits: flipping one keeps the decoded bytes.
    const twin = `${signature.slice(0, -1)}${alphabet[alphabet.indexOf(signature.at(-1) ?? "A") ^ 1]}`;
    expect(Buffer.from(twin, "base64url").equals(Buffer.from(signature, "base64url"))).toBe(true);
    const res = await server.http.get<ErrorBody>("/api/users/me", `${header}.${payload}.${twin}`);
    expect(res.status).toBe(401);
    expect((await server.http.get("/api/users/me", account.accessToken)).status).toBe(200);
  });

  it("a missing or malformed Authorization header is a 401", async () => {
    expect((await server.http.get<ErrorBody>("/api/users/me")).body.error.code).toBe("UNAUTHENTICATED");
    const res = await server.http.request<ErrorBody>("GET", "/api/users/me", {
      headers: { authorization: "Basic abc" },
    });
    expect(res.status).toBe(401);
  });
});

describe("roles", () => {
  it("a user calling an admin route is a 403", async () => {
    const account = await registerUser(server);
    const res = await server.http.get<ErrorBody>(`/api/admin/users/${account.user.id}`, account.accessToken);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
  });

  it("an admin reads any account; an unknown id is a 404 and a non-UUID id a 400, never a 500", async () => {
    const admin = await registerAdmin(server);
    expect(admin.user.roles).toContain("admin");
    const account = await registerUser(server);
    const found = await server.http.get<User>(`/api/admin/users/${account.user.id}`, admin.accessToken);
    expect(found.status).toBe(200);
    expect(found.body.email).toBe(account.user.email);

    const missing = await server.http.get<ErrorBody>(
      `/api/admin/users/${crypto.randomUUID()}`,
      admin.accessToken,
    );
    expect(missing.status).toBe(404);

    for (const bad of ["not-a-uuid", "1", "%27%20OR%201%3D1", "00000000-0000-0000-0000-00000000000g"]) {
      const res = await server.http.get<ErrorBody>(`/api/admin/users/${bad}`, admin.accessToken);
      expect(res.status).toBe(400);
      expect(res.body.error.details?.issues).toEqual([
        expect.objectContaining({ path: "id", message: "must be a UUID" }),
      ]);
    }
  });
});

describe("edges", () => {
  it("echoes a caller's x-request-id, or makes one, on every response including errors", async () => {
    const mine = await server.http.request("GET", "/api/users/me", {
      headers: { "x-request-id": "trace-abc.123" },
    });
    expect(mine.headers.get("x-request-id")).toBe("trace-abc.123");
    expect((mine.body as ErrorBody).error.requestId).toBe("trace-abc.123");
    const made = await server.http.get("/healthz");
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sends secure headers", async () => {
    const res = await server.http.get("/healthz");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
  });

  it("allows CORS only for the CLIENT_URL origins", async () => {
    const allowed = server.deps.config.corsOrigins[0]!;
    const preflight = await server.http.request("OPTIONS", "/api/auth/login", {
      headers: { origin: allowed, "access-control-request-method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBe(allowed);
    expect(preflight.headers.get("access-control-allow-credentials")).toBe("true");
    const other = await server.http.request("OPTIONS", "/api/auth/login", {
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("/healthz and /readyz answer, readyz naming each dependency it checked", async () => {
    expect((await server.http.get("/healthz")).body).toEqual({ status: "ok" });
    const ready = await server.http.get<{ status: string; checks: Array<{ name: string; ok: boolean }> }>(
      "/readyz",
    );
    expect(ready.status).toBe(200);
    const names = ready.body.checks.map((c) => c.name);
    expect(names).toEqual(process.env.REDIS_URL ? ["database", "redis"] : ["database"]);
    expect(ready.body.checks.every((c) => c.ok)).toBe(true);
  });
});

describe("rate limits on auth routes", () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ config: { rateLimitAuthPerMin: 3, trustProxy: true } });
  });
  afterAll(async () => {
    await limited?.close();
  });

  const login = (forwardedFor: string) =>
    limited.http.request<ErrorBody>("POST", "/api/auth/login", {
      body: { email: "a@example.com", password: "whatever123" },
      headers: { "x-forwarded-for": forwardedFor },
    });

  it("past RATE_LIMIT_AUTH_PER_MIN an address gets 429 with Retry-After; other routes and addresses are unaffected", async () => {
    const account = await registerUser(limited);
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await login("198.51.100.1")).status);
    }
    expect(statuses).toEqual([401, 401, 401]);
    const blocked = await login("198.51.100.1");
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("RATE_LIMITED");
    const retryAfter = Number(blocked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    expect((await login("198.51.100.2")).status).toBe(401);
    const refresh = await limited.http.request("POST", "/api/auth/refresh", {
      body: { refreshToken: account.refreshToken },
      headers: { "x-forwarded-for": "198.51.100.1" },
    });
    expect(refresh.status).toBe(200);
    const me = await limited.http.request("GET", "/api/users/me", {
      token: refresh.body.accessToken as string,
      headers: { "x-forwarded-for": "198.51.100.1" },
    });
    expect(me.status).toBe(200);
  });

  it("behind a proxy, the address the proxy appended counts, not what the client wrote before it", async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await login(`10.0.0.${i}, 203.0.113.7`)).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});

describe("rate limits counted in this process's memory (no Redis)", () => {
  const TABLE = 50;
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({
      config: { rateLimitAuthPerMin: 3, trustProxy: true, redisUrl: undefined },
      rateLimiterKeys: TABLE,
    });
  });
  afterAll(async () => {
    await limited?.close();
  });

  const refresh = (address: string) =>
    limited.http.request<ErrorBody>("POST", "/api/auth/refresh", {
      body: { refreshToken: "made-up-refresh-token" },
      headers: { "x-forwarded-for": address },
    });

  it("a flood of other addresses, more than the table holds, does not reset an address's window", async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await refresh("198.51.100.9")).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    for (let i = 0; i < 2 * TABLE; i++) {
      await refresh(`192.0.2.${i}`);
    }
    const after = await refresh("198.51.100.9");
    expect(after.status).toBe(429);
    expect(Number(after.headers.get("retry-after"))).toBeGreaterThan(0);
    // The addresses that found the table full are limited all the same.
    const late = [];
    for (let i = 0; i < 4; i++) {
      late.push((await refresh("203.0.113.200")).status);
    }
    expect(late).toEqual([401, 401, 401, 429]);
  });
});

describe("password guesses against one account", () => {
  const LIMIT = 4;
  let guarded: TestServer;
  beforeAll(async () => {
    guarded = await startTestServer({
      config: { rateLimitAuthPerMin: 0, rateLimitLoginPerAccount: LIMIT, trustProxy: true },
    });
  });
  afterAll(async () => {
    await guarded?.close();
  });

  let address = 0;
  /** Each call from another address, as a botnet would send them. */
  const login = (body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    address += 1;
    return guarded.http.request<ErrorBody & Session>("POST", "/api/auth/login", {
      body,
      headers: { "x-forwarded-for": `203.0.${Math.floor(address / 250)}.${address % 250}`, ...headers },
    });
  };
  const guessesUntilRefused = async (email: string) => {
    const statuses = [];
    for (let i = 0; i < LIMIT + 3; i++) {
      statuses.push(
        (await login({ email: i % 2 ? email.toUpperCase() : email, password: `guess ${i} pw` })).status,
      );
    }
    return statuses;
  };

  it("wrong passwords from any number of addresses are bounded at RATE_LIMIT_LOGIN_PER_ACCOUNT per 15 minutes", async () => {
    const target = await registerUser(guarded);
    const other = await registerUser(guarded);
    const email = String(target.user.email);
    expect(await guessesUntilRefused(email)).toEqual([...Array(LIMIT).fill(401), 429, 429, 429]);
    const blocked = await login({ email, password: "one more guess" });
    expect(blocked.body.error.code).toBe("RATE_LIMITED");
    const retryAfter = Number(blocked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Past the budget an unknown device is refused before its password is looked at, right or wrong.
    expect((await login({ email, password: target.password })).status).toBe(429);
    expect((await login({ email: String(other.user.email), password: other.password })).status).toBe(200);
  });

  it("the owner, on a device that signed in before, still gets in while the attacker is refused", async () => {
    const owner = await registerUser(guarded);
    const email = String(owner.user.email);
    // The owner's browser keeps the cookie from signing in; an app keeps deviceToken from the body.
    const signedIn = await login({ email, password: owner.password });
    expect(signedIn.status).toBe(200);
    const cookie = /boxoffice_device=([^;]+);.*HttpOnly/i.exec(signedIn.headers.get("set-cookie") ?? "")?.[1];
    expect(cookie).toBe(signedIn.body.deviceToken);
    const appToken = owner.deviceToken;
    expect(appToken).toEqual(expect.any(String));

    expect(await guessesUntilRefused(email)).toEqual([...Array(LIMIT).fill(401), 429, 429, 429]);
    expect(
      (await login({ email, password: owner.password }, { cookie: `boxoffice_device=${cookie}` })).status,
    ).toBe(200);
    expect((await login({ email, password: owner.password, deviceToken: appToken })).status).toBe(200);
    // The attacker is still bounded: no new guess is checked, and a device token is good only for the
    // account it was issued for, from a sign-in with the right password.
    const attacker = await registerUser(guarded);
    for (const deviceToken of [
      undefined,
      attacker.deviceToken,
      `${appToken?.slice(0, -2)}xx`,
      "d1.forged.1.x",
    ]) {
      const res = await login({ email, password: "still guessing", ...(deviceToken ? { deviceToken } : {}) });
      expect(res.status).toBe(429);
    }
  });

  it("a known device has a budget of its own: past it, it is an unknown device again", async () => {
    const owner = await registerUser(guarded);
    const email = String(owner.user.email);
    const deviceToken = owner.deviceToken;
    const statuses = [];
    for (let i = 0; i < LIMIT; i++) {
      statuses.push((await login({ email, password: `typo ${i} password`, deviceToken })).status);
    }
    expect(statuses).toEqual(Array(LIMIT).fill(401));
    // Its own budget spent, the device draws on the account's shared one, still untouched.
    expect((await login({ email, password: "typo again pw", deviceToken })).status).toBe(401);
    expect((await login({ email, password: owner.password, deviceToken })).status).toBe(200);
  });

  it("right passwords never count: the owner signs in as often as they like", async () => {
    const owner = await registerUser(guarded);
    const email = String(owner.user.email);
    for (let i = 0; i < 3 * LIMIT; i++) {
      expect((await login({ email, password: owner.password })).status).toBe(200);
    }
    expect(await guessesUntilRefused(email)).toEqual([...Array(LIMIT).fill(401), 429, 429, 429]);
  });

  it("concurrent guesses cannot slip past the bound together", async () => {
    const target = await registerUser(guarded);
    const email = String(target.user.email);
    const answers = await Promise.all(
      Array.from({ length: 5 * LIMIT }, (_, i) => login({ email, password: `parallel ${i} pw` })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([...Array(LIMIT).fill(401), ...Array(4 * LIMIT).fill(429)]);
  });
});
