import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import {
  buildPaymentProviders,
  createLogger,
  HOLDS_QUEUE,
  inProcessSeatBus,
  PAYMENTS_QUEUE,
} from "@boxoffice/core";
import type { DbHandle } from "@boxoffice/db";
import { createTestDb } from "@boxoffice/db/testing";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker } from "./worker.ts";

const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A redis-server of this test's own, started as the machine starts its Redis: nothing kept on disk. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
    { stdio: "ignore" },
  );
  const probe = new Redis(port, "127.0.0.1", {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 100,
  });
  probe.on("error", () => {});
  for (let i = 0; i < 50; i++) {
    try {
      if (probe.status !== "ready") {
        await probe.connect();
      }
      await probe.ping();
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  probe.disconnect();
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

describe.runIf(hasRedisServer)("the worker when its Redis restarts", () => {
  let port: number;
  let redis: ChildProcess;
  let handle: DbHandle;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    handle = await createTestDb();
  });
  afterAll(async () => {
    if (redis && redis.exitCode === null) {
      await stopRedis(redis);
    }
    await handle?.close();
  });

  it("schedules its periodic sweep and refund sending again, since Redis came back without them", async () => {
    const connection = new Redis(port, "127.0.0.1", { maxRetriesPerRequest: null });
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
    const inspector = new Redis(port, "127.0.0.1", { maxRetriesPerRequest: 1 });
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
      await stopRedis(redis);
      redis = await startRedis(port);
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
