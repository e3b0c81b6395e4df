import pg from "pg";

export type { Pool, PoolClient, QueryResultRow } from "pg";

/** A pool set up the way packages/db's createDb sets up the API's, on the bench's own schema. */
export function openPool(url: string, schema: string, size: number, applicationName: string): pg.Pool {
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
