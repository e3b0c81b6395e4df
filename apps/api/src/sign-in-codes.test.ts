import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ErrorBody } from "@boxoffice/contracts";
import { embeddedEnv, PRODUCTION_ENV, type Spawned, spawnScript } from "@boxoffice/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { HttpClient, uniqueEmail, uniquePhone } from "./test/harness.ts";

const dirs: string[] = [];
const running: Spawned[] = [];
afterAll(async () => {
  for (const proc of running) {
    proc.child.kill("SIGTERM");
  }
  await Promise.all(running.map((p) => p.exited));
  for (const dir of dirs) {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The API as `pnpm start` runs it, on an embedded database of its own. */
function spawnApi(extra: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), "boxoffice-codes-"));
  dirs.push(dataDir);
  const proc = spawnScript(
    "apps/api/src/main.ts",
    [],
    embeddedEnv({ PORT: "0", DATA_DIR: dataDir, ...extra }),
  );
  running.push(proc);
  return proc;
}

async function startApi(extra: Record<string, string>) {
  const proc = spawnApi(extra);
  const listening = await proc.waitForLog("boxoffice API listening", 60_000);
  return { proc, http: new HttpClient(String(listening.url)) };
}

const PROCESS_TEST_TIMEOUT_MS = 120_000;

describe("sign-in codes", () => {
  it(
    "in production with no SMS provider, phone sign-in answers 503 SMS_UNAVAILABLE and no code exists",
    async () => {
      const { proc, http } = await startApi({ ...PRODUCTION_ENV });
      expect(proc.output()).toContain("phone sign-in is off");
      const phone = uniquePhone();
      for (const [path, body] of [
        ["/api/auth/otp/request", { phone }],
        ["/api/auth/register", { phone, code: "123456" }],
        ["/api/auth/login", { phone, code: "123456" }],
      ] as const) {
        const res = await http.post<ErrorBody>(path, body);
        expect(`${path} ${res.status} ${res.body.error?.code}`).toBe(`${path} 503 SMS_UNAVAILABLE`);
      }
      // Email sign-in is unaffected.
      expect(
        (await http.post("/api/auth/register", { email: uniqueEmail(), password: "a fine password" })).status,
      ).toBe(201);
      expect(proc.output()).not.toMatch(/code is/i);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "production refuses to start with the dev SMS provider, naming the variable",
    async () => {
      const proc = spawnApi({ ...PRODUCTION_ENV, SMS_PROVIDER: "dev" });
      expect((await proc.exited).code).toBe(1);
      expect(proc.output()).toContain("SMS_PROVIDER=dev cannot run in production");
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "in development the dev provider shows the code on the terminal, and the JSON log never holds it, at any level",
    async () => {
      const { proc, http } = await startApi({ LOG_LEVEL: "trace" });
      const phone = uniquePhone();
      expect((await http.post("/api/auth/otp/request", { phone })).status).toBe(200);
      const code = await until(() => new RegExp(`to \\${phone}: .*?(\\d{6})`).exec(proc.stderr())?.[1]);
      expect((await http.post("/api/auth/register", { phone, code })).status).toBe(201);

      const log = proc.stdout();
      expect(log).toContain('"msg":"request"');
      expect(log).not.toContain(code);
      expect(log).not.toMatch(/code is/i);
      // Every line on stdout is a JSON log entry: the code has no other way onto it.
      for (const line of log.split("\n").filter(Boolean)) {
        expect(() => JSON.parse(line)).not.toThrow();
      }
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});

async function until<T>(find: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = find();
    if (found !== undefined) {
      return found;
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error("not found in time");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
