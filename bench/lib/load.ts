import { percentile } from "@boxoffice/testkit";

export type Outcome =
  | { kind: "held"; holdId: string; seatIds: string[] }
  | { kind: "booked"; bookingId: string; seatIds: string[] }
  /** Refused because seats were taken: a 409 to a hold, or a purchase whose seats were lost. */
  | { kind: "taken"; seatIds: string[] }
  | { kind: "error"; detail: string };

export interface PhaseStats {
  /** Requests answered inside the measuring windows: the throughput and latency figures use these. */
  requests: number;
  held: number;
  booked: number;
  taken: number;
  errors: number;
  errorSamples: string[];
  windowMs: number;
  /** Every request answered, stragglers after a window included (for CPU per hold). */
  finished: number;
  p50Ms: number;
  p99Ms: number;
}

/** What one side answered over all its rounds. */
export class Tally {
  private readonly latencies: number[] = [];
  private readonly counts = {
    requests: 0,
    held: 0,
    booked: 0,
    taken: 0,
    errors: 0,
    finished: 0,
    windowMs: 0,
  };
  private readonly errorSamples: string[] = [];

  add(outcome: Outcome, latencyMs: number, inWindow: boolean): void {
    this.counts.finished += 1;
    if (outcome.kind === "error" && this.errorSamples.length < 3) {
      this.errorSamples.push(outcome.detail);
    }
    if (!inWindow) {
      return;
    }
    this.latencies.push(latencyMs);
    this.counts.requests += 1;
    this.counts[outcome.kind === "error" ? "errors" : outcome.kind] += 1;
  }

  addWindow(ms: number): void {
    this.counts.windowMs += ms;
  }

  stats(): PhaseStats {
    const sorted = Float64Array.from(this.latencies).sort();
    return {
      ...this.counts,
      errorSamples: [...this.errorSamples],
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
    };
  }
}

/**
 * One round of closed-loop load: `workers` clients, each with one request in flight, sending the next
 * the moment the last one was answered, for `durationMs`. Only answers inside that window count
 * towards throughput and latency; requests still in flight at its end are awaited (so the next round
 * starts from a quiet system) and recorded as stragglers.
 */
export async function runRound(
  tally: Tally,
  workers: number,
  durationMs: number,
  attempt: (worker: number) => Promise<Outcome>,
): Promise<void> {
  const deadline = performance.now() + durationMs;
  const loop = async (worker: number) => {
    while (performance.now() < deadline) {
      await timed(tally, deadline, () => attempt(worker));
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => loop(w)));
  tally.addWindow(durationMs);
}

/** Times one request into `tally`; it counts towards throughput and latency if answered by `deadline`. */
export async function timed(
  tally: Tally,
  deadline: number,
  request: () => Promise<Outcome>,
): Promise<Outcome> {
  const t0 = performance.now();
  let outcome: Outcome;
  try {
    outcome = await request();
  } catch (err) {
    outcome = { kind: "error", detail: err instanceof Error ? err.message : String(err) };
  }
  const t1 = performance.now();
  tally.add(outcome, t1 - t0, t1 <= deadline);
  return outcome;
}
