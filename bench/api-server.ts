/**
 * The API under test, started by bench/holds.ts and bench/blockbuster.ts in a process of its own so that
 * the load generator does not share its event loop. It is the production wiring (buildDeps + startServer
 * on a PostgreSQL server) over the bench's schema, with the hold and auth rate limits off, and with the
 * dev payment provider, so that a booking can be paid without a provider: production refuses that
 * provider, hence NODE_ENV=development, which (with DATABASE_URL set) changes only the refresh cookie's
 * Secure flag and seeds nothing.
 */

import { createLogger, loadConfig } from "@boxoffice/core";
import { createDb } from "@boxoffice/db";
import { buildDeps } from "../apps/api/src/deps.ts";
import { type RunningServer, startServer } from "../apps/api/src/server.ts";
import { answerBench, tellBench } from "./lib/ipc.ts";

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: this process is started by bench/holds.ts or bench/blockbuster.ts`);
  }
  return value;
}

async function start(): Promise<RunningServer> {
  const url = required("BENCH_DATABASE_URL");
  const schema = required("BENCH_SCHEMA");
  const { config } = loadConfig({
    NODE_ENV: "development",
    PAYMENT_PROVIDER: "dev",
    DATABASE_URL: url,
    REDIS_URL: process.env.REDIS_URL,
    // Shared by every API process of the run, so a token issued by one is good at all of them.
    JWT_ACCESS_SECRET: required("BENCH_JWT_ACCESS_SECRET"),
    JWT_REFRESH_SECRET: required("BENCH_JWT_REFRESH_SECRET"),
    RATE_LIMIT_HOLDS_PER_MIN: "0",
    RATE_LIMIT_AUTH_PER_MIN: "0",
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info",
    SHUTDOWN_TIMEOUT_MS: "2000",
  });
  // What buildDeps would open from DATABASE_URL, plus the search path that isolates the bench's schema.
  const dbHandle = await createDb({
    kind: "postgres",
    url,
    searchPath: `${schema},public`,
    poolSize: Number(required("BENCH_POOL_SIZE")),
  });
  const deps = await buildDeps(config, createLogger(config.logLevel), {
    dbHandle,
    // One prefix for the run: the API processes share the seat bus and queues as a deployment would.
    redisKeyPrefix: required("BENCH_REDIS_PREFIX"),
  });
  return startServer(deps, 0, "127.0.0.1");
}

let server: RunningServer | undefined;
let stopping = false;

async function stop(): Promise<void> {
  if (stopping) {
    return;
  }
  stopping = true;
  await server?.close().catch((err: unknown) => console.error("api-server: close failed", err));
  process.exit(0);
}

answerBench(stop);

try {
  server = await start();
  tellBench({ type: "ready", url: server.url });
} catch (err) {
  tellBench({ type: "failed", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
}
