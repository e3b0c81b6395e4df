import type { DbOrTx } from "./client.ts";

/** A statement written in SQL, sent as it is. */
export interface Statement {
  /** Names it as a prepared statement on node-postgres connections (PGlite ignores the name). */
  name?: string;
  text: string;
}

/**
 * Runs `statement` on `db` (a transaction included), through drizzle's own session so that errors come
 * wrapped as from any other query. Rows are as the driver gives them: column names as written in the
 * statement, timestamps as strings, JSON parsed. For the hottest paths only: drizzle's query builder
 * renders its SQL afresh from the schema on every call, which was the largest part of a seat hold's CPU
 * in the API process.
 */
export async function runStatement<Row>(db: DbOrTx, statement: Statement, params: unknown[]): Promise<Row[]> {
  const query = db._.session.prepareQuery({ sql: statement.text, params }, undefined, statement.name, false);
  const result = (await query.execute()) as { rows: Row[] };
  return result.rows;
}
