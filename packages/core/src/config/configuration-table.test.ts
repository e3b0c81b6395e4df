import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configurationTable, envExample, withConfigurationTable } from "./configuration-table.ts";
import { ENV_VARIABLES } from "./env.ts";

const README = new URL("../../../../README.md", import.meta.url);
const ENV_EXAMPLE = new URL("../../../../.env.example", import.meta.url);

describe("the README's configuration table", () => {
  it("is the one made from the variables' declarations (run pnpm docs:config after changing one)", () => {
    const readme = readFileSync(README, "utf8");
    expect(withConfigurationTable(readme)).toBe(readme);
  });

  it("has a row for every variable the configuration reads, and for nothing else", () => {
    const named = [...configurationTable().matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
    expect(named).toEqual([...ENV_VARIABLES]);
  });

  it(".env.example is the one made from them too, every variable commented out", () => {
    const example = readFileSync(ENV_EXAMPLE, "utf8");
    expect(example).toBe(envExample());
    const named = [...example.matchAll(/^# (\w+)=$/gm)].map((m) => m[1]);
    expect(named).toEqual([...ENV_VARIABLES]);
    expect(example).not.toMatch(/^[A-Z_]+=/m);
  });
});
