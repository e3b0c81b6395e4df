import { randomBytes } from "node:crypto";
import { createTestDb } from "@boxoffice/db/testing";
import { Cleanup, deleteRedisKeys } from "@boxoffice/testkit";
import { backgroundLoad } from "./cpu.ts";
import type { Pool } from "./pg.ts";
import { machineLines } from "./report.ts";
import { type ServerProcess, spawnApiServer } from "./server-process.ts";

const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";

function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) {
    parsed.password = "***";
  }
  return parsed.toString();
}

/**
 * A bench's start: how busy the machine is before anything runs (figures from a machine busy with
 * something else are not comparable), then a fresh migrated schema, dropped at cleanup.
 */
export async function freshSchema(databaseUrl: string, cleanup: Cleanup) {
  const idleLoad = await backgroundLoad(1000);
  const dbHandle = await createTestDb(databaseUrl);
  cleanup.push("drop the bench schema", () => dbHandle.close());
  // createTestDb puts its fresh schema first on the search path, which is where migrations went.
  return { idleLoad, dbHandle, schema: dbHandle.migrationsSchema };
}

/** The report's head: its title, the machine, the database, the bench's parameters, the `load:` line. */
export async function printHead(
  title: string,
  pool: Pool,
  run: { idleLoad: number; databaseUrl: string; schema: string },
  parameters: () => void,
) {
  const { idleLoad } = run;
  const version = (await pool.query<{ v: string }>("SELECT version() AS v")).rows[0]?.v ?? "PostgreSQL ?";
  console.log(`${title}\n`);
  for (const line of machineLines(version)) {
    console.log(line);
  }
  console.log(`database: ${redactedUrl(run.databaseUrl)}, schema ${run.schema} (dropped at exit)`);
  parameters();
  console.log(
    `load:     ${idleLoad.toFixed(0)}% of all cores busy before the bench started` +
      (idleLoad > 10 ? " (other work is running: figures will be lower and noisier)" : ""),
  );
}

/**
 * Runs a bench's main: cleanup on exit, also on Ctrl-C, and a watchdog that ends a run that hangs
 * (setup, rounds, checks or cleanup) after `limitMs`. The exit code is main's; 1 if it throws.
 */
export function runBench(
  limitMs: number,
  main: (run: { databaseUrl: string; cleanup: Cleanup }) => Promise<number>,
): void {
  const cleanup = new Cleanup();
  const undo = async () => {
    for (const failure of await cleanup.run()) {
      console.error(failure);
    }
  };
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const stopOnSignal = () => {
    console.error("\ninterrupted: cleaning up");
    void undo().finally(() => process.exit(130));
  };
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);
  setTimeout(() => {
    console.error(`bench: still running after ${limitMs / 1000} s: giving up`);
    void undo().finally(() => process.exit(2));
  }, limitMs).unref();
  const guarded = async () => {
    try {
      return await main({ databaseUrl, cleanup });
    } finally {
      await undo();
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
