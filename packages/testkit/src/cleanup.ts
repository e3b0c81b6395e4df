/**
 * What a run must undo (processes, databases, Redis keys), undone last-in first-out at its end, on
 * Ctrl-C and by a watchdog: each step is given `stepTimeoutMs`, so a stuck one cannot keep the run
 * alive, and a failing one does not stop the others. Used by the proof's runner and the benchmarks.
 */
export class Cleanup {
  private readonly steps: Array<{ what: string; run: () => unknown }> = [];

  constructor(private readonly stepTimeoutMs = 10_000) {}

  /** `run` may return a promise, which is awaited. */
  push(what: string, run: () => unknown): void {
    this.steps.push({ what, run });
  }

  /** Runs every step pushed so far, newest first; resolves with what failed, one line a step. */
  async run(): Promise<string[]> {
    const failures: string[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out after ${this.stepTimeoutMs / 1000} s`)),
          this.stepTimeoutMs,
        );
      });
      try {
        await Promise.race([Promise.resolve().then(step.run), timeout]);
      } catch (err) {
        failures.push(`cleanup: ${step.what} failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        clearTimeout(timer);
      }
    }
    return failures;
  }
}
