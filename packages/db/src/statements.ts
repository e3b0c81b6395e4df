import { type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "./client.ts";

/** A statement written in SQL with positional parameters ($1, $2, ...), sent as it is. */
export interface Statement {
  text: string;
}

// Each statement's text split once at its placeholders: text, parameter number, text, ...
const compiled = new WeakMap<Statement, Array<string | number>>();

function partsOf(statement: Statement): Array<string | number> {
  let parts = compiled.get(statement);
  if (!parts) {
    parts = statement.text.split(/\$(\d+)/).map((part, i) => (i % 2 === 1 ? Number(part) : part));
    compiled.set(statement, parts);
  }
  return parts;
}

/**
 * Runs `statement` on `db` (a transaction included) through drizzle's public `execute`, so errors come
 * wrapped as from any other query. Rows are as the driver gives them: column names as written in the
 * statement, timestamps as strings, JSON parsed. For the hottest paths only: drizzle's query builder
 * renders its SQL afresh from the schema on every call, which was the largest part of a seat hold's CPU
 * in the API process; this renders a few chunks. A placeholder used twice is sent twice.
 */
export async function runStatement<Row>(db: DbOrTx, statement: Statement, params: unknown[]): Promise<Row[]> {
  const chunks: SQL[] = partsOf(statement).map((part) =>
    typeof part === "number" ? sql`${sql.param(params[part - 1])}` : sql.raw(part),
  );
  const result = await db.execute(sql.join(chunks));
  return (result as unknown as { rows: Row[] }).rows;
}
