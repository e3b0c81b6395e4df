import { createHash, randomUUID } from "node:crypto";
import { statusOf } from "@boxoffice/contracts";
import { AppError, type Clock, invalidField, isAppError } from "@boxoffice/core";
import { type Database, idempotencyKeys } from "@boxoffice/db";
import { and, eq, type SQL, sql } from "drizzle-orm";

const PENDING = 0;

/**
 * How long a claimed key belongs to the attempt that claimed it. An attempt whose process was killed (or
 * lost its database) leaves its claim behind, pending; past this, a retry with the same key takes it over
 * instead of being told "still in progress" until the key expires a day later.
 */
export const IDEMPOTENCY_LEASE_MS = 10_000;

export interface IdempotencyRequest {
  userId: string;
  scope: string;
  key: string;
  request: unknown;
}

/**
 * Runs `work` once per (user, scope, key): a retry with the same key gets the first answer, even while the
 * first is still running (it waits for it). The first answer is the work's result or its refusal (a 409
 * or 410 such as SEATS_TAKEN, replayed with its details): a client that lost the answer to a network
 * drop learns what happened, rather than what would happen now. Any other failure leaves no record, so
 * its retry runs again; so does a retry of an attempt that vanished mid-way (its process killed), once
 * the attempt's lease (IDEMPOTENCY_LEASE_MS) has run out. The same key with a different request is
 * refused with 422.
 *
 * Taking over a lease means an attempt slower than the lease may finish after its retry ran the work too:
 * for a hold that is harmless (the second hold replaces the first, same user, same seats), and the answer
 * stored is the one that finished last.
 */
export async function idempotent<T>(
  deps: { db: Database; clock: Clock },
  req: IdempotencyRequest,
  work: () => Promise<T>,
  options: { waitMs?: number; status?: number } = {},
): Promise<T> {
  if (!/^[\w.:-]{1,128}$/.test(req.key)) {
    throw invalidField(
      "Idempotency-Key",
      "must be 1-128 letters, digits, dots, colons or dashes",
      "Invalid Idempotency-Key header",
    );
  }
  const requestHash = requestHashOf(req.request);
  const where = and(
    eq(idempotencyKeys.userId, req.userId),
    eq(idempotencyKeys.scope, req.scope),
    eq(idempotencyKeys.key, req.key),
  );
  // Long enough for a retry that arrives just after its attempt died to wait out that attempt's lease.
  const deadline = Date.now() + (options.waitMs ?? IDEMPOTENCY_LEASE_MS + 5_000);
  for (;;) {
    // Each attempt marks its claim with a token of its own, so an attempt whose claim was taken over
    // neither deletes nor overwrites the claim of the attempt that took it.
    const attempt = randomUUID();
    const claimed = await deps.db
      .insert(idempotencyKeys)
      .values({
        userId: req.userId,
        scope: req.scope,
        key: req.key,
        requestHash,
        status: PENDING,
        response: { attempt },
        createdAt: deps.clock.now(),
      })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length > 0) {
      return run(deps, where, attempt, work, options.status ?? 200);
    }
    const [row] = await deps.db.select().from(idempotencyKeys).where(where);
    if (!row) {
      // The first attempt failed and let go of the key between our insert and this read: claim it.
      continue;
    }
    if (row.requestHash !== requestHash) {
      throw new AppError("IDEMPOTENCY_KEY_REUSED");
    }
    if (row.status >= 400) {
      throw refusalOf(row.response);
    }
    if (row.status !== PENDING) {
      return row.response as T;
    }
    const now = deps.clock.now();
    if (now.getTime() - row.createdAt.getTime() > IDEMPOTENCY_LEASE_MS) {
      const [taken] = await deps.db
        .update(idempotencyKeys)
        .set({ response: { attempt }, createdAt: now })
        .where(and(where, eq(idempotencyKeys.status, PENDING), eq(idempotencyKeys.createdAt, row.createdAt)))
        .returning({ key: idempotencyKeys.key });
      if (taken) {
        return run(deps, where, attempt, work, options.status ?? 200);
      }
      // Another retry took it over first: wait for that one like any attempt in progress.
    }
    if (Date.now() > deadline) {
      throw new AppError("CONFLICT", "A request with this Idempotency-Key is still in progress");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The request's fingerprint: its JSON with every object's keys sorted, so a retry that sends the same
 * fields in another order is the same request.
 */
export function requestHashOf(request: unknown): string {
  return createHash("sha256").update(canonicalJson(request)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(",")}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

async function run<T>(
  deps: { db: Database },
  where: SQL | undefined,
  attempt: string,
  work: () => Promise<T>,
  status: number,
): Promise<T> {
  const mine = and(
    where,
    eq(idempotencyKeys.status, PENDING),
    sql`${idempotencyKeys.response} ->> 'attempt' = ${attempt}`,
  );
  let result: T;
  try {
    result = await work();
  } catch (err) {
    if (isFinalRefusal(err)) {
      await deps.db
        .update(idempotencyKeys)
        .set({
          status: statusOf(err.code),
          response: { code: err.code, message: err.message, details: err.details ?? null },
        })
        .where(mine)
        .catch(() => {});
      throw err;
    }
    // Let a retry run the work again. If the database is what failed, this may fail too: the lease then
    // frees the key. Either way the caller hears about the work's own error.
    await deps.db
      .delete(idempotencyKeys)
      .where(mine)
      .catch(() => {});
    throw err;
  }
  await deps.db
    .update(idempotencyKeys)
    .set({ status, response: result as object })
    .where(mine);
  return result;
}

/**
 * A refusal that depends on what others were doing at that moment (409 seats taken, 410 hold lapsed) is
 * the answer a retry must hear again. Any other 4xx is about the request itself and comes out the same
 * when run again, so it is not written down; a 5xx, an outage or a bug says nothing about the request.
 */
function isFinalRefusal(err: unknown): err is AppError {
  if (!isAppError(err)) {
    return false;
  }
  const status = statusOf(err.code);
  return status === 409 || status === 410;
}

interface StoredRefusal {
  code: AppError["code"];
  message: string;
  details: Record<string, unknown> | null;
}

function refusalOf(response: unknown): AppError {
  const stored = response as StoredRefusal;
  return new AppError(stored.code, stored.message, stored.details ?? undefined);
}
