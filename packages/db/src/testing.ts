import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDb, type DbHandle } from "./client.ts";
import { runMigrations } from "./migrate.ts";

/**
 * A fresh, migrated database for one test file. With DATABASE_URL it is a schema of its own on that
 * server (files run in parallel without seeing each other's rows, and the schema is dropped on close);
 * without it, an in-memory PGlite.
 */
export async function createTestDb(url = process.env.DATABASE_URL): Promise<DbHandle> {
  if (!url) {
    const handle = await createDb({ kind: "pglite" });
    await runMigrations(handle);
    return handle;
  }
  const schemaName = `test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schemaName}"`);
  await admin.end();
  // `public` stays on the path for the extensions migrations install there (btree_gist).
  const handle = await createDb({ kind: "postgres", url, searchPath: `${schemaName},public`, poolSize: 20 });
  await runMigrations(handle);
  return {
    ...handle,
    async close() {
      await handle.close();
      const dropper = new pg.Client({ connectionString: url });
      await dropper.connect();
      await dropper.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`);
      await dropper.end();
    },
  };
}
