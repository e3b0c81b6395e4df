import type { ErrorBody, Hold } from "@boxoffice/contracts";
import { loadConfig } from "@boxoffice/core";
import {
  checkAnswers,
  checkInvariants,
  type LoadClient,
  pickDistinct,
  pickOne,
  RACE,
  type RaceRecords,
  randomInt,
  SEATS,
  seededRng,
} from "@boxoffice/testkit";
import { CpuMeter, readCpu } from "./cpu.ts";
import type { BenchOptions } from "./flags.ts";
import { type Outcome, runRound, Tally } from "./load.ts";
import type { Pool } from "./pg.ts";
import { rawHold } from "./raw-hold.ts";
import type { PhaseResult } from "./report.ts";
import type { ServerProcess } from "./server-process.ts";
import type { BenchShowtime, BenchUser, Fixture } from "./setup.ts";

export type HoldFn = (user: BenchUser, showtimeId: string, seatIds: string[]) => Promise<Outcome>;

/**
 * The hold endpoint as any client calls it: REST, Bearer token, JSON body; each user sticks to one API.
 * `path` is another server's endpoint that answers in the API's shape (bench/naive-server.ts).
 */
export function apiHold(client: LoadClient, path = "/api/seats/hold"): HoldFn {
  return async (user, showtimeId, seatIds) => {
    const res = await client.post(path, { showtimeId, seatIds }, user.token, user.index);
    if (res.status === 201) {
      const hold = res.body as Hold;
      return { kind: "held", holdId: hold.id, seatIds: hold.seatIds };
    }
    const error = (res.body as Partial<ErrorBody> | undefined)?.error;
    if (res.status === 409 && error?.code === "SEATS_TAKEN") {
      return { kind: "taken", seatIds: (error.details?.seatIds as string[] | undefined) ?? [] };
    }
    return { kind: "error", detail: `${res.status || res.error} ${JSON.stringify(res.body)?.slice(0, 300)}` };
  };
}

export function sqlHold(pool: Pool, fixture: Fixture): HoldFn {
  // The API's own hold settings, read from the same defaults it starts with.
  const { config } = loadConfig({}, { needsSecrets: false });
  const settings = {
    holdTtlSeconds: config.holdTtlSeconds,
    holdMaxLifetimeSeconds: config.holdMaxLifetimeSeconds,
    seatIds: new Set(fixture.seatIds),
  };
  return (user, showtimeId, seatIds) => rawHold(pool, settings, user.id, showtimeId, seatIds);
}

type Records = Pick<RaceRecords, "held" | "taken">;

/**
 * Client `worker` is user `worker`, drawing showtimes and 1-4 seats from a generator seeded by the
 * scenario and the client, so both sides of a scenario see the same sequence of requests.
 */
function clientLoop(
  fixture: Fixture,
  seed: number,
  workers: number,
  showtimes: BenchShowtime[],
  hold: HoldFn,
  records?: Records,
) {
  const rngs = Array.from({ length: workers }, (_, w) => seededRng(seed * 100_003 + w));
  return async (worker: number): Promise<Outcome> => {
    const rng = rngs[worker];
    const user = fixture.users[worker];
    if (!rng || !user) {
      throw new Error(`no client ${worker}`);
    }
    const showtime = pickOne(rng, showtimes);
    const seatIds = pickDistinct(rng, fixture.seatIds, randomInt(rng, 1, 4));
    const outcome = await hold(user, showtime.id, seatIds);
    if (outcome.kind === "held") {
      records?.held.push({ userId: user.id, holdId: outcome.holdId, seatIds: outcome.seatIds });
    } else if (outcome.kind === "taken") {
      records?.taken.push({ requested: seatIds, named: outcome.seatIds });
    }
    return outcome;
  };
}

export interface Run {
  options: BenchOptions;
  /** application_name of the API's and the raw-SQL pool's sessions. */
  appNames: string[];
  fixture: Fixture;
  servers: ServerProcess[];
  sides: { API: HoldFn; "raw SQL": HoldFn };
  pool: Pool;
}

type Side = PhaseResult["side"];

/** CPU used so far by all the API processes together. */
async function apiMicros(servers: ServerProcess[]): Promise<number> {
  const each = await Promise.all(servers.map((server) => server.cpuMicros()));
  return each.reduce((a, b) => a + b, 0);
}

const SIDES: Side[] = ["API", "raw SQL"];

/** Rounds per side: at least two, of at most 5 s, so both sides see the same background load. */
export function roundsFor(phaseSeconds: number): number {
  return Math.max(2, Math.ceil(phaseSeconds / 5));
}

interface ScenarioPlan {
  name: string;
  workers: number;
  /** One attempt function per side, each on its own showtimes. */
  attempts: Record<Side, (worker: number) => Promise<Outcome>>;
}

/**
 * Runs a scenario's two sides in alternating rounds (API, raw, raw, API, ...), so that whatever else
 * the machine does at the time weighs on both alike, and adds up each side's rounds.
 */
async function runScenario(run: Run, plan: ScenarioPlan): Promise<PhaseResult[]> {
  const rounds = roundsFor(run.options.phaseSeconds);
  const roundMs = (run.options.phaseSeconds * 1000) / rounds;
  const tallies = { API: new Tally(), "raw SQL": new Tally() };
  const meters = { API: new CpuMeter(), "raw SQL": new CpuMeter() };
  process.stdout.write(
    `  ${plan.name}: ${plan.workers} clients, ${rounds} rounds of ${(roundMs / 1000).toFixed(1)} s per side ... `,
  );
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? SIDES : [...SIDES].reverse();
    for (const side of order) {
      const before = await readCpu(await apiMicros(run.servers), run.pool, run.appNames);
      await runRound(tallies[side], plan.workers, roundMs, plan.attempts[side]);
      meters[side].add(before, await readCpu(await apiMicros(run.servers), run.pool, run.appNames));
    }
  }
  console.log("done");
  return SIDES.map((side) => {
    const stats = tallies[side].stats();
    console.log(
      `    ${side}: ${stats.requests} holds (${stats.held} × 201, ${stats.taken} × 409, ${stats.errors} errors)`,
    );
    for (const sample of stats.errorSamples) {
      console.log(`      error: ${sample}`);
    }
    return { scenario: plan.name, side, stats, cpu: meters[side].use() };
  });
}

export async function warmUp(run: Run): Promise<void> {
  const { options, fixture } = run;
  process.stdout.write(`  warm-up: ${options.warmupSeconds} s per side ... `);
  for (const side of SIDES) {
    const loop = clientLoop(fixture, 3, options.concurrency, [fixture.warmup], run.sides[side]);
    await runRound(new Tally(), options.concurrency, options.warmupSeconds * 1000, loop);
  }
  console.log("done");
}

export function lowContention(run: Run): Promise<PhaseResult[]> {
  const { options, fixture } = run;
  const attempts = (side: Side) =>
    clientLoop(
      fixture,
      1,
      options.concurrency,
      side === "API" ? fixture.low.api : fixture.low.raw,
      run.sides[side],
    );
  return runScenario(run, {
    name: "low contention",
    workers: options.concurrency,
    attempts: { API: attempts("API"), "raw SQL": attempts("raw SQL") },
  });
}

/** The hot showtime, then each side's showtime checked against the database. */
export async function hotShowtime(run: Run): Promise<{ results: PhaseResult[]; problems: string[] }> {
  const { options, fixture } = run;
  const records: Record<Side, Records> = { API: { held: [], taken: [] }, "raw SQL": { held: [], taken: [] } };
  const showtimes: Record<Side, BenchShowtime> = { API: fixture.hot.api, "raw SQL": fixture.hot.raw };
  const attempts = (side: Side) =>
    clientLoop(fixture, 2, options.hotClients, [showtimes[side]], run.sides[side], records[side]);
  const results = await runScenario(run, {
    name: "hot showtime",
    workers: options.hotClients,
    attempts: { API: attempts("API"), "raw SQL": attempts("raw SQL") },
  });
  // The whole schema is the bench's, so the database's promises are checked over all of it.
  const problems = await checkInvariants(run.pool, [...SEATS, ...RACE]);
  console.log(`    invariants: ${problems.length === 0 ? "ok" : problems.join("; ")}`);
  for (const side of SIDES) {
    const found = await checkAnswers(run.pool, showtimes[side].id, { ...records[side], booked: [] });
    console.log(`    invariant (${side}): ${found.length === 0 ? "ok" : found.join("; ")}`);
    problems.push(...found.map((p) => `${side}: ${p}`));
  }
  return { results, problems };
}
