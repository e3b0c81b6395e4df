import { environmentVariables } from "./env.ts";

export const TABLE_START =
  "<!-- configuration table: made from packages/core/src/config/env.ts by `pnpm docs:config`; edit it there -->";
export const TABLE_END = "<!-- end of configuration table -->";

/** The README's configuration table, one row per variable, from the variables' own declarations. */
export function configurationTable(): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const rows = environmentVariables().map(
    (v) => `| \`${v.name}\` | ${cell(v.shownDefault)} | ${cell(v.meaning)} |`,
  );
  return ["| variable | default | meaning |", "| --- | --- | --- |", ...rows].join("\n");
}

/** `readme` with its configuration table replaced by today's; throws if the markers are missing. */
export function withConfigurationTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) {
    throw new Error(`README.md has no configuration table between "${TABLE_START}" and "${TABLE_END}"`);
  }
  return `${readme.slice(0, start + TABLE_START.length)}\n${configurationTable()}\n${readme.slice(end)}`;
}

/**
 * `.env.example`: every variable with its meaning and default, commented out, so a copy to `.env` changes
 * nothing until a line is uncommented.
 */
export function envExample(): string {
  const plain = (text: string) => text.replace(/`/g, "");
  const blocks = environmentVariables().map((v) =>
    [`# ${plain(v.meaning)}`, `# Default: ${plain(v.shownDefault)}`, `# ${v.name}=`].join("\n"),
  );
  return [
    "# boxoffice's settings. Copy this file to .env (beside it, at the repository's root) and uncomment what you",
    "# change: every command reads it at start, and a variable already set in the environment wins over it.",
    "# Made from packages/core/src/config/env.ts by `pnpm docs:config`; edit the variables there.",
    "",
    blocks.join("\n\n"),
    "",
  ].join("\n");
}
