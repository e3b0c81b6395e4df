/**
 * Seat-hold benchmark (issue 5, "Benchmark"): holds per second and p50/p99 latency through the HTTP API
 * for a low-contention load (many showtimes) and a hot showtime (hundreds of clients on one screen),
 * next to the same hold transaction run as raw SQL against the same database in the same run.
 *
 * The API runs in a process of its own (bench/api-server.ts); this process sets up data through the
 * API, generates the HTTP load and runs the raw-SQL baseline. Everything lives in a fresh schema,
 * dropped at exit. Usage: npx tsx bench/holds.ts [--quick] [--duration=SECONDS] (--help for more).
 */
import type { ErrorBody, Hold } from "../packages/contracts/src/index.ts";
import { loadConfig } from "../packages/core/src/index.ts";
import type { DbHandle } from "../packages/db/src/index.ts";
import { createTestDb } from "../packages/db/src/testing.ts";
import { type BenchOptions, parseArgs, USAGE } from "./lib/args.ts";
import { JsonClient } from "./lib/http.ts";
import { checkInvariant, type HeldRecord, type TakenRecord } from "./lib/invariant.ts";
import { type Outcome, runPhase } from "./lib/load.ts";
import { openPool, type Pool } from "./lib/pg.ts";
import { pickDistinct, pickOne, randomInt, seededRng } from "./lib/random.ts";
import { rawHold } from "./lib/raw-hold.ts";
import {
  type CpuReading,
  cpuBetween,
  machineLines,
  type PhaseResult,
  phaseTable,
  readMachine,
  summaryTable,
} from "./lib/report.ts";
import { type ServerProcess, spawnApiServer } from "./lib/server-process.ts";
import { type BenchShowtime, type BenchUser, type Fixture, ROWS, SEATS_PER_ROW, setUp } from "./lib/setup.ts";

const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";

type HoldFn = (user: BenchUser, showtimeId: string, seatIds: string[]) => Promise<Outcome>;

/** Closers run last-in first-out, each given a few seconds, so a stuck one cannot keep the bench alive. */
class Cleanup {
  private readonly steps: Array<{ what: string; run: () => Promise<void> | void }> = [];

  push(what: string, run: () => Promise<void> | void): void {
    this.steps.push({ what, run });
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((_, reject) => {
        timer = setTimeout(() => reject(new Error("timed out")), 10_000);
      });
      try {
        await Promise.race([Promise.resolve().then(step.run), timeout]);
      } catch (err) {
        console.error(`cleanup: ${step.what} failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        clearTimeout(timer);
      }
    }
  }
}

/** The hold endpoint as any client calls it: REST, Bearer token, JSON body. */
function apiHold(client: JsonClient): HoldFn {
  return async (user, showtimeId, seatIds) => {
    const res = await client.post("/api/seats/hold", { showtimeId, seatIds }, user.token);
    if (res.status === 201) {
      const hold = res.body as Hold;
      return { kind: "held", holdId: hold.id, seatIds: hold.seatIds };
    }
    const error = (res.body as Partial<ErrorBody> | undefined)?.error;
    if (res.status === 409 && error?.code === "SEATS_TAKEN") {
      return { kind: "taken", seatIds: (error.details?.seatIds as string[] | undefined) ?? [] };
    }
    return { kind: "error", detail: `${res.status} ${JSON.stringify(res.body).slice(0, 300)}` };
  };
}

function sqlHold(pool: Pool, fixture: Fixture): HoldFn {
  // The API's own hold settings, read from the same defaults it starts with.
  const { config } = loadConfig({}, { needsSecrets: false });
  const settings = {
    holdTtlSeconds: config.holdTtlSeconds,
    holdMaxLifetimeSeconds: config.holdMaxLifetimeSeconds,
    seatIds: new Set(fixture.seatIds),
  };
  return (user, showtimeId, seatIds) => rawHold(pool, settings, user.id, showtimeId, seatIds);
}

interface Records {
  held: HeldRecord[];
  taken: TakenRecord[];
}

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

async function cpuReading(server: ServerProcess): Promise<CpuReading> {
  const usage = process.cpuUsage();
  return {
    self: usage.user + usage.system,
    server: await server.cpuMicros(),
    ...readMachine(),
    at: Date.now(),
  };
}

interface Run {
  options: BenchOptions;
  fixture: Fixture;
  server: ServerProcess;
  sides: { API: HoldFn; "raw SQL": HoldFn };
  pool: Pool;
}

async function measure(
  run: Run,
  scenario: string,
  side: PhaseResult["side"],
  workers: number,
  attempt: (worker: number) => Promise<Outcome>,
): Promise<PhaseResult> {
  process.stdout.write(`  ${scenario} / ${side}: ${workers} clients, ${run.options.phaseSeconds} s ... `);
  const before = await cpuReading(run.server);
  const stats = await runPhase(workers, run.options.phaseSeconds * 1000, attempt);
  const after = await cpuReading(run.server);
  const result = { scenario, side, stats, ...cpuBetween(before, after) };
  console.log(`${stats.requests} holds (${stats.held} × 201, ${stats.taken} × 409, ${stats.errors} errors)`);
  for (const sample of stats.errorSamples) {
    console.log(`    error: ${sample}`);
  }
  return result;
}

async function warmUp(run: Run): Promise<void> {
  const { options, fixture } = run;
  process.stdout.write(`  warm-up: ${options.warmupSeconds} s per side ... `);
  for (const [side, hold] of Object.entries(run.sides)) {
    const loop = clientLoop(fixture, side.length, options.concurrency, [fixture.warmup], hold);
    await runPhase(options.concurrency, options.warmupSeconds * 1000, loop);
  }
  console.log("done");
}

async function lowContention(run: Run): Promise<PhaseResult[]> {
  const { options, fixture } = run;
  const results: PhaseResult[] = [];
  for (const side of ["API", "raw SQL"] as const) {
    const showtimes = side === "API" ? fixture.low.api : fixture.low.raw;
    const loop = clientLoop(fixture, 1, options.concurrency, showtimes, run.sides[side]);
    results.push(await measure(run, "low contention", side, options.concurrency, loop));
  }
  return results;
}

/** The hot showtime, each side checked against the database right after its race. */
async function hotShowtime(run: Run): Promise<{ results: PhaseResult[]; problems: string[] }> {
  const { options, fixture } = run;
  const results: PhaseResult[] = [];
  const problems: string[] = [];
  for (const side of ["API", "raw SQL"] as const) {
    const showtime = side === "API" ? fixture.hot.api : fixture.hot.raw;
    const records: Records = { held: [], taken: [] };
    const loop = clientLoop(fixture, 2, options.hotClients, [showtime], run.sides[side], records);
    results.push(await measure(run, "hot showtime", side, options.hotClients, loop));
    const found = await checkInvariant(run.pool, showtime.id, records.held, records.taken);
    console.log(`    invariant (${side}): ${found.length === 0 ? "ok" : found.join("; ")}`);
    problems.push(...found.map((p) => `${side}: ${p}`));
  }
  return { results, problems };
}

function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) {
    parsed.password = "***";
  }
  return parsed.toString();
}

function printParameters(options: BenchOptions, databaseUrl: string, schema: string): void {
  console.log(`database: ${redactedUrl(databaseUrl)}, schema ${schema} (dropped at exit)`);
  console.log(
    `API:      separate process (bench/api-server.ts: buildDeps + startServer), NODE_ENV=production, ` +
      `log level ${options.serverLogLevel} to a temp file, rate limits off, ` +
      `redis ${process.env.REDIS_URL ? "on" : "off (in-process bus and sweeper)"}`,
  );
  console.log("bench:    this process generates the HTTP load (node:http, keep-alive) and runs the raw SQL");
  console.log(
    `params:   ${options.phaseSeconds} s per phase after ${options.warmupSeconds} s warm-up per side; ` +
      `${options.poolSize} PostgreSQL connections for the API and for raw SQL alike; ` +
      `screens of ${ROWS} rows × ${SEATS_PER_ROW} seats; 1-4 random seats per hold`,
  );
  console.log(
    `          low contention: ${options.concurrency} clients (one user each, one request in flight) ` +
      `over ${options.showtimes} showtimes; hot showtime: ${options.hotClients} clients on one showtime`,
  );
}

const cleanup = new Cleanup();

async function main(): Promise<number> {
  const parsed = parseArgs(process.argv.slice(2));
  if (parsed === "help") {
    console.log(USAGE);
    return 0;
  }
  const options = parsed;
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const stopOnSignal = () => {
    console.error("\ninterrupted: cleaning up");
    void cleanup.run().finally(() => process.exit(130));
  };
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);
  try {
    return await benchmark(options, databaseUrl, cleanup);
  } finally {
    await cleanup.run();
  }
}

async function benchmark(options: BenchOptions, databaseUrl: string, cleanup: Cleanup): Promise<number> {
  const dbHandle: DbHandle = await createTestDb(databaseUrl);
  cleanup.push("drop the bench schema", () => dbHandle.close());
  // createTestDb puts its fresh schema first on the search path, which is where migrations went.
  const schema = dbHandle.migrationsSchema;
  const server = await spawnApiServer({
    databaseUrl,
    schema,
    poolSize: options.poolSize,
    logLevel: options.serverLogLevel,
  });
  cleanup.push("stop the API process", () => server.stop());
  const client = new JsonClient(server.url, Math.max(options.concurrency, options.hotClients) + 16);
  cleanup.push("close HTTP sockets", () => client.close());
  const pool = openPool(databaseUrl, schema, options.poolSize);
  cleanup.push("close the raw-SQL pool", () => pool.end());

  const version = (await pool.query<{ v: string }>("SELECT version() AS v")).rows[0]?.v ?? "PostgreSQL ?";
  console.log("boxoffice seat-hold benchmark\n");
  for (const line of machineLines(version)) {
    console.log(line);
  }
  printParameters(options, databaseUrl, schema);

  const setupStarted = performance.now();
  const users = Math.max(options.concurrency, options.hotClients);
  const fixture = await setUp(client, dbHandle.db, { users, showtimes: options.showtimes });
  const setupSeconds = ((performance.now() - setupStarted) / 1000).toFixed(1);
  console.log(
    `setup:    ${users} users, ${2 * options.showtimes + 3} showtimes through the API in ${setupSeconds} s\n`,
  );

  const run: Run = {
    options,
    fixture,
    server,
    pool,
    sides: { API: apiHold(client), "raw SQL": sqlHold(pool, fixture) },
  };
  await warmUp(run);
  const low = await lowContention(run);
  const hot = await hotShowtime(run);
  const results = [...low, ...hot.results];

  console.log(`\n${phaseTable(results)}`);
  console.log("\nholds/s counts every finished hold transaction (201 + 409); CPU is % of one core.\n");
  console.log(summaryTable(results));
  console.log(`\ninvariant: ${hot.problems.length === 0 ? "ok" : `FAILED\n  ${hot.problems.join("\n  ")}`}`);

  const serverErrors = server.errorLines(5);
  if (serverErrors.length > 0) {
    console.log(`\nAPI error log (first ${serverErrors.length} lines):\n${serverErrors.join("\n")}`);
  }
  const errors = results.reduce((n, r) => n + r.stats.errors, 0);
  return hot.problems.length === 0 && errors === 0 ? 0 : 1;
}

// A hard bound on the whole run, whatever hangs: setup, four phases with warm-up, checks, cleanup.
function startWatchdog(): void {
  const parsed = (() => {
    try {
      return parseArgs(process.argv.slice(2));
    } catch {
      return "help" as const;
    }
  })();
  const phase = parsed === "help" ? 10 : parsed.phaseSeconds + parsed.warmupSeconds;
  const limitMs = (120 + 8 * phase) * 1000;
  setTimeout(() => {
    console.error(`bench: still running after ${limitMs / 1000} s: giving up`);
    void cleanup.run().finally(() => process.exit(2));
  }, limitMs).unref();
}

startWatchdog();
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
