import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { Session } from "@boxoffice/contracts";
import { embeddedEnv, PRODUCTION_ENV, repoRoot, spawnScript } from "@boxoffice/testkit";
import { afterAll, describe, expect, it } from "vitest";

const dataDir = mkdtempSync(join(tmpdir(), "boxoffice-main-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function startApi(extra: Record<string, string> = {}, options: { cwd?: string } = {}) {
  const proc = spawnScript(
    "apps/api/src/main.ts",
    [],
    embeddedEnv({ PORT: "0", DATA_DIR: dataDir, ...extra }),
    options,
  );
  const listening = await proc.waitForLog("boxoffice API listening", 60_000);
  return { proc, url: String(listening.url) };
}

const login = (url: string, email: string, password: string) =>
  fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });

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
        expect(proc.output()).toContain("using the development secret kept in");
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
    "reads a relative DATA_DIR from the repository's root: the admin admin:create makes at the root signs in to the server pnpm start runs in apps/api",
    async () => {
      const own = mkdtempSync(join(tmpdir(), "boxoffice-relative-"));
      const relativeDir = relative(repoRoot, own);
      try {
        const create = spawnScript(
          "apps/api/src/cli/admin-create.ts",
          ["--email", "root@example.com", "--password", "root password 1"],
          embeddedEnv({ DATA_DIR: relativeDir }),
        );
        expect((await create.exited).code).toBe(0);
        expect(create.output()).toContain(`PGlite in ${own}`);

        const { proc, url } = await startApi({ DATA_DIR: relativeDir }, { cwd: join(repoRoot, "apps/api") });
        try {
          expect(proc.output()).toContain(`pglite (${own})`);
          expect((await login(url, "root@example.com", "root password 1")).status).toBe(200);
        } finally {
          expect((await stop(proc)).code).toBe(0);
        }
      } finally {
        rmSync(own, { recursive: true, force: true });
      }
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "keeps development's generated secrets in the data folder: a restart signs nobody out",
    async () => {
      const first = await startApi();
      let session: Session;
      try {
        const res = await login(first.url, "admin@boxoffice.example", "boxoffice-admin");
        expect(res.status).toBe(200);
        session = (await res.json()) as Session;
      } finally {
        expect((await stop(first.proc)).code).toBe(0);
      }
      expect(statSync(join(dataDir, "development-secrets.json")).mode & 0o777).toBe(0o600);

      const second = await startApi();
      try {
        const me = await fetch(`${second.url}/api/users/me`, {
          headers: { authorization: `Bearer ${session.accessToken}` },
        });
        expect(me.status).toBe(200);
        const refreshed = await fetch(`${second.url}/api/auth/refresh`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ refreshToken: session.refreshToken }),
        });
        expect(refreshed.status).toBe(200);
      } finally {
        expect((await stop(second.proc)).code).toBe(0);
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

describe("the API process in production", () => {
  const refusal = async (extra: Record<string, string | undefined>) => {
    const env = embeddedEnv({ ...PRODUCTION_ENV, DATA_DIR: dataDir });
    const proc = spawnScript("apps/api/src/main.ts", [], { ...env, ...extra });
    const exit = await proc.exited;
    return { code: exit.code, output: proc.output() };
  };

  it(
    "refuses demo data, whose admin password is published, naming SEED_DEMO_DATA",
    async () => {
      const { code, output } = await refusal({ SEED_DEMO_DATA: "true" });
      expect(code).toBe(1);
      expect(output).toContain("SEED_DEMO_DATA=true cannot run in production");
      expect(output).not.toContain("demo data loaded");
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "refuses to start without PUBLIC_URL, the origin its links start with",
    async () => {
      const { code, output } = await refusal({ PUBLIC_URL: undefined });
      expect(code).toBe(1);
      expect(output).toContain("PUBLIC_URL is required in production");
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "without CLIENT_URL allows no browser origin, and says so at start",
    async () => {
      const { proc, url } = await startApi({ ...PRODUCTION_ENV });
      try {
        expect(proc.output()).toContain("CLIENT_URL is not set: no browser origin may call this API");
        // The origins development allows by default are not allowed here.
        for (const origin of ["http://localhost:3000", "http://localhost:5173"]) {
          const preflight = await fetch(`${url}/api/auth/refresh`, {
            method: "OPTIONS",
            headers: { origin, "access-control-request-method": "POST" },
          });
          expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
          const read = await fetch(`${url}/api/movies`, { headers: { origin } });
          expect(read.status).toBe(200);
          expect(read.headers.get("access-control-allow-origin")).toBeNull();
        }
      } finally {
        expect((await stop(proc)).code).toBe(0);
      }
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
