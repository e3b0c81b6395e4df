// drizzle-kit writes `"public"."users"` in foreign keys. Migrations must run inside whatever schema the
// connection's search_path names (tests give every file its own schema), so the qualifier is removed.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = join(import.meta.dirname, "..", "drizzle");
for (const file of readdirSync(dir).filter((f) => f.endsWith(".sql"))) {
  const path = join(dir, file);
  const sql = readFileSync(path, "utf8");
  const unqualified = sql.replaceAll('"public".', "");
  if (unqualified !== sql) {
    writeFileSync(path, unqualified);
    console.log(`unqualified ${file}`);
  }
}
