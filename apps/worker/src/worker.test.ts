import {
  buildPaymentProviders,
  createLogger,
  HOLDS_QUEUE,
  inProcessSeatBus,
  PAYMENTS_QUEUE,
} from "@boxoffice/core";
import type { DbHandle } from "@boxoffice/db";
import { createTestDb } from "@boxoffice/db/testing";
import { hasRedisServer, PrivateRedis } from "@boxoffice/testkit";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker } from "./worker.ts";

describe.runIf(hasRedisServer)("the worker when its Redis restarts", () => {
  let redis: PrivateRedis;
  let handle: DbHandle;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    handle = await createTestDb();
  });
  afterAll(async () => {
    await redis?.stop("SIGKILL");
    await handle?.close();
  });

  it("schedules its periodic sweep and refund sending again, since Redis came back without them", async () => {
    const connection = new Redis(redis.port, "127.0.0.1", { maxRetriesPerRequest: null });
    connection.on("error", () => {});
    const worker = await startWorker({
      connection,
      db: handle.db,
      bus: inProcessSeatBus(),
      logger: createLogger("silent"),
      prefix: "test-worker:",
      providers: buildPaymentProviders(
        { provider: "dev", razorpay: undefined, stripe: undefined },
        "s".repeat(40),
      ).providers,
    });
    const inspector = new Redis(redis.port, "127.0.0.1", { maxRetriesPerRequest: 1 });
    inspector.on("error", () => {});
    const holds = new Queue(HOLDS_QUEUE, { connection: inspector, prefix: "test-worker:bull" });
    const payments = new Queue(PAYMENTS_QUEUE, { connection: inspector, prefix: "test-worker:bull" });
    const scheduled = async () => {
      try {
        const [sweep, refunds] = await Promise.all([
          holds.getJobScheduler("sweep-expired-holds-every-minute"),
          payments.getJobScheduler("send-due-refunds"),
        ]);
        return Boolean(sweep && refunds);
      } catch {
        return false;
      }
    };
    const eventually = async (probe: () => Promise<boolean>, ms: number) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if (await probe()) {
          return true;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return false;
    };
    try {
      expect(await scheduled()).toBe(true);
      // A failed periodic run is retried with backoff rather than waiting for the next period.
      const sweepScheduler = await holds.getJobScheduler("sweep-expired-holds-every-minute");
      expect(sweepScheduler?.template?.opts).toMatchObject({
        attempts: 4,
        backoff: { type: "exponential", delay: 1000 },
      });
      // The machine's Redis keeps nothing on disk: a restart brings it back empty.
      await redis.stop("SIGKILL");
      await redis.start();
      expect(await eventually(scheduled, 15_000)).toBe(true);
    } finally {
      await holds.close();
      await payments.close();
      inspector.disconnect();
      // BullMQ's Worker.close() sometimes waits forever on a blocking connection that lived through the
      // restart; that is not what this test is about, so the cleanup does not wait for it past 5 s.
      await Promise.race([worker.close(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
      connection.disconnect();
    }
  }, 60_000);
});
