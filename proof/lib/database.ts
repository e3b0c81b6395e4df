import { randomBytes } from "node:crypto";
import { createDb, type DbHandle, runMigrations } from "@boxoffice/db";
import pg from "pg";

export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";

export interface ScenarioDatabase {
  name: string;
  url: string;
  /** A small pool for the scenario and the invariant checks. */
  pool: pg.Pool;
  /** Drizzle over the same database, for core use cases the setup calls (ensureAdmin). */
  handle: DbHandle;
  drop(): Promise<void>;
}

/** The URL of database `name` on the server `serverUrl` points at. */
export function databaseUrlOf(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A fresh database on the server `serverUrl` points at, migrated with the project's own migrator. `drop`
 * removes it even while processes are still connected (WITH (FORCE)), so a failed run leaves nothing.
 */
export async function createScenarioDatabase(serverUrl: string, scenario: string): Promise<ScenarioDatabase> {
  const name = `proof_${scenario.replace(/\W/g, "_").slice(0, 20)}_${randomBytes(4).toString("hex")}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  const url = databaseUrlOf(serverUrl, name);
  let handle: DbHandle | undefined;
  let pool: pg.Pool | undefined;
  const drop = async () => {
    await pool?.end().catch(() => {});
    await handle?.close().catch(() => {});
    pool = undefined;
    handle = undefined;
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  };
  try {
    handle = await createDb({ kind: "postgres", url, poolSize: 2 });
    await runMigrations(handle);
    pool = new pg.Pool({ connectionString: url, max: 4, application_name: "proof-runner" });
    // An idle client whose server restarts emits 'error': the outage scenario does exactly that.
    pool.on("error", () => {});
    pool.on("connect", (client) => {
      client.on("error", () => {});
    });
    return { name, url, pool, handle, drop };
  } catch (err) {
    await drop().catch(() => {});
    throw err;
  }
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
