import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type DbHandle } from "./client.ts";
import { PG_UNIQUE_VIOLATION, pgErrorOf } from "./errors.ts";
import { migrationsFolder, runMigrations } from "./migrate.ts";
import { users } from "./schema/index.ts";
import { createTestDb } from "./testing.ts";

describe("migrations", () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
  });
  afterAll(async () => {
    await handle.close();
  });

  it("apply again without error or change", async () => {
    await runMigrations(handle);
    await handle.ping();
  });

  it("never name the public schema, so they run inside an isolated schema", () => {
    const files = readdirSync(migrationsFolder).filter((f) => f.endsWith(".sql"));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(readFileSync(join(migrationsFolder, file), "utf8")).not.toContain('"public".');
    }
  });

  it("refuse a second account whose email differs only by case", async () => {
    await handle.db.insert(users).values({ email: "Case@Example.com" });
    const err = await handle.db
      .insert(users)
      .values({ email: "case@example.COM" })
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(pgErrorOf(err)).toEqual({ code: PG_UNIQUE_VIOLATION, constraint: "users_email_lower_key" });
  });

  it("refuse an account with neither email nor phone, and unknown roles", async () => {
    await expect(handle.db.insert(users).values({ name: "nobody" })).rejects.toThrow();
    await expect(
      handle.db.insert(users).values({ email: "r@example.com", roles: ["root" as "admin"] }),
    ).rejects.toThrow();
  });
});

describe.runIf(process.env.DATABASE_URL)("migrations on a PostgreSQL server", () => {
  it("two processes starting at once migrate one after the other, both successfully", async () => {
    const url = process.env.DATABASE_URL ?? "";
    const schema = `test_concurrent_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    const a = await createDb({ kind: "postgres", url, searchPath: schema });
    const b = await createDb({ kind: "postgres", url, searchPath: schema });
    try {
      await Promise.all([runMigrations(a), runMigrations(b)]);
      const { rows } = await admin.query(`select count(*)::int as n from "${schema}".__drizzle_migrations`);
      expect(rows[0].n).toBe(readdirSync(migrationsFolder).filter((f) => f.endsWith(".sql")).length);
    } finally {
      await a.close();
      await b.close();
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
      await admin.end();
    }
  });
});
