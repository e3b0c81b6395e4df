import { describe, expect, it } from "vitest";
import { Cleanup } from "./cleanup.ts";

describe("Cleanup", () => {
  it("undoes steps newest first, and a failing or stuck step neither stops the others nor throws", async () => {
    const cleanup = new Cleanup(50);
    const done: string[] = [];
    cleanup.push("first", () => {
      done.push("first");
    });
    cleanup.push("stuck", () => new Promise(() => {}));
    cleanup.push("failing", async () => {
      throw new Error("boom");
    });
    cleanup.push("last", async () => {
      done.push("last");
    });
    const failures = await cleanup.run();
    expect(done).toEqual(["last", "first"]);
    expect(failures).toEqual([
      "cleanup: failing failed: boom",
      "cleanup: stuck failed: timed out after 0.05 s",
    ]);
    // Each step runs once: a second run (Ctrl-C during the first) has nothing left to do.
    expect(await cleanup.run()).toEqual([]);
  });
});
