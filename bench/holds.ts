/**
 * Seat-hold benchmark (issue 5, "Benchmark"): holds per second and p50/p99 latency through the HTTP API
 * for a low-contention load (many showtimes) and a hot showtime (hundreds of clients on one screen),
 * next to the same hold transaction run as raw SQL against the same database in the same run.
 *
 * The API runs in a process of its own (bench/api-server.ts); this process sets up data through the
 * API, generates the HTTP load and runs the raw-SQL baseline. Everything lives in a fresh schema,
 * dropped at exit. Usage: npx tsx bench/holds.ts [--quick] [--duration=SECONDS] (--help for more).
 */
import { type Cleanup, LoadClient } from "@boxoffice/testkit";
import { type BenchOptions, holdsOptions } from "./lib/flags.ts";
import { openPool } from "./lib/pg.ts";
import { type PhaseResult, phaseTable, summaryTable } from "./lib/report.ts";
import { freshSchema, newJwtSecrets, printHead, runBench, startApiProcesses } from "./lib/run.ts";
import {
  apiHold,
  hotShowtime,
  lowContention,
  type Run,
  roundsFor,
  sqlHold,
  warmUp,
} from "./lib/scenarios.ts";
import { ROWS, SEATS_PER_ROW, setUp } from "./lib/setup.ts";

function printParameters(options: BenchOptions): void {
  console.log(
    `API:      ${options.apiProcesses} separate process${options.apiProcesses > 1 ? "es" : ""} ` +
      `(bench/api-server.ts: buildDeps + startServer), NODE_ENV=development for the dev payment provider, ` +
      `log level ${options.serverLogLevel} to a temp file, rate limits off, ` +
      `redis ${process.env.REDIS_URL ? "on" : "off (in-process bus and sweeper)"}`,
  );
  console.log("bench:    this process generates the HTTP load (node:http, keep-alive) and runs the raw SQL");
  console.log(
    `params:   ${options.phaseSeconds} s per side and scenario, in ${roundsFor(options.phaseSeconds)} ` +
      `alternating rounds, after ${options.warmupSeconds} s warm-up per side; ` +
      `${options.poolSize} PostgreSQL connections for raw SQL and ${Math.ceil(options.poolSize / options.apiProcesses)} ` +
      `per API process; ` +
      `screens of ${ROWS} rows × ${SEATS_PER_ROW} seats; 1-4 random seats per hold`,
  );
  console.log(
    `          low contention: ${options.concurrency} clients (one user each, one request in flight) ` +
      `over ${options.showtimes} showtimes; hot showtime: ${options.hotClients} clients on one showtime`,
  );
}

/** The API processes, the HTTP clients to them and the raw-SQL pool, all registered for cleanup. */
async function startProcesses(options: BenchOptions, databaseUrl: string, schema: string, cleanup: Cleanup) {
  const appNames = [`boxoffice-bench-api-${process.pid}`, `boxoffice-bench-raw-${process.pid}`];
  const servers = await startApiProcesses(
    {
      count: options.apiProcesses,
      jwtSecrets: newJwtSecrets(),
      databaseUrl,
      schema,
      applicationName: appNames[0] as string,
      // The connections are split between the API processes, so the API never has more than raw SQL.
      poolSize: Math.ceil(options.poolSize / options.apiProcesses),
      logLevel: options.serverLogLevel,
    },
    cleanup,
  );
  const sockets = Math.ceil(Math.max(options.concurrency, options.hotClients) / servers.length) + 16;
  const urls = servers.map((server) => server.url);
  const client = new LoadClient(() => urls, sockets);
  cleanup.push("close HTTP sockets", () => client.close());
  const pool = openPool(databaseUrl, schema, options.poolSize, appNames[1] as string);
  cleanup.push("close the raw-SQL pool", () => pool.end());
  return { appNames, servers, client, pool };
}

function printResults(results: PhaseResult[], problems: string[], serverErrors: string[]): void {
  console.log(`\n${phaseTable(results)}`);
  console.log(
    "\nholds/s counts every finished hold transaction (201 + 409). CPU in % of one core: the API process, " +
      "this process (load generator or raw-SQL client), the PostgreSQL backends serving them, and the rest " +
      "(other processes, PostgreSQL background work, kernel); machine: % of all cores busy.\n",
  );
  console.log(summaryTable(results));
  console.log(`\ninvariant: ${problems.length === 0 ? "ok" : `FAILED\n  ${problems.join("\n  ")}`}`);
  if (serverErrors.length > 0) {
    console.log(`\nAPI error log (first ${serverErrors.length} lines):\n${serverErrors.join("\n")}`);
  }
  for (const r of results.filter((r) => r.stats.errors > 0)) {
    console.log(
      `\n${r.stats.errors} failed holds in ${r.scenario} / ${r.side}, e.g. ${r.stats.errorSamples[0]}`,
    );
  }
}

async function benchmark(options: BenchOptions, databaseUrl: string, cleanup: Cleanup): Promise<number> {
  const { idleLoad, dbHandle, schema } = await freshSchema(databaseUrl, cleanup);
  const { appNames, servers, client, pool } = await startProcesses(options, databaseUrl, schema, cleanup);
  await printHead("boxoffice seat-hold benchmark", pool, { idleLoad, databaseUrl, schema }, () =>
    printParameters(options),
  );

  const setupStarted = performance.now();
  const users = Math.max(options.concurrency, options.hotClients);
  const fixture = await setUp(client, dbHandle.db, { users, showtimes: options.showtimes });
  const setupSeconds = ((performance.now() - setupStarted) / 1000).toFixed(1);
  console.log(
    `setup:    ${users} users, ${2 * options.showtimes + 3} showtimes through the API in ${setupSeconds} s\n`,
  );

  const run: Run = {
    options,
    appNames,
    fixture,
    servers,
    pool,
    sides: { API: apiHold(client), "raw SQL": sqlHold(pool, fixture) },
  };
  await warmUp(run);
  const low = await lowContention(run);
  const hot = await hotShowtime(run);
  const serverErrors = servers.flatMap((server) => server.errorLines(5)).slice(0, 5);
  printResults([...low, ...hot.results], hot.problems, serverErrors);
  // Failed requests are findings about the system under test and are reported above; only a broken
  // invariant makes the run itself fail.
  return hot.problems.length === 0 ? 0 : 1;
}

const options = holdsOptions(process.argv.slice(2));
// A hard bound on the whole run, whatever hangs: setup, rounds, checks, cleanup.
runBench((120 + 8 * (options.phaseSeconds + options.warmupSeconds)) * 1000, ({ databaseUrl, cleanup }) =>
  benchmark(options, databaseUrl, cleanup),
);
