import { fileURLToPath } from "node:url";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { DbHandle } from "./client.ts";

export const migrationsFolder = fileURLToPath(new URL("../drizzle", import.meta.url));

/** Applies every committed SQL migration not yet applied. Safe to run at every start. */
export async function runMigrations(handle: DbHandle): Promise<void> {
  const config = { migrationsFolder, migrationsSchema: handle.migrationsSchema };
  await handle.exclusively(async () => {
    if (handle.kind === "pglite") {
      await migratePglite(handle.db as unknown as PgliteDatabase, config);
    } else {
      await migrateNodePg(handle.db as unknown as NodePgDatabase, config);
    }
  });
}
