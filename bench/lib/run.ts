import { randomBytes } from "node:crypto";
import { deleteRedisKeys } from "@boxoffice/testkit";
import type { Cleanup } from "./cleanup.ts";
import { type ServerProcess, spawnApiServer } from "./server-process.ts";

export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";

export function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) {
    parsed.password = "***";
  }
  return parsed.toString();
}

/** The `load:` line: figures from a machine busy with something else are not comparable, so say it. */
export function loadLine(idleLoad: number): string {
  return (
    `load:     ${idleLoad.toFixed(0)}% of all cores busy before the bench started` +
    (idleLoad > 10 ? " (other work is running: figures will be lower and noisier)" : "")
  );
}

/**
 * Runs a bench's main: cleanup on exit, also on Ctrl-C, and a watchdog that ends a run that hangs
 * (setup, rounds, checks or cleanup) after `limitMs`. The exit code is main's; 1 if it throws.
 */
export function runBench(cleanup: Cleanup, limitMs: number, main: () => Promise<number>): void {
  const stopOnSignal = () => {
    console.error("\ninterrupted: cleaning up");
    void cleanup.run().finally(() => process.exit(130));
  };
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);
  setTimeout(() => {
    console.error(`bench: still running after ${limitMs / 1000} s: giving up`);
    void cleanup.run().finally(() => process.exit(2));
  }, limitMs).unref();
  const guarded = async () => {
    try {
      return await main();
    } finally {
      await cleanup.run();
    }
  };
  guarded().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}

export interface JwtSecrets {
  access: string;
  refresh: string;
}

/** The run's JWT secrets: every API process gets them, so a token one issues is good at all. */
export function newJwtSecrets(): JwtSecrets {
  return { access: randomBytes(32).toString("hex"), refresh: randomBytes(32).toString("hex") };
}

export interface ApiProcessesOptions {
  count: number;
  jwtSecrets: JwtSecrets;
  databaseUrl: string;
  schema: string;
  /** application_name of their database sessions, for the CPU columns. */
  applicationName: string;
  /** Connections per process. */
  poolSize: number;
  logLevel: string;
}

/** `count` API processes sharing the run's JWT secrets and Redis prefix, all registered for cleanup. */
export async function startApiProcesses(
  options: ApiProcessesOptions,
  cleanup: Cleanup,
): Promise<ServerProcess[]> {
  const redisPrefix = `bench:${randomBytes(6).toString("hex")}:`;
  const redisUrl = process.env.REDIS_URL;
  if (redisUrl) {
    // Registered first so that it runs last, once the API processes have stopped writing.
    cleanup.push("delete the run's Redis keys", () => deleteRedisKeys(redisUrl, redisPrefix).then(() => {}));
  }
  const servers = await Promise.all(
    Array.from({ length: options.count }, (_, index) =>
      spawnApiServer({
        index,
        databaseUrl: options.databaseUrl,
        schema: options.schema,
        applicationName: options.applicationName,
        poolSize: options.poolSize,
        logLevel: options.logLevel,
        jwtSecrets: options.jwtSecrets,
        redisPrefix,
      }),
    ),
  );
  for (const server of servers) {
    cleanup.push("stop an API process", () => server.stop());
  }
  return servers;
}
