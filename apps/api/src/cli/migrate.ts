import { openMigratedDatabase } from "./open-database.ts";

const db = await openMigratedDatabase();
console.log(`migrations applied (${db.where})`);
await db.close();
