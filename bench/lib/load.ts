export type Outcome =
  | { kind: "held"; holdId: string; seatIds: string[] }
  | { kind: "taken"; seatIds: string[] }
  | { kind: "error"; detail: string };

export interface PhaseStats {
  requests: number;
  held: number;
  taken: number;
  errors: number;
  errorSamples: string[];
  elapsedMs: number;
  p50Ms: number;
  p99Ms: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/**
 * Closed-loop load: `workers` clients, each with one request in flight, issuing the next the moment the
 * last one answered, until the duration is over. Requests already in flight then finish and count,
 * and throughput is measured up to the last answer.
 */
export async function runPhase(
  workers: number,
  durationMs: number,
  attempt: (worker: number) => Promise<Outcome>,
): Promise<PhaseStats> {
  const latencies: number[] = [];
  const stats = { requests: 0, held: 0, taken: 0, errors: 0, errorSamples: [] as string[] };
  const started = performance.now();
  const deadline = started + durationMs;
  const loop = async (worker: number) => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      let outcome: Outcome;
      try {
        outcome = await attempt(worker);
      } catch (err) {
        outcome = { kind: "error", detail: err instanceof Error ? err.message : String(err) };
      }
      latencies.push(performance.now() - t0);
      stats.requests += 1;
      if (outcome.kind === "held") {
        stats.held += 1;
      } else if (outcome.kind === "taken") {
        stats.taken += 1;
      } else {
        stats.errors += 1;
        if (stats.errorSamples.length < 3) {
          stats.errorSamples.push(outcome.detail);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => loop(w)));
  const elapsedMs = performance.now() - started;
  const sorted = Float64Array.from(latencies).sort();
  return { ...stats, elapsedMs, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}
