import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { lastOtp, serverForFile, uniqueEmail, uniquePhone } from "../test/harness.ts";
import type { AppRouter } from "./router.ts";

const server = serverForFile();

async function failure(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TRPCClientError) {
      return err as TRPCClientError<AppRouter>;
    }
    throw err;
  }
  throw new Error("expected the call to fail");
}

describe("errors on the tRPC endpoint have the one shape", () => {
  it("bad JSON is INVALID_JSON, as on REST, with a request id, as JSON", async () => {
    const res = await fetch(`${server.url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{bad",
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as { error: { data: { code: string; requestId?: string } } };
    expect(body.error.data.code).toBe("INVALID_JSON");
    expect(body.error.data.requestId).toBe(res.headers.get("x-request-id"));
  });

  it("a query sent as POST (refused before any context exists) still carries the request id", async () => {
    const res = await fetch(`${server.url}/trpc/users.me`, {
      method: "POST",
      headers: { "x-request-id": "rid-42" },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as { error: { data: { requestId?: string } } };
    expect(body.error.data.requestId).toBe("rid-42");
  });

  it("a batch where one call fails does not give the whole response that call's status", async () => {
    const email = uniqueEmail("batch");
    await server.trpc().auth.register.mutate({ email, password: "batch password" });
    const res = await fetch(`${server.url}/trpc/auth.login,auth.login?batch=1`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        0: { email, password: "batch password" },
        1: { email, password: "wrong password" },
      }),
    });
    expect(res.status).toBe(207);
    const body = (await res.json()) as Array<{ result?: unknown; error?: { data: { code: string } } }>;
    expect(body[0]?.result).toBeDefined();
    expect(body[1]?.error?.data.code).toBe("INVALID_CREDENTIALS");
  });
});

describe("a TypeScript client on @trpc/client over a real socket", () => {
  it("registers, reads and updates its profile, refreshes and logs out", async () => {
    const anon = server.trpc();
    const email = uniqueEmail("trpc");
    const session = await anon.auth.register.mutate({ email, password: "typed client pass", name: "Typed" });
    expect(session.user).toMatchObject({ email, name: "Typed" });

    const authed = server.trpc(session.accessToken);
    expect(await authed.users.me.query()).toMatchObject({ id: session.user.id, email });
    const updated = await authed.users.updateMe.mutate({ prefs: { email: false } });
    expect(updated.prefs).toEqual({ email: false, sms: true });

    const refreshed = await anon.auth.refresh.mutate({ refreshToken: session.refreshToken });
    expect(refreshed.user.id).toBe(session.user.id);
    const again = await anon.auth.login.mutate({ email, password: "typed client pass" });
    expect(again.user.id).toBe(session.user.id);
    expect(await anon.auth.logout.mutate({ refreshToken: refreshed.refreshToken })).toEqual({ ok: true });
  });

  it("signs in by phone + OTP", async () => {
    const anon = server.trpc();
    const phone = uniquePhone();
    await anon.auth.requestOtp.mutate({ phone });
    const session = await anon.auth.register.mutate({ phone, code: lastOtp(server, phone) });
    expect(session.user.phone).toBe(phone);
  });

  it("sees the same error object a REST client gets, under `data`, with the real HTTP status", async () => {
    const anon = server.trpc();
    const email = uniqueEmail("trpc-dup");
    await anon.auth.register.mutate({ email, password: "typed client pass" });
    const conflict = await failure(anon.auth.register.mutate({ email, password: "typed client pass" }));
    expect(conflict.data).toMatchObject({ code: "EMAIL_TAKEN", httpStatus: 409, path: "auth.register" });
    expect(conflict.data?.requestId).toBeTruthy();

    const invalid = await failure(anon.auth.login.mutate({ email: "not-an-email", password: "x" }));
    expect(invalid.data).toMatchObject({ code: "VALIDATION_FAILED", httpStatus: 400 });
    expect(invalid.data?.details?.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "email" }),
        expect.objectContaining({ path: "password" }),
      ]),
    );

    const unauth = await failure(server.trpc().users.me.query());
    expect(unauth.data).toMatchObject({ code: "UNAUTHENTICATED", httpStatus: 401 });
    expect(JSON.stringify(unauth.shape)).not.toContain("stack");
  });
});
