import { createRequire } from "node:module";
// bench/ is not a workspace package, so `pg` is not resolvable from here by name: load the copy
// packages/db itself uses (same version, same driver as the API), and take its types from there too.
import type { Pool, PoolClient, PoolConfig, QueryResultRow } from "../../packages/db/node_modules/@types/pg";

export type { Pool, PoolClient, QueryResultRow };

const requireFromDb = createRequire(new URL("../../packages/db/package.json", import.meta.url));
const pg = requireFromDb("pg") as { Pool: new (config: PoolConfig) => Pool };

/** A pool set up the way packages/db's createDb sets up the API's, on the bench's own schema. */
export function openPool(url: string, schema: string, size: number, applicationName: string): Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
    options: `-c search_path=${schema},public`,
    // Names the bench's sessions in pg_stat_activity, so their CPU can be told from other sessions'.
    application_name: applicationName,
  });
  // An idle client that loses its server emits 'error'; unhandled, that would crash the bench.
  pool.on("error", () => {});
  return pool;
}
