import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type DbHandle } from "./client.ts";
import { isDatabaseUnavailable } from "./errors.ts";

const url = process.env.DATABASE_URL;

describe.runIf(url)("a PostgreSQL pool whose server ends a session", () => {
  let handle: DbHandle;
  let admin: pg.Client;
  beforeAll(async () => {
    handle = await createDb({ kind: "postgres", url: url ?? "", poolSize: 2 });
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await handle?.close();
  });

  it("fails the transaction that had the session instead of crashing the process, and serves the next", async () => {
    // A restart (pg_ctl stop -m fast) ends every session with 57P01, also one that a transaction has
    // checked out and is not using at that instant: node-postgres then emits 'error' on that client, and
    // an 'error' nobody listens to ends the process. Terminating the backend does exactly the same.
    const outcome = await handle.db
      .transaction(async (tx) => {
        const result = await tx.execute(sql`select pg_backend_pid() as pid`);
        const pid = (result as unknown as { rows: Array<{ pid: number }> }).rows[0]?.pid;
        await admin.query("select pg_terminate_backend($1)", [pid]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await tx.execute(sql`select 1`);
      })
      .then(
        () => "committed",
        (err: unknown) => err,
      );
    expect(isDatabaseUnavailable(outcome)).toBe(true);
    await handle.ping();
  });
});
