import { Queue } from "bullmq";
import type { Redis } from "ioredis";

export const HOLDS_QUEUE = "holds";
export const SWEEP_JOB = "sweep-expired-holds";
export const EXPIRE_HOLD_JOB = "expire-hold";
export const PAYMENTS_QUEUE = "payments";
export const SEND_REFUNDS_JOB = "send-due-refunds";

export interface HoldExpiryProducer {
  /** Asks the worker to announce the hold's seats free the moment it lapses. */
  schedule(holdId: string, expiresAt: Date): void;
  close(): Promise<void>;
}

/**
 * Adds one delayed job per hold (and per extension) at its expiry. Losing one is harmless: the
 * worker's every-minute sweep catches whatever a delayed job missed.
 */
export function holdExpiryProducer(
  connection: Redis,
  options: { prefix?: string; now: () => Date; onError: (err: Error) => void },
): HoldExpiryProducer {
  const queue = new Queue(HOLDS_QUEUE, {
    connection,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: "exponential", delay: 1000 },
      removeOnComplete: true,
      removeOnFail: 1000,
    },
  });
  queue.on("error", options.onError);
  return {
    schedule(holdId, expiresAt) {
      const delay = Math.max(0, expiresAt.getTime() - options.now().getTime());
      queue
        .add(EXPIRE_HOLD_JOB, { holdId }, { delay, jobId: `expire-${holdId}-${expiresAt.getTime()}` })
        .catch(options.onError);
    },
    close: () => queue.close(),
  };
}
