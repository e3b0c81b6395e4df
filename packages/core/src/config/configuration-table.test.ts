import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configurationTable, withConfigurationTable } from "./configuration-table.ts";
import { ENV_VARIABLES } from "./env.ts";

const README = new URL("../../../../README.md", import.meta.url);

describe("the README's configuration table", () => {
  it("is the one made from the variables' declarations (run pnpm docs:config after changing one)", () => {
    const readme = readFileSync(README, "utf8");
    expect(withConfigurationTable(readme)).toBe(readme);
  });

  it("has a row for every variable the configuration reads, and for nothing else", () => {
    const named = [...configurationTable().matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
    expect(named).toEqual([...ENV_VARIABLES]);
  });
});
