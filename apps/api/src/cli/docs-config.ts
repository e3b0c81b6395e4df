import { readFileSync, writeFileSync } from "node:fs";
import { withConfigurationTable } from "@boxoffice/core";

// Rewrites the README's configuration table from the variables' declarations in packages/core.
const readme = new URL("../../../../README.md", import.meta.url);
const before = readFileSync(readme, "utf8");
const after = withConfigurationTable(before);
writeFileSync(readme, after);
console.log(
  before === after ? "README.md: configuration table unchanged" : "README.md: configuration table updated",
);
