import { createHash } from "node:crypto";
import { type Database, idempotencyKeys } from "@boxoffice/db";
import { and, eq } from "drizzle-orm";
import type { Clock } from "./clock.ts";
import { AppError } from "./errors.ts";

const PENDING = 0;

export interface IdempotencyRequest {
  userId: string;
  scope: string;
  key: string;
  request: unknown;
}

/**
 * Runs `work` once per (user, scope, key): a retry with the same key gets the first successful answer,
 * even while the first is still running (it waits for it). A failed first attempt leaves no record, so
 * its retry runs again. The same key with a different request is refused with 422.
 */
export async function idempotent<T>(
  deps: { db: Database; clock: Clock },
  req: IdempotencyRequest,
  work: () => Promise<T>,
  options: { waitMs?: number; status?: number } = {},
): Promise<T> {
  if (!/^[\w.:-]{1,128}$/.test(req.key)) {
    throw new AppError("VALIDATION_FAILED", "Invalid Idempotency-Key header", {
      issues: [
        {
          path: "Idempotency-Key",
          message: "must be 1-128 letters, digits, dots, colons or dashes",
          code: "custom",
        },
      ],
    });
  }
  const requestHash = createHash("sha256").update(JSON.stringify(req.request)).digest("hex");
  const where = and(
    eq(idempotencyKeys.userId, req.userId),
    eq(idempotencyKeys.scope, req.scope),
    eq(idempotencyKeys.key, req.key),
  );
  const claimed = await deps.db
    .insert(idempotencyKeys)
    .values({
      userId: req.userId,
      scope: req.scope,
      key: req.key,
      requestHash,
      status: PENDING,
      response: {},
      createdAt: deps.clock.now(),
    })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (claimed.length === 0) {
    return replay<T>(deps.db, where, requestHash, options.waitMs ?? 10_000);
  }
  try {
    const result = await work();
    await deps.db
      .update(idempotencyKeys)
      .set({ status: options.status ?? 200, response: result as object })
      .where(where);
    return result;
  } catch (err) {
    await deps.db.delete(idempotencyKeys).where(where);
    throw err;
  }
}

async function replay<T>(
  db: Database,
  where: ReturnType<typeof and>,
  requestHash: string,
  waitMs: number,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const [row] = await db.select().from(idempotencyKeys).where(where);
    if (!row) {
      throw new AppError(
        "CONFLICT",
        "The first request with this Idempotency-Key failed: retry with a new key",
      );
    }
    if (row.requestHash !== requestHash) {
      throw new AppError("IDEMPOTENCY_KEY_REUSED");
    }
    if (row.status !== PENDING) {
      return row.response as T;
    }
    if (Date.now() > deadline) {
      throw new AppError("CONFLICT", "A request with this Idempotency-Key is still in progress");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
