import { defineConfig } from "drizzle-kit";

// Only `drizzle-kit generate` reads this: migrations are applied by the programmatic migrator.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema/index.ts",
  out: "./drizzle",
});
