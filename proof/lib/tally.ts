import type { Answer } from "@boxoffice/testkit";
import { errorCode } from "./flow.ts";

/**
 * Counts what happened to simulated users, and keeps a few samples of answers a scenario did not expect
 * (a 400 on a well-formed request, a 500): those are problems, named in the report.
 */
export class Tally {
  readonly counts = new Map<string, number>();
  readonly unexpected: string[] = [];
  unexpectedCount = 0;

  add(what: string, n = 1): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + n);
  }

  get(what: string): number {
    return this.counts.get(what) ?? 0;
  }

  /** Records `answer` as unexpected for `step`; returns false, for `return tally.surprise(...)`. */
  surprise(step: string, answer: Answer<unknown>): false {
    this.unexpectedCount += 1;
    if (this.unexpected.length < 5) {
      const detail =
        answer.status === 0
          ? `no answer (${answer.error})`
          : `${answer.status} ${errorCode(answer) ?? ""} ${JSON.stringify(answer.body).slice(0, 300)}`;
      this.unexpected.push(`${step}: ${detail}`);
    }
    return false;
  }

  problems(): string[] {
    return this.unexpectedCount === 0
      ? []
      : [`${this.unexpectedCount} unexpected answers, e.g. ${this.unexpected.join(" | ")}`];
  }
}
