import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { envExample, withConfigurationTable } from "@boxoffice/core";

// Rewrites the README's configuration table and .env.example from the variables' declarations in packages/core.
const write = (name: string, make: (before: string) => string) => {
  const file = new URL(`../../../../${name}`, import.meta.url);
  const before = existsSync(file) ? readFileSync(file, "utf8") : "";
  const after = make(before);
  writeFileSync(file, after);
  console.log(`${name}: ${before === after ? "unchanged" : "updated"}`);
};
write("README.md", withConfigurationTable);
write(".env.example", () => envExample());
