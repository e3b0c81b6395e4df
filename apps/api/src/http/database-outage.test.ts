import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerWithDatabaseDown } from "../test/database-down.ts";
import type { HttpClient } from "../test/harness.ts";

describe("while PostgreSQL is down", () => {
  let server: Awaited<ReturnType<typeof startServerWithDatabaseDown>>;
  let http: HttpClient;
  let token: string;

  beforeAll(async () => {
    server = await startServerWithDatabaseDown();
    http = server.http;
    token = await server.tokenFor();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("reads and writes answer 503 UNAVAILABLE with Retry-After, never a 500", async () => {
    const answers = [
      await http.get(`/api/seats/availability?showtimeId=${randomUUID()}`),
      await http.post("/api/seats/hold", { showtimeId: randomUUID(), seatIds: ["A1"] }, token),
      await http.post("/api/auth/login", { email: "someone@example.com", password: "a password 123" }),
      await http.request("POST", "/api/payments/webhook/dev", { raw: "{}" }),
    ];
    for (const res of answers.slice(0, 3)) {
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error: { code: "UNAVAILABLE" } });
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // A webhook is refused before the database is asked (its signature is wrong): not a 5xx at all.
    expect(answers[3]?.status).toBe(400);
  });

  it("tRPC clients get the same 503", async () => {
    const res = await http.get(
      `/trpc/seats.availability?input=${encodeURIComponent(JSON.stringify({ showtimeId: randomUUID() }))}`,
    );
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: { data: { code: "UNAVAILABLE", httpStatus: 503 } } });
  });
});
