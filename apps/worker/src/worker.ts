import {
  EXPIRE_HOLD_JOB,
  HOLDS_QUEUE,
  type Logger,
  PAYMENTS_QUEUE,
  type PaymentProviders,
  processRefunds,
  SEND_REFUNDS_JOB,
  type SeatBus,
  SWEEP_JOB,
  sweepExpiredHolds,
  systemClock,
} from "@boxoffice/core";
import type { Database } from "@boxoffice/db";
import { type Job, Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";

export interface WorkerDeps {
  connection: Redis;
  db: Database;
  bus: SeatBus;
  logger: Logger;
  prefix: string;
  providers: PaymentProviders;
}

/** How often the scheduler sweeps lapsed holds, whatever the per-hold delayed jobs did. */
export const SWEEP_EVERY_MS = 60_000;
/** How often refunds that are due (new, or backing off after a failure) are sent to their provider. */
export const REFUNDS_EVERY_MS = 15_000;

/**
 * A periodic run that fails (the database away for a moment) is retried within seconds, not left for
 * the next period; the retries stay well inside the shortest period (15 s: 1 + 2 + 4 s).
 */
export const PERIODIC_JOB_OPTIONS = {
  attempts: 4,
  backoff: { type: "exponential" as const, delay: 1000 },
  removeOnComplete: true,
  removeOnFail: 100,
};

/**
 * BullMQ workers for the hold-expiry queue: a job scheduler sweeps every minute, and each hold's
 * delayed job (added by the API at its expiry) runs the same idempotent sweep so seats are announced
 * free promptly. Failed jobs retry with exponential backoff: the periodic ones with PERIODIC_JOB_OPTIONS,
 * each hold's delayed job with the options its producer sets.
 */
export async function startWorker(deps: WorkerDeps) {
  const bullPrefix = `${deps.prefix}bull`;
  const sweep = async (job: Job) => {
    const result = await sweepExpiredHolds({ db: deps.db, clock: systemClock, bus: deps.bus });
    if (result.seats > 0 || result.holds > 0) {
      deps.logger.info({ job: job.name, ...result }, "lapsed holds swept");
    }
    return result;
  };
  const handlers = new Map<string, (job: Job) => Promise<unknown>>([
    [SWEEP_JOB, sweep],
    [EXPIRE_HOLD_JOB, sweep],
  ]);
  // One connection for both schedulers' queues, watched below.
  const schedulerConnection = deps.connection.duplicate();
  const queue = new Queue(HOLDS_QUEUE, { connection: schedulerConnection, prefix: bullPrefix });
  const payments = new Queue(PAYMENTS_QUEUE, { connection: schedulerConnection, prefix: bullPrefix });
  const schedule = async () => {
    await queue.upsertJobScheduler(
      "sweep-expired-holds-every-minute",
      { every: SWEEP_EVERY_MS },
      { name: SWEEP_JOB, opts: PERIODIC_JOB_OPTIONS },
    );
    await payments.upsertJobScheduler(
      "send-due-refunds",
      { every: REFUNDS_EVERY_MS },
      { name: SEND_REFUNDS_JOB, opts: PERIODIC_JOB_OPTIONS },
    );
  };
  await schedule();
  // Job schedulers live in Redis, and a Redis that restarts without persistence (as the machine's does)
  // comes back without them: no more periodic sweeps, and refunds left pending would never be sent. Put
  // them back on every reconnection (upserting is idempotent; a new one runs at once, catching up). The
  // connection is ready by now, so every "ready" from here on is a reconnection.
  schedulerConnection.on("ready", () => {
    schedule().then(
      () => deps.logger.info("reconnected to Redis: periodic jobs scheduled again"),
      (err: unknown) =>
        deps.logger.warn(
          { err: err instanceof Error ? err.message : String(err) },
          "could not schedule the periodic jobs again after reconnecting to Redis",
        ),
    );
  });
  // The API sends a refund the moment it decides it; this catches what failed or what a crash left.
  const refunder = new Worker(
    PAYMENTS_QUEUE,
    async (job) => {
      if (job.name !== SEND_REFUNDS_JOB) {
        throw new Error(`no handler for job "${job.name}"`);
      }
      const result = await processRefunds({
        db: deps.db,
        clock: systemClock,
        providers: deps.providers,
        logger: deps.logger,
      });
      if (result.processed + result.submitted + result.failed > 0) {
        deps.logger.info(result, "due refunds sent");
      }
      return result;
    },
    { connection: deps.connection.duplicate(), prefix: bullPrefix, concurrency: 1 },
  );
  refunder.on("failed", (job, err) =>
    deps.logger.warn({ job: job?.name, id: job?.id, err: err.message }, "job failed"),
  );
  const worker = new Worker(
    HOLDS_QUEUE,
    async (job) => {
      const handler = handlers.get(job.name);
      if (!handler) {
        throw new Error(`no handler for job "${job.name}"`);
      }
      return handler(job);
    },
    { connection: deps.connection.duplicate(), prefix: bullPrefix, concurrency: 2 },
  );
  worker.on("failed", (job, err) =>
    deps.logger.warn({ job: job?.name, id: job?.id, err: err.message }, "job failed"),
  );
  // Without a listener BullMQ prints each connection error as a bare stack trace on stderr (a Redis restart
  // makes several); they belong in the JSON log, beside the reconnection that follows them.
  const logConnectionError = (part: string) => (err: Error) =>
    deps.logger.warn({ err: err.message, part }, "redis connection error");
  worker.on("error", logConnectionError("holds worker"));
  refunder.on("error", logConnectionError("refund worker"));
  queue.on("error", logConnectionError("holds queue"));
  payments.on("error", logConnectionError("payments queue"));
  await worker.waitUntilReady();
  await refunder.waitUntilReady();
  return {
    queues: [HOLDS_QUEUE, PAYMENTS_QUEUE],
    close: async () => {
      await worker.close();
      await refunder.close();
      await queue.close();
      await payments.close();
      schedulerConnection.disconnect();
    },
  };
}
