import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
/** The one database type use cases see, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** A use case that may run inside a caller's transaction takes this. */
export type DbOrTx = Database | Transaction;

export type DbConfig =
  | { kind: "postgres"; url: string; searchPath?: string; poolSize?: number }
  | { kind: "pglite"; dataDir?: string };

export interface DbHandle {
  db: Database;
  kind: DbConfig["kind"];
  /** Where the migrator keeps its journal; follows the search path so isolated schemas stay isolated. */
  migrationsSchema: string;
  ping(): Promise<void>;
  /** Runs `work` while holding a cluster-wide lock, so processes starting together migrate one at a time. */
  exclusively<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// pg_advisory_lock key for migrations: any fixed number no other code uses.
const MIGRATION_LOCK_KEY = 7_270_315_001;

/**
 * `postgres` opens a node-postgres pool; `pglite` opens embedded PostgreSQL on disk under `dataDir`, or in
 * memory when no directory is given. PGlite is single-process: never point two processes at one dataDir.
 */
export async function createDb(config: DbConfig): Promise<DbHandle> {
  if (config.kind === "postgres") {
    const pool = new pg.Pool({
      connectionString: config.url,
      max: config.poolSize ?? 10,
      ...(config.searchPath ? { options: `-c search_path=${config.searchPath}` } : {}),
    });
    // An idle client that loses its server emits 'error'; without a listener that would crash the process.
    pool.on("error", () => {});
    // So does a client checked out of the pool (a transaction between two statements) when its session is
    // ended under it, as a PostgreSQL restart ends every session: the pool's listener only covers idle
    // clients. With this one the client's next statement fails instead (a 503 to retry), and the process
    // lives on.
    pool.on("connect", (client) => {
      client.on("error", () => {});
    });
    const db = drizzleNodePg(pool, { schema }) as unknown as Database;
    return {
      db,
      kind: "postgres",
      migrationsSchema: config.searchPath?.split(",")[0] ?? "drizzle",
      async ping() {
        await pool.query("select 1");
      },
      async exclusively(work) {
        const client = await pool.connect();
        try {
          await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
          return await work();
        } finally {
          await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => {});
          client.release();
        }
      },
      async close() {
        await pool.end();
      },
    };
  }
  let dataDir: string | undefined;
  if (config.dataDir) {
    dataDir = join(config.dataDir, "pglite");
    mkdirSync(dataDir, { recursive: true });
  }
  const options = { extensions: { btree_gist } };
  const client = dataDir ? new PGlite(dataDir, options) : new PGlite(options);
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: "pglite",
    migrationsSchema: "drizzle",
    async ping() {
      await client.query("select 1");
    },
    // One process owns a PGlite directory, so there is nobody to exclude.
    exclusively: (work) => work(),
    async close() {
      await client.close();
    },
  };
}
