import type { ErrorBody, User } from "@boxoffice/contracts";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerAdmin, registerUser, startTestServer, type TestServer } from "../test/harness.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

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

describe("password guesses against one account", () => {
  let guarded: TestServer;
  beforeAll(async () => {
    guarded = await startTestServer({
      config: { rateLimitAuthPerMin: 0, rateLimitLoginPerAccount: 4, trustProxy: true },
    });
  });
  afterAll(async () => {
    await guarded?.close();
  });

  const login = (email: string, password: string, forwardedFor: string) =>
    guarded.http.request<ErrorBody>("POST", "/api/auth/login", {
      body: { email, password },
      headers: { "x-forwarded-for": forwardedFor },
    });

  it("past RATE_LIMIT_LOGIN_PER_ACCOUNT in 15 minutes are 429 from every address, whatever the email's case; other accounts sign in", async () => {
    const target = await registerUser(guarded);
    const other = await registerUser(guarded);
    const email = String(target.user.email);
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await login(i % 2 === 0 ? email : email.toUpperCase(), `guess ${i} password`, `203.0.113.${i + 1}`))
          .status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401]);
    const blocked = await login(email, "guess 5 password", "198.51.100.77");
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("RATE_LIMITED");
    const retryAfter = Number(blocked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Even the right password waits: the budget cannot tell the owner from a guesser that got lucky.
    expect((await login(email, target.password, "198.51.100.78")).status).toBe(429);
    expect((await login(String(other.user.email), other.password, "203.0.113.1")).status).toBe(200);
  });
});
