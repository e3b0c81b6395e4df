import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Session } from "@boxoffice/contracts";
import { embeddedEnv, spawnScript } from "@boxoffice/testkit";
import { afterAll, describe, expect, it } from "vitest";

const dataDir = mkdtempSync(join(tmpdir(), "boxoffice-main-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function startApi(extra: Record<string, string> = {}) {
  const proc = spawnScript(
    "apps/api/src/main.ts",
    [],
    embeddedEnv({ PORT: "0", DATA_DIR: dataDir, ...extra }),
  );
  const listening = await proc.waitForLog("boxoffice API listening", 60_000);
  return { proc, url: String(listening.url) };
}

async function stop(proc: ReturnType<typeof spawnScript>) {
  proc.child.kill("SIGTERM");
  return proc.exited;
}

// Each test starts real processes (tsx compiling, PGlite opening its directory), which takes seconds on a
// quiet machine and much longer on a loaded CI box; waitForLog allows 60 s for one start.
const PROCESS_TEST_TIMEOUT_MS = 120_000;

describe("the API process on the embedded defaults", () => {
  it(
    "starts with demo accounts, serves health, docs and the API, and stops cleanly on SIGTERM",
    async () => {
      const { proc, url } = await startApi({ MONGO_URI: "mongodb://localhost/boxoffice" });
      try {
        expect(proc.output()).toContain("boxoffice stores its data in PostgreSQL");
        expect(proc.output()).toContain("using an ephemeral secret");
        expect((await fetch(`${url}/healthz`)).status).toBe(200);
        expect((await fetch(`${url}/readyz`)).status).toBe(200);
        expect((await fetch(`${url}/api/openapi.json`)).status).toBe(200);
        expect((await fetch(`${url}/docs`)).status).toBe(200);
        const login = await fetch(`${url}/api/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: "admin@boxoffice.example", password: "boxoffice-admin" }),
        });
        expect(login.status).toBe(200);
        const session = (await login.json()) as Session;
        expect(session.user.roles).toContain("admin");
      } finally {
        const exit = await stop(proc);
        expect(exit.code).toBe(0);
      }
      expect(proc.output()).toContain("stopped cleanly");
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "keeps its data on disk: accounts made by admin:create survive into the next start",
    async () => {
      const create = spawnScript(
        "apps/api/src/cli/admin-create.ts",
        ["--email", "ops@example.com", "--password", "ops password 1"],
        embeddedEnv({ DATA_DIR: dataDir }),
      );
      expect((await create.exited).code).toBe(0);
      expect(create.output()).toContain("created admin ops@example.com");

      const { proc, url } = await startApi();
      try {
        expect(proc.output()).not.toContain("demo data loaded");
        const login = await fetch(`${url}/api/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: "ops@example.com", password: "ops password 1" }),
        });
        expect(login.status).toBe(200);
        expect(((await login.json()) as Session).user.roles).toContain("admin");
      } finally {
        expect((await stop(proc)).code).toBe(0);
      }
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "refuses to start in production without its secrets, naming the variable",
    async () => {
      const proc = spawnScript(
        "apps/api/src/main.ts",
        [],
        embeddedEnv({ NODE_ENV: "production", DATA_DIR: dataDir }),
      );
      const exit = await proc.exited;
      expect(exit.code).toBe(1);
      expect(proc.output()).toContain("JWT_ACCESS_SECRET is required in production");

      const weak = spawnScript(
        "apps/api/src/main.ts",
        [],
        embeddedEnv({
          NODE_ENV: "production",
          DATA_DIR: dataDir,
          JWT_ACCESS_SECRET: "short",
          JWT_REFRESH_SECRET: "x".repeat(40),
        }),
      );
      expect((await weak.exited).code).toBe(1);
      expect(weak.output()).toContain("JWT_ACCESS_SECRET is too weak");
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
