import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repository's root. Relative paths in the configuration are read from here, so `pnpm start` (which
 * runs in apps/api) and `pnpm admin:create` (which runs at the root) open the same data folder.
 */
export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

export function fromRepoRoot(path: string): string {
  return resolve(REPO_ROOT, path);
}

/**
 * Loads the repository's `.env` into the process environment if there is one, and says which file it
 * read. A variable already set in the environment keeps its value (the file only fills gaps).
 */
export function loadDotEnv(path = join(REPO_ROOT, ".env")): string | undefined {
  if (!existsSync(path)) {
    return undefined;
  }
  process.loadEnvFile(path);
  return path;
}
