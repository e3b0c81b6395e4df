import type { Reporter, TestModule } from "vitest/node";

/**
 * Says at the end of a run how many tests were skipped and why, so a green `pnpm test` without a
 * PostgreSQL server and Redis does not pass for the whole suite.
 */
export default class SkippedNote implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let skipped = 0;
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        if (test.result().state === "skipped") {
          skipped += 1;
        }
      }
    }
    if (skipped === 0) {
      return;
    }
    const missing = ["DATABASE_URL", "REDIS_URL"].filter((name) => !process.env[name]);
    const why = missing.length
      ? `most need a PostgreSQL server or Redis: set ${missing.join(" and ")} (as .ci/run's second pass does) to run them`
      : "each says why in its condition";
    console.log(`\n${skipped} test${skipped === 1 ? "" : "s"} skipped: ${why}.\n`);
  }
}
