import type { ErrorBody } from "@boxoffice/contracts";
import type { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { serverForFile, uniqueEmail } from "../test/harness.ts";
import type { AppRouter } from "../trpc/router.ts";

const server = serverForFile();

describe("a body over the limit", () => {
  it("is answered 413 with the connection closed, so no client reuses a socket the server drops", async () => {
    // The 413 goes out before the body is read; the server then stops reading and drops the socket.
    // Announced as keep-alive, the client's next request on it would fail with no answer at all.
    const limit = server.deps.config.bodyLimitBytes;
    for (const size of [limit + 1, 3 * limit, 10 * limit, 40 * limit]) {
      const res = await fetch(`${server.url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "a@example.com", password: "x".repeat(size) }),
      });
      expect(res.status).toBe(413);
      expect(res.headers.get("connection")).toBe("close");
      expect(((await res.json()) as ErrorBody).error.code).toBe("PAYLOAD_TOO_LARGE");
      const next = await fetch(`${server.url}/healthz`);
      expect(next.status).toBe(200);
      await next.body?.cancel();
    }
  });
});

describe("a body over the limit on /trpc", () => {
  it("is answered in tRPC's envelope, the error object as error.data, so a tRPC client can read it", async () => {
    const limit = server.deps.config.bodyLimitBytes;
    const data = await server
      .trpc()
      .auth.register.mutate({ email: uniqueEmail(), password: "a fine password", name: "x".repeat(limit) })
      .then(
        () => undefined,
        (err: TRPCClientError<AppRouter>) => err.data,
      );
    expect(data).toMatchObject({ code: "PAYLOAD_TOO_LARGE", httpStatus: 413 });
    expect(data?.requestId).toEqual(expect.any(String));

    const res = await fetch(`${server.url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "a@example.com", password: "x".repeat(2 * limit) }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get("connection")).toBe("close");
    const body = (await res.json()) as { error: { code: number; data: { code: string; requestId: string } } };
    expect(body.error.code).toBe(-32013);
    expect(body.error.data).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      requestId: res.headers.get("x-request-id"),
    });
  });
});
