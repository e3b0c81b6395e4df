import { embeddedEnv, spawnScript } from "@boxoffice/testkit";
import { describe, expect, it } from "vitest";

describe("the worker process", () => {
  it("in embedded mode (no REDIS_URL) says jobs run in the API and exits 0", async () => {
    const proc = spawnScript("apps/worker/src/main.ts", [], embeddedEnv({}));
    expect((await proc.exited).code).toBe(0);
    expect(proc.output()).toContain("jobs run inside the API process");
  });

  it("refuses Redis without DATABASE_URL, since PGlite belongs to the API process", async () => {
    const proc = spawnScript(
      "apps/worker/src/main.ts",
      [],
      embeddedEnv({ REDIS_URL: "redis://127.0.0.1:6379" }),
    );
    expect((await proc.exited).code).toBe(1);
    expect(proc.output()).toContain("DATABASE_URL is required");
  });

  it.runIf(process.env.REDIS_URL && process.env.DATABASE_URL)(
    "with PostgreSQL and Redis connects, reports ready and stops cleanly on SIGTERM",
    async () => {
      const proc = spawnScript(
        "apps/worker/src/main.ts",
        [],
        embeddedEnv({ REDIS_URL: process.env.REDIS_URL ?? "", DATABASE_URL: process.env.DATABASE_URL ?? "" }),
      );
      await proc.waitForLog("worker ready", 60_000);
      proc.child.kill("SIGTERM");
      expect((await proc.exited).code).toBe(0);
      expect(proc.output()).toContain("worker stopped cleanly");
    },
  );
});
