import { createHash } from "node:crypto";
import type { ErrorBody, Session, User } from "@boxoffice/contracts";
import type { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import {
  accountRowCounts,
  issuePaths,
  lastOtp,
  registerUser,
  serverForFile,
  uniqueEmail,
  uniquePhone,
} from "../../test/harness.ts";
import type { AppRouter } from "../router.ts";

const server = serverForFile();

describe("accounts over REST", () => {
  it("registering with email + password answers 201 with a session, a refresh cookie and the profile", async () => {
    const email = uniqueEmail();
    const res = await server.http.post<Session>("/api/auth/register", {
      email,
      password: "a long enough password",
      name: "Asha",
    });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email, name: "Asha", roles: ["user"], phone: null });
    expect(res.body.accessToken.split(".")).toHaveLength(3);
    expect(res.body.refreshToken.length).toBeGreaterThan(30);
    expect(res.headers.get("set-cookie")).toMatch(/^boxoffice_refresh=[^;]+;.*HttpOnly/i);
    expect(JSON.stringify(res.body)).not.toContain("password");

    const me = await server.http.get<User>("/api/users/me", res.body.accessToken);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: res.body.user.id, email, name: "Asha" });
  });

  it("signs in with the password, case-insensitively on the email", async () => {
    const account = await registerUser(server, { email: uniqueEmail("casey") });
    const res = await server.http.post<Session>("/api/auth/login", {
      email: account.user.email?.toUpperCase(),
      password: account.password,
    });
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(account.user.id);
  });

  it("a wrong password and an unknown email get the same 401, so accounts cannot be enumerated", async () => {
    const account = await registerUser(server);
    const wrong = await server.http.post<ErrorBody>("/api/auth/login", {
      email: account.user.email,
      password: "not the password",
    });
    const unknown = await server.http.post<ErrorBody>("/api/auth/login", {
      email: uniqueEmail("ghost"),
      password: "not the password",
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = ({ error: { requestId: _id, ...rest } }: ErrorBody) => rest;
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
    expect(wrong.body.error.code).toBe("INVALID_CREDENTIALS");
  });

  it("an email differing only by case from an existing one is a 409 and creates nothing", async () => {
    const email = uniqueEmail("dup");
    await registerUser(server, { email });
    const before = await accountRowCounts(server);
    const res = await server.http.post<ErrorBody>("/api/auth/register", {
      email: email.toUpperCase(),
      password: "another password",
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("EMAIL_TAKEN");
    expect(await accountRowCounts(server)).toEqual(before);
  });

  it("two simultaneous registrations of one email yield one account and one 409", async () => {
    const email = uniqueEmail("race");
    const results = await Promise.all(
      [email, email.toUpperCase()].map((e) =>
        server.http.post("/api/auth/register", { email: e, password: "racing password" }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it("PATCH /users/me changes name, phone and prefs, and refuses an attempt to set roles", async () => {
    const account = await registerUser(server);
    const phone = uniquePhone();
    await server.http.post("/api/auth/otp/request", { phone });
    const ok = await server.http.patch<User>(
      "/api/users/me",
      { name: "New Name", phone, code: lastOtp(server, phone), prefs: { sms: false } },
      account.accessToken,
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      name: "New Name",
      phone,
      prefs: { email: true, sms: false },
      roles: ["user"],
    });

    const sneaky = await server.http.patch<ErrorBody>(
      "/api/users/me",
      { name: "Admin?", roles: ["admin"] },
      account.accessToken,
    );
    expect(sneaky.status).toBe(400);
    expect(sneaky.body.error.details?.issues).toEqual([
      { path: "roles", message: "is not a known field", code: "unrecognized_key" },
    ]);
    const me = await server.http.get<User>("/api/users/me", account.accessToken);
    expect(me.body).toMatchObject({ name: "New Name", roles: ["user"] });
  });

  it("PATCH /users/me with nothing to change answers the profile as it was, updatedAt included", async () => {
    const account = await registerUser(server);
    const before = await server.http.get<User>("/api/users/me", account.accessToken);
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const body of [{}, { prefs: {} }]) {
      const res = await server.http.patch<User>("/api/users/me", body, account.accessToken);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(before.body);
    }
  });

  it("taking a phone number another account uses is a 409", async () => {
    const first = await registerUser(server);
    const second = await registerUser(server);
    const phone = uniquePhone();
    await server.http.post("/api/auth/otp/request", { phone });
    const claim = await server.http.patch(
      "/api/users/me",
      { phone, code: lastOtp(server, phone) },
      first.accessToken,
    );
    expect(claim.status).toBe(200);
    await server.http.post("/api/auth/otp/request", { phone });
    const res = await server.http.patch<ErrorBody>(
      "/api/users/me",
      { phone, code: lastOtp(server, phone) },
      second.accessToken,
    );
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("PHONE_TAKEN");
  });

  it("nobody can claim a phone number without the code sent to it", async () => {
    const account = await registerUser(server);
    const phone = uniquePhone();
    const bare = await server.http.patch<ErrorBody>("/api/users/me", { phone }, account.accessToken);
    expect(bare.status).toBe(400);
    expect(issuePaths(bare.body)).toEqual(["code"]);
    await server.http.post("/api/auth/otp/request", { phone });
    const wrongCode = lastOtp(server, phone) === "123456" ? "654321" : "123456";
    const guessed = await server.http.patch<ErrorBody>(
      "/api/users/me",
      { phone, code: wrongCode },
      account.accessToken,
    );
    expect(guessed.status).toBe(401);
    expect(guessed.body.error.code).toBe("INVALID_CODE");
    const me = await server.http.get<User>("/api/users/me", account.accessToken);
    expect(me.body.phone).toBeNull();
    // The number is still free for its real owner.
    await server.http.post("/api/auth/otp/request", { phone });
    expect(
      (await server.http.post("/api/auth/register", { phone, code: lastOtp(server, phone) })).status,
    ).toBe(201);
  });
});

describe("refresh tokens", () => {
  it("rotate on every use: the new pair works and the old refresh token does not", async () => {
    const account = await registerUser(server);
    const first = await server.http.post<Session>("/api/auth/refresh", {
      refreshToken: account.refreshToken,
    });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(account.refreshToken);
    expect((await server.http.get("/api/users/me", first.body.accessToken)).status).toBe(200);

    const second = await server.http.post<Session>("/api/auth/refresh", {
      refreshToken: first.body.refreshToken,
    });
    expect(second.status).toBe(200);
  });

  it("a rotated token presented again is a 401 and revokes its whole family", async () => {
    const account = await registerUser(server);
    const rotated = await server.http.post<Session>("/api/auth/refresh", {
      refreshToken: account.refreshToken,
    });
    expect(rotated.status).toBe(200);

    const replay = await server.http.post<ErrorBody>("/api/auth/refresh", {
      refreshToken: account.refreshToken,
    });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe("INVALID_TOKEN");
    // The thief's replay also signs out the legitimate holder of the newest token.
    const latest = await server.http.post("/api/auth/refresh", { refreshToken: rotated.body.refreshToken });
    expect(latest.status).toBe(401);
  });

  it("another sign-in of the same user is a separate family and survives that revocation", async () => {
    const account = await registerUser(server);
    const other = await server.http.post<Session>("/api/auth/login", {
      email: account.user.email,
      password: account.password,
    });
    await server.http.post("/api/auth/refresh", { refreshToken: account.refreshToken });
    await server.http.post("/api/auth/refresh", { refreshToken: account.refreshToken });
    expect(
      (await server.http.post("/api/auth/refresh", { refreshToken: other.body.refreshToken })).status,
    ).toBe(200);
  });

  it("can come from the httpOnly cookie instead of the body", async () => {
    const account = await registerUser(server);
    const res = await server.http.request<Session>("POST", "/api/auth/refresh", {
      body: {},
      headers: { cookie: `boxoffice_refresh=${account.refreshToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(account.user.id);
  });

  it("with the cookie as the credential, a form post or a non-JSON body is refused 415 and rotates nothing", async () => {
    const account = await registerUser(server);
    const cookie = `boxoffice_refresh=${account.refreshToken}`;
    // What a page on another site can make a browser send without asking: form encodings and text.
    for (const [type, raw] of [
      ["application/x-www-form-urlencoded", ""],
      ["application/x-www-form-urlencoded", "refreshToken="],
      ["multipart/form-data; boundary=x", "--x--"],
      ["text/plain", "{}"],
    ] as const) {
      for (const path of ["/api/auth/refresh", "/api/auth/logout"]) {
        const res = await server.http.request<ErrorBody>("POST", path, {
          raw,
          headers: { cookie, "content-type": type },
        });
        expect(`${path} ${type}: ${res.status}`).toBe(`${path} ${type}: 415`);
      }
    }
    const bare = await fetch(`${server.url}/api/auth/refresh`, { method: "POST", headers: { cookie } });
    expect(bare.status).toBe(415);
    // Over tRPC the same: its form-data handling never reaches the cookie.
    const viaTrpc = await fetch(`${server.url}/trpc/auth.refresh`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: "",
    });
    expect(viaTrpc.status).toBeGreaterThanOrEqual(400);
    // Nothing was rotated or revoked: the cookie's token is still the live one.
    const ok = await server.http.request<Session>("POST", "/api/auth/refresh", {
      body: {},
      headers: { cookie },
    });
    expect(ok.status).toBe(200);
  });

  it("with the cookie as the credential, an Origin outside CLIENT_URL is refused 403; a listed one is fine", async () => {
    const account = await registerUser(server);
    const cookie = `boxoffice_refresh=${account.refreshToken}`;
    for (const origin of [
      "https://evil.example",
      "null",
      `${server.deps.config.corsOrigins[0]}.evil.example`,
    ]) {
      for (const path of ["/api/auth/refresh", "/api/auth/logout"]) {
        const res = await server.http.request<ErrorBody>("POST", path, {
          body: {},
          headers: { cookie, origin },
        });
        expect(`${path} from ${origin}: ${res.status} ${res.body.error.code}`).toBe(
          `${path} from ${origin}: 403 FORBIDDEN`,
        );
      }
    }
    const listed = await server.http.request<Session>("POST", "/api/auth/refresh", {
      body: {},
      headers: { cookie, origin: server.deps.config.corsOrigins[0] ?? "" },
    });
    expect(listed.status).toBe(200);
    // A token in the body is its own credential: where the request comes from does not matter.
    const inBody = await server.http.request<Session>("POST", "/api/auth/refresh", {
      body: { refreshToken: listed.body.refreshToken },
      headers: { origin: "https://evil.example" },
    });
    expect(inBody.status).toBe(200);
  });

  it("logout revokes the token; a second logout is harmless", async () => {
    const account = await registerUser(server);
    const out = await server.http.post("/api/auth/logout", { refreshToken: account.refreshToken });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/boxoffice_refresh=;.*Max-Age=0/i);
    expect((await server.http.post("/api/auth/logout", { refreshToken: account.refreshToken })).status).toBe(
      200,
    );
    expect((await server.http.post("/api/auth/refresh", { refreshToken: account.refreshToken })).status).toBe(
      401,
    );
  });

  it("a made-up refresh token is a 401", async () => {
    const res = await server.http.post<ErrorBody>("/api/auth/refresh", { refreshToken: "made-up-token" });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("INVALID_TOKEN");
  });
});

describe("phone + OTP", () => {
  it("registers with a code sent by SMS, then signs in with a fresh one", async () => {
    const phone = uniquePhone();
    const sent = await server.http.post<{ ok: true; expiresAt: string }>("/api/auth/otp/request", { phone });
    expect(sent.status).toBe(200);
    expect(Date.parse(sent.body.expiresAt) - Date.now()).toBeGreaterThan(4 * 60_000);

    const reg = await server.http.post<Session>("/api/auth/register", {
      phone,
      code: lastOtp(server, phone),
    });
    expect(reg.status).toBe(201);
    expect(reg.body.user).toMatchObject({ phone, email: null });

    await server.http.post("/api/auth/otp/request", { phone });
    const login = await server.http.post<Session>("/api/auth/login", { phone, code: lastOtp(server, phone) });
    expect(login.status).toBe(200);
    expect(login.body.user.id).toBe(reg.body.user.id);
  });

  it("a code works once", async () => {
    const phone = uniquePhone();
    await server.http.post("/api/auth/otp/request", { phone });
    const code = lastOtp(server, phone);
    expect((await server.http.post("/api/auth/register", { phone, code })).status).toBe(201);
    expect((await server.http.post("/api/auth/login", { phone, code })).status).toBe(401);
  });

  it("five wrong guesses are 401s; the sixth is locked even with the right code", async () => {
    const phone = uniquePhone();
    await server.http.post("/api/auth/otp/request", { phone });
    const code = lastOtp(server, phone);
    const wrong = code === "000000" ? "111111" : "000000";
    for (let attempt = 1; attempt <= 5; attempt++) {
      const res = await server.http.post<ErrorBody>("/api/auth/register", { phone, code: wrong });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: "INVALID_CODE", details: { attemptsLeft: 5 - attempt } });
    }
    const sixth = await server.http.post<ErrorBody>("/api/auth/register", { phone, code });
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe("OTP_LOCKED");
    // A new code starts over.
    await server.http.post("/api/auth/otp/request", { phone });
    expect(
      (await server.http.post("/api/auth/register", { phone, code: lastOtp(server, phone) })).status,
    ).toBe(201);
  });

  it("twenty simultaneous code requests for one phone send exactly five codes", async () => {
    const phone = uniquePhone();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => server.http.post("/api/auth/otp/request", { phone })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(15);
    expect(results.find((r) => r.status === 429)?.headers.get("retry-after")).toBe("3600");
    expect(server.sms.sent.filter((m) => m.to === phone)).toHaveLength(5);
  });

  it("codes are stored hashed", async () => {
    const phone = uniquePhone();
    await server.http.post("/api/auth/otp/request", { phone });
    const code = lastOtp(server, phone);
    const rows = await server.deps.db.query.otpCodes.findMany({ where: (t, { eq }) => eq(t.phone, phone) });
    expect(rows).toHaveLength(1);
    const hash = rows[0]!.codeHash;
    expect(hash).not.toContain(code);
    // Keyed: six digits hashed without the server's secret would fall to a million guesses.
    for (const guess of [code, `${phone}:${code}`, `${phone}${code}`]) {
      for (const encoding of ["hex", "base64url"] as const) {
        expect(hash).not.toBe(createHash("sha256").update(guess).digest(encoding));
      }
    }
    expect(hash).toBe(server.deps.tokens.hashOtp(phone, code));
  });
});

describe("bad input is a 4xx that names the field and changes nothing", () => {
  it("malformed JSON is a 400 INVALID_JSON", async () => {
    const before = await accountRowCounts(server);
    const res = await server.http.request<ErrorBody>("POST", "/api/auth/register", {
      raw: '{"email": "a@b.c",',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVALID_JSON");
    expect(res.body.error.requestId).toBeTruthy();
    expect(await accountRowCounts(server)).toEqual(before);
  });

  it("wrong types list every bad field path", async () => {
    const before = await accountRowCounts(server);
    const res = await server.http.post<ErrorBody>("/api/auth/register", {
      email: 42,
      password: ["x"],
      name: "",
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    const paths = issuePaths(res.body).sort();
    expect(paths).toEqual(["email", "name", "password"]);
    expect(await accountRowCounts(server)).toEqual(before);
  });

  it("an unknown field trying to set roles on registration is refused", async () => {
    const before = await accountRowCounts(server);
    const res = await server.http.post<ErrorBody>("/api/auth/register", {
      email: uniqueEmail(),
      password: "a fine password",
      roles: ["admin"],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.issues).toContainEqual({
      path: "roles",
      message: "is not a known field",
      code: "unrecognized_key",
    });
    expect(await accountRowCounts(server)).toEqual(before);
  });

  it("half a credential pair names the missing half", async () => {
    const res = await server.http.post<ErrorBody>("/api/auth/login", { email: uniqueEmail() });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.issues).toEqual([
      { path: "password", message: "is required", code: "custom" },
    ]);
  });

  it("a body over the limit is a 413", async () => {
    const before = await accountRowCounts(server);
    const res = await server.http.post<ErrorBody>("/api/auth/register", {
      email: uniqueEmail(),
      password: "a fine password",
      name: "x".repeat(server.deps.config.bodyLimitBytes + 10),
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await accountRowCounts(server)).toEqual(before);
  });

  it("a non-JSON content type is a 415", async () => {
    const res = await server.http.request<ErrorBody>("POST", "/api/auth/login", {
      raw: "email=a@b.c",
      headers: { "content-type": "text/plain" },
    });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("a string where a boolean belongs is a 400, never silently coerced (on REST and on tRPC)", async () => {
    const account = await registerUser(server);
    const rest = await server.http.patch<ErrorBody>(
      "/api/users/me",
      { prefs: { sms: "false" } },
      account.accessToken,
    );
    expect(rest.status).toBe(400);
    expect(rest.body.error.details?.issues).toEqual([expect.objectContaining({ path: "prefs.sms" })]);
    const viaTrpc = await server
      .trpc(account.accessToken)
      .users.updateMe.mutate({ prefs: { email: "no" as unknown as boolean } })
      .then(
        () => undefined,
        (err: TRPCClientError<AppRouter>) => err.data,
      );
    expect(viaTrpc).toMatchObject({ code: "VALIDATION_FAILED", httpStatus: 400 });
    const me = await server.http.get<User>("/api/users/me", account.accessToken);
    expect(me.body.prefs).toEqual({ email: true, sms: true });
  });

  it("a body that is JSON but not an object is a 400 naming the body", async () => {
    for (const raw of ["[]", "null", '"text"', "42"]) {
      const res = await server.http.request<ErrorBody>("POST", "/api/auth/login", { raw });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
    }
  });

  it("a known path with the wrong method is a 405 with Allow", async () => {
    const res = await server.http.get<ErrorBody>("/api/auth/login");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect(res.body.error.code).toBe("METHOD_NOT_ALLOWED");
  });

  it("HEAD on a REST route answers as GET does, without a body, and Allow names it", async () => {
    const account = await registerUser(server);
    const head = await server.http.request("HEAD", "/api/users/me", { token: account.accessToken });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toContain("application/json");
    expect(head.body).toBeUndefined();
    expect((await server.http.request("HEAD", "/api/users/me")).status).toBe(401);
    const wrong = await server.http.request<ErrorBody>("PUT", "/api/users/me", {
      token: account.accessToken,
    });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")?.split(", ").sort()).toEqual(["GET", "HEAD", "PATCH"]);
  });

  it("a NUL or other control character in text is a 400 on the field, on both transports", async () => {
    const before = await accountRowCounts(server);
    const rest = await server.http.post<ErrorBody>("/api/auth/register", {
      email: uniqueEmail(),
      password: "a fine password",
      name: "a\u0000b",
    });
    expect(rest.status).toBe(400);
    expect(issuePaths(rest.body)).toEqual(["name"]);
    const account = await registerUser(server);
    const patch = await server.http.patch<ErrorBody>(
      "/api/users/me",
      { name: "bell\u0007" },
      account.accessToken,
    );
    expect(issuePaths(patch.body)).toEqual(["name"]);
    const viaTrpc = await server
      .trpc()
      .auth.register.mutate({ email: uniqueEmail(), password: "a fine password", name: "\u0000" })
      .then(
        () => undefined,
        (err: TRPCClientError<AppRouter>) => err.data,
      );
    expect(viaTrpc).toMatchObject({ code: "VALIDATION_FAILED", httpStatus: 400 });
    expect((await accountRowCounts(server)).users).toBe(before.users + 1);
  });

  it("malformed percent-encoding in a path is a 400, before anything else", async () => {
    for (const path of ["/api/admin/users/%zz", "/api/admin/users/%E0%A4%A"]) {
      const res = await server.http.get<ErrorBody>(path);
      expect(res.status).toBe(400);
      expect(issuePaths(res.body)).toEqual(["id"]);
    }
  });

  it("query parameters a route does not take, such as a cache buster, are ignored", async () => {
    const account = await registerUser(server);
    const res = await server.http.get<User>(
      "/api/users/me?_=1700000000&utm_source=mail",
      account.accessToken,
    );
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(account.user.id);
  });

  it("an unknown path is a JSON 404", async () => {
    const res = await server.http.get<ErrorBody>("/api/no/such/thing");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
  });
});
