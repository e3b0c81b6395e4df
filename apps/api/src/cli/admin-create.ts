import { parseArgs } from "node:util";
import { EmailSchema, PasswordSchema } from "@boxoffice/contracts";
import { ensureAdmin, systemClock } from "@boxoffice/core";
import { openMigratedDatabase } from "./open-database.ts";

const usage =
  "usage: pnpm admin:create --email admin@example.com --password '<at least 8 characters>' [--name 'Ops']";

const { values } = parseArgs({
  options: { email: { type: "string" }, password: { type: "string" }, name: { type: "string" } },
  strict: true,
});
const email = EmailSchema.safeParse(values.email);
const password = PasswordSchema.safeParse(values.password);
if (!email.success || !password.success) {
  console.error(
    `${!email.success ? "--email is not a valid email" : "--password must be 8 to 128 characters"}\n${usage}`,
  );
  process.exit(2);
}

// With embedded PGlite the server must be stopped first: two processes on one data directory corrupt it.
const handle = await openMigratedDatabase();
try {
  const result = await ensureAdmin(
    { db: handle.db, clock: systemClock },
    { email: email.data, password: password.data, ...(values.name ? { name: values.name } : {}) },
  );
  console.log(
    result.created
      ? `created admin ${email.data} (${handle.where})`
      : `promoted existing account ${email.data} to admin; its password is unchanged (${handle.where})`,
  );
} finally {
  await handle.close();
}
