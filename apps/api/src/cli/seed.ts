import { seedDemo, systemClock } from "@boxoffice/core";
import { openMigratedDatabase } from "./open-database.ts";

// The demo data includes an admin whose password is in the README: never by accident in production.
if (process.env.NODE_ENV === "production" && !process.argv.includes("--force")) {
  console.error(
    "refusing to load demo data (with its published admin password) in production; add --force to insist",
  );
  process.exit(2);
}

const handle = await openMigratedDatabase();
const result = await seedDemo({ db: handle.db, clock: systemClock });
console.log(`demo data seeded (${handle.where}): ${JSON.stringify(result)} new rows`);
await handle.close();
