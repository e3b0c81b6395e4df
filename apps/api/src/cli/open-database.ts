import { createDb, type DbHandle, runMigrations } from "@boxoffice/db";
import { loadConfigOrExit } from "../bootstrap.ts";

/** The database the server would use (DATABASE_URL, or PGlite under DATA_DIR), migrated. */
export async function openMigratedDatabase(): Promise<DbHandle & { where: string }> {
  const { config } = loadConfigOrExit(process.env, {
    needsSecrets: false,
    needsPayments: false,
    needsPublicUrl: false,
  });
  const handle = await createDb(
    config.databaseUrl
      ? { kind: "postgres", url: config.databaseUrl }
      : { kind: "pglite", dataDir: config.dataDir },
  );
  await runMigrations(handle);
  return { ...handle, where: config.databaseUrl ? "DATABASE_URL" : `PGlite in ${config.dataDir}` };
}
