import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "./client.ts";
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
