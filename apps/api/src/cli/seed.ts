import { seedDemo, systemClock } from "@boxoffice/core";
import { openMigratedDatabase } from "./open-database.ts";

const handle = await openMigratedDatabase();
const result = await seedDemo({ db: handle.db, clock: systemClock });
console.log(`demo data seeded (${handle.where}): ${JSON.stringify(result)} new rows`);
await handle.close();
