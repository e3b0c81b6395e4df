import type { Logger } from "@boxoffice/core";
import type { Database } from "@boxoffice/db";
import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";

export const QUEUE_NAME = "boxoffice";

export interface WorkerDeps {
  connection: Redis;
  db: Database;
  logger: Logger;
}

/**
 * One BullMQ worker on the `boxoffice` queue. Job handlers arrive with the seat-holds and notifications
 * issues; until then a job nobody handles fails loudly rather than vanishing.
 */
export async function startWorker(deps: WorkerDeps) {
  const handlers = new Map<string, (job: Job) => Promise<unknown>>();
  const worker = new Worker(
    QUEUE_NAME,
    async (job) => {
      const handler = handlers.get(job.name);
      if (!handler) {
        throw new Error(`no handler for job "${job.name}"`);
      }
      return handler(job);
    },
    { connection: deps.connection.duplicate(), autorun: true },
  );
  worker.on("failed", (job, err) =>
    deps.logger.warn({ job: job?.name, id: job?.id, err: err.message }, "job failed"),
  );
  await worker.waitUntilReady();
  return {
    queues: [QUEUE_NAME],
    close: () => worker.close(),
  };
}
