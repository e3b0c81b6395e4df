import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fromRepoRoot, loadDotEnv, REPO_ROOT } from "./paths.ts";

describe("paths and .env", () => {
  const dir = mkdtempSync(join(tmpdir(), "boxoffice-dotenv-"));
  afterEach(() => {
    delete process.env.BOXOFFICE_DOTENV_SET;
    delete process.env.BOXOFFICE_DOTENV_GAP;
  });

  it("reads a relative path from the repository's root, whatever the working folder", () => {
    expect(fromRepoRoot("./data")).toBe(join(REPO_ROOT, "data"));
    expect(fromRepoRoot("/srv/boxoffice")).toBe("/srv/boxoffice");
    expect(existsSync(join(REPO_ROOT, "pnpm-workspace.yaml"))).toBe(true);
  });

  it("fills what the environment leaves unset from .env, and never overrides what it sets", () => {
    const file = join(dir, ".env");
    writeFileSync(file, "BOXOFFICE_DOTENV_SET=from-file\nBOXOFFICE_DOTENV_GAP=from-file\n");
    process.env.BOXOFFICE_DOTENV_SET = "from-environment";
    expect(loadDotEnv(file)).toBe(file);
    expect(process.env.BOXOFFICE_DOTENV_SET).toBe("from-environment");
    expect(process.env.BOXOFFICE_DOTENV_GAP).toBe("from-file");
    expect(loadDotEnv(join(dir, "missing.env"))).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });
});
