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

/** What a customer's hold attempt came to: a hold to buy, `"again"` (pick other seats) or `"leave"`. */
export type HoldAttempt<Held> = { held: Held } | "again" | "leave";

/**
 * One side of the blockbuster race: the server a crowd talks to, and how its customers behave there.
 * The proof's side is boxoffice's REST API with customers who change their minds; the benchmark's are
 * boxoffice and the seed's naive server, with customers who always buy.
 */
export interface RaceSide<Held, Seats = string[]> {
  /** The seats customer `user` asks for on attempt `attempt` (ids, or the proof's "best N"); undefined: leave. */
  choose(user: number, attempt: number): Promise<Seats | undefined>;
  hold(user: number, seats: Seats): Promise<HoldAttempt<Held>>;
  /** What a customer does with a hold: pay for it, or (the proof's crowd) let it go. */
  buy(user: number, held: Held): Promise<void>;
}

/**
 * The blockbuster race, run by the proof and the benchmark alike: the crowd arrives (runCrowd); each
 * customer tries up to `attempts` holds until one succeeds (a seat taken sends them to pick again),
 * then buys it and leaves. No customer starts a new hold once `stop` aborts; one who has a hold still
 * buys it, and the race lasts until the last purchase is answered.
 */
export function runRace<Held, Seats>(
  options: CrowdOptions & { attempts: number },
  side: RaceSide<Held, Seats>,
): Promise<{ arrived: number; ms: number }> {
  return runCrowd(options, async (user) => {
    for (let attempt = 0; attempt < options.attempts && !options.stop.aborted; attempt++) {
      const seats = await side.choose(user, attempt);
      const result = seats === undefined ? "leave" : await side.hold(user, seats);
      if (result === "leave") {
        return;
      }
      if (result !== "again") {
        await side.buy(user, result.held);
        return;
      }
    }
  });
}
