import { setMaxListeners } from "node:events";

/** Resolves after `ms`, or as soon as `signal` aborts. */
export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

export interface CrowdOptions {
  users: number;
  /** Users in the middle of their visit at once. */
  inFlight: number;
  /** Arrivals spread evenly over this long; 0: the next user arrives as soon as one leaves. */
  arrivalMs: number;
  /** Nobody arrives once it aborts; a visit under way finishes (it may check `stop` itself). */
  stop: AbortSignal;
}

/**
 * The blockbuster race of the proof and the benchmark: a crowd arrives in order for one showtime, at most
 * `inFlight` at a time, each user's whole visit run by `visit`. Resolves when the last visit is over, with
 * how many users arrived and how long the race lasted.
 */
export async function runCrowd(
  options: CrowdOptions,
  visit: (user: number) => Promise<void>,
): Promise<{ arrived: number; ms: number }> {
  const started = performance.now();
  // Every lane waiting for its next arrival listens on the signal.
  setMaxListeners(Math.max(10, options.inFlight * 2), options.stop);
  let next = 0;
  let arrived = 0;
  await Promise.all(
    Array.from({ length: Math.min(options.inFlight, options.users) }, async () => {
      while (next < options.users && !options.stop.aborted) {
        const user = next++;
        const due = started + (user * options.arrivalMs) / options.users;
        if (due > performance.now()) {
          await sleep(due - performance.now(), options.stop);
        }
        if (!options.stop.aborted) {
          arrived += 1;
          await visit(user);
        }
      }
    }),
  );
  return { arrived, ms: performance.now() - started };
}
