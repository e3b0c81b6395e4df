import { randomUUID } from "node:crypto";
import { AppError, manualClock } from "@boxoffice/core";
import { type DbHandle, idempotencyKeys, users } from "@boxoffice/db";
import { createTestDb } from "@boxoffice/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IDEMPOTENCY_LEASE_MS, idempotent, requestHashOf } from "./idempotency.ts";

let handle: DbHandle;
const clock = manualClock("2026-11-24T10:00:00Z");
let userId: string;

beforeAll(async () => {
  handle = await createTestDb();
  const [user] = await handle.db
    .insert(users)
    .values({ email: `idem-${randomUUID()}@example.com` })
    .returning({ id: users.id });
  userId = user?.id ?? "";
});
afterAll(async () => {
  await handle?.close();
});

const deps = () => ({ db: handle.db, clock });
const request = (key: string) => ({ userId, scope: "test.work", key, request: { seats: ["A1"] } });

/** What a process that died between claiming the key and finishing its work leaves behind. */
async function abandonedClaim(key: string, claimedAt: Date) {
  await handle.db.insert(idempotencyKeys).values({
    userId,
    scope: "test.work",
    key,
    requestHash: requestHashOf(request(key).request),
    status: 0,
    response: {},
    createdAt: claimedAt,
  });
}

describe("Idempotency-Key", () => {
  it("answers a retry with the first answer, and runs the work once", async () => {
    let runs = 0;
    const key = randomUUID();
    const first = await idempotent(deps(), request(key), async () => ({ run: ++runs }));
    const again = await idempotent(deps(), request(key), async () => ({ run: ++runs }));
    expect([first, again, runs]).toEqual([{ run: 1 }, { run: 1 }, 1]);
  });

  it("a retry waits for a first attempt still running, and gets its answer", async () => {
    const key = randomUUID();
    let finish: (value: { run: string }) => void = () => {};
    const first = idempotent(deps(), request(key), () => new Promise<{ run: string }>((r) => (finish = r)));
    const retry = idempotent(deps(), request(key), async () => ({ run: "retry" }));
    setTimeout(() => finish({ run: "first" }), 200);
    expect(await first).toEqual({ run: "first" });
    expect(await retry).toEqual({ run: "first" });
  });

  it("a retry after the first attempt's process died takes the key over once its lease ran out", async () => {
    const key = randomUUID();
    await abandonedClaim(key, new Date(clock.now().getTime() - IDEMPOTENCY_LEASE_MS - 1));
    let runs = 0;
    const answer = await idempotent(deps(), request(key), async () => ({ run: ++runs }), { waitMs: 2_000 });
    expect(answer).toEqual({ run: 1 });
    // And the key now answers with it.
    expect(await idempotent(deps(), request(key), async () => ({ run: ++runs }))).toEqual({ run: 1 });
  });

  it("a retry waits out the lease of a claim that stopped answering, then runs the work", async () => {
    const key = randomUUID();
    await abandonedClaim(key, clock.now());
    setTimeout(() => clock.advance(IDEMPOTENCY_LEASE_MS + 1), 150);
    const answer = await idempotent(deps(), request(key), async () => ({ run: "retry" }), { waitMs: 5_000 });
    expect(answer).toEqual({ run: "retry" });
  });

  it("a first attempt refused (409, 410) answers its retry with the same refusal, details included", async () => {
    const key = randomUUID();
    let runs = 0;
    const refuse = async () => {
      runs++;
      throw new AppError("SEATS_TAKEN", "Some of these seats were just taken", { seatIds: ["A1"] });
    };
    await expect(idempotent(deps(), request(key), refuse)).rejects.toMatchObject({ code: "SEATS_TAKEN" });
    const retry = idempotent(deps(), request(key), async () => ({ run: "retry" }));
    await expect(retry).rejects.toMatchObject({
      code: "SEATS_TAKEN",
      message: "Some of these seats were just taken",
      details: { seatIds: ["A1"] },
    });
    expect(runs).toBe(1);
  });

  it("any other failure (400, 429, 5xx, a bug) leaves no record: its retry runs", async () => {
    const failures = [
      new AppError("VALIDATION_FAILED"),
      new AppError("RATE_LIMITED"),
      new AppError("UNAVAILABLE"),
      new Error("boom"),
    ];
    for (const failure of failures) {
      const key = randomUUID();
      await expect(
        idempotent(deps(), request(key), async () => {
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await idempotent(deps(), request(key), async () => ({ run: "retry" }))).toEqual({
        run: "retry",
      });
    }
  });

  it("the same key with another request is refused", async () => {
    const key = randomUUID();
    await idempotent(deps(), request(key), async () => ({ ok: true }));
    await expect(
      idempotent(deps(), { ...request(key), request: { seats: ["B2"] } }, async () => ({ ok: true })),
    ).rejects.toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
  });
});

describe("requestHashOf", () => {
  it("is the same for the same fields in another order, and differs when a value does", () => {
    const a = requestHashOf({ showtimeId: "s", seatIds: ["A1", "A2"], options: { x: 1, y: 2 } });
    expect(requestHashOf({ options: { y: 2, x: 1 }, seatIds: ["A1", "A2"], showtimeId: "s" })).toBe(a);
    expect(requestHashOf({ showtimeId: "s", seatIds: ["A2", "A1"], options: { x: 1, y: 2 } })).not.toBe(a);
    expect(requestHashOf({ showtimeId: "s", seatIds: ["A1", "A2"], options: { x: 1, y: 3 } })).not.toBe(a);
  });
});
