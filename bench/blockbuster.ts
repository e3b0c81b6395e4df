/**
 * The blockbuster race: a crowd (1,500 users, 300 at a time) races for one 300-seat showtime, holding
 * 1-4 seats and buying them, through boxoffice's API and through the seed's strategy (read the holds,
 * check, insert; then mark booked, without a constraint or a transaction: bench/naive-server.ts) on the
 * same PostgreSQL database. Prints how many seats each sold twice and each one's throughput.
 *
 * Both servers run in processes of their own; this process makes the data, generates the HTTP load
 * (node:http, keep-alive) and counts the sales in the database afterwards. Everything lives in a fresh
 * schema, dropped at exit. Usage: npx tsx bench/blockbuster.ts [--quick] (--help for more).
 */
import { createTokenService, loadConfig, systemClock } from "@boxoffice/core";
import type { DbHandle } from "@boxoffice/db";
import {
  type Cleanup,
  checkAnswers,
  checkInvariants,
  LoadClient,
  RACE,
  type RaceRecords,
  type Sales,
  SEATS,
  salesOf,
  seatIdsOf,
} from "@boxoffice/testkit";
import { CpuMeter, readCpu } from "./lib/cpu.ts";
import { type BlockbusterOptions, blockbusterOptions } from "./lib/flags.ts";
import { Tally } from "./lib/load.ts";
import { createNaiveTable, NAIVE_SALES } from "./lib/naive-table.ts";
import { openPool, type Pool } from "./lib/pg.ts";
import {
  boxofficeSide,
  crowdChoices,
  type RaceTallies,
  race,
  type SellingSide,
  seedSide,
} from "./lib/race.ts";
import { fixed, type RaceResult, raceRates, raceTable } from "./lib/report.ts";
import {
  freshSchema,
  type JwtSecrets,
  newJwtSecrets,
  printHead,
  runBench,
  startApiProcesses,
} from "./lib/run.ts";
import { type ServerProcess, spawnServer } from "./lib/server-process.ts";
import {
  adminToken,
  type BenchShowtime,
  crowdOfUsers,
  layoutOf,
  SEATS_PER_ROW,
  scheduleShowtimes,
} from "./lib/setup.ts";

const WARMUP_USERS = 50;

type SideName = "boxoffice" | "seed strategy";
const SIDES: SideName[] = ["boxoffice", "seed strategy"];

interface Side {
  selling: SellingSide;
  server: ServerProcess;
  /** One fresh showtime per round, and one for the warm-up. */
  showtimes: BenchShowtime[];
  warmup: BenchShowtime;
  tallies: RaceTallies;
  cpu: CpuMeter;
  users: number;
  /** What the clients were told, round by round. */
  records: RaceRecords[];
}

/** boxoffice's API and the seed strategy's server, started side by side, with HTTP clients to each. */
async function startServers(
  options: BlockbusterOptions,
  databaseUrl: string,
  schema: string,
  appNames: { api: string; seed: string },
  cleanup: Cleanup,
) {
  const jwtSecrets: JwtSecrets = newJwtSecrets();
  const [apis, seed] = await Promise.all([
    startApiProcesses(
      {
        count: 1,
        jwtSecrets,
        databaseUrl,
        schema,
        applicationName: appNames.api,
        poolSize: options.poolSize,
        logLevel: options.serverLogLevel,
      },
      cleanup,
    ),
    spawnServer({
      entry: "../naive-server.ts",
      name: "seed",
      env: {
        BENCH_DATABASE_URL: databaseUrl,
        BENCH_SCHEMA: schema,
        BENCH_POOL_SIZE: String(options.poolSize),
        BENCH_APP_NAME: appNames.seed,
        // The same secrets, so the same access tokens sign a user in on both sides.
        BENCH_JWT_ACCESS_SECRET: jwtSecrets.access,
        BENCH_JWT_REFRESH_SECRET: jwtSecrets.refresh,
      },
    }),
  ]);
  cleanup.push("stop the seed-strategy process", () => seed.stop());
  const api = apis[0];
  if (!api) {
    throw new Error("no API process");
  }
  const sockets = options.concurrency + 16;
  const clients = {
    api: new LoadClient(() => [api.url], sockets),
    seed: new LoadClient(() => [seed.url], sockets),
  };
  cleanup.push("close HTTP sockets", () => {
    clients.api.close();
    clients.seed.close();
  });
  return { api, seed, clients, jwtSecrets };
}

function printParameters(options: BlockbusterOptions): void {
  console.log(
    "boxoffice: the API in a process of its own (bench/api-server.ts: buildDeps + startServer), " +
      `NODE_ENV=development for the dev payment provider, log level ${options.serverLogLevel} to a temp file, ` +
      `rate limits off, redis ${process.env.REDIS_URL ? "on" : "off"}; ` +
      "hold, then create-order, dev pay (webhook kept), confirm",
  );
  console.log(
    "seed:     bench/naive-server.ts in a process of its own: node:http, the same tokens, " +
      "SELECT current holds, check, INSERT; buy: SELECT, check, UPDATE (no constraint, no transaction)",
  );
  console.log(
    `params:   ${options.users} users, ${options.concurrency} at a time, racing for one ${options.seats}-seat ` +
      `showtime; 1-4 random seats per hold, up to ${options.attempts} holds per user, then buy; ` +
      `${options.rounds} races per side of at most ${options.roundSeconds} s, alternating, each on a fresh ` +
      `showtime; ${options.poolSize} PostgreSQL connections per server`,
  );
}

async function setUpData(
  options: BlockbusterOptions,
  client: LoadClient,
  dbHandle: DbHandle,
  pool: Pool,
  jwtSecrets: JwtSecrets,
) {
  const layout = layoutOf(options.seats / SEATS_PER_ROW);
  const token = await adminToken(client, dbHandle.db);
  const showtimes = await scheduleShowtimes(client, token, 2 * options.rounds + 2, layout);
  // The API's own token lifetime, read from the same defaults it starts with.
  const { config } = loadConfig({}, { needsSecrets: false });
  const tokens = createTokenService(
    {
      accessSecret: jwtSecrets.access,
      refreshSecret: jwtSecrets.refresh,
      accessTokenTtlSeconds: config.accessTokenTtlSeconds,
      refreshTokenTtlDays: config.refreshTokenTtlDays,
    },
    systemClock,
  );
  const users = await crowdOfUsers(pool, tokens, options.users);
  const take = (n: number) => showtimes.splice(0, n);
  return {
    users,
    seatIds: seatIdsOf(layout),
    warmups: take(2),
    rounds: { boxoffice: take(options.rounds), seed: take(options.rounds) },
  };
}

const newTallies = (): RaceTallies => ({ holds: new Tally(), buys: new Tally() });
const newRecords = (): RaceRecords => ({ held: [], taken: [], booked: [] });

async function benchmark(
  options: BlockbusterOptions,
  databaseUrl: string,
  cleanup: Cleanup,
): Promise<number> {
  const runStarted = performance.now();
  const { idleLoad, dbHandle, schema } = await freshSchema(databaseUrl, cleanup);
  const appNames = {
    api: `boxoffice-bench-api-${process.pid}`,
    seed: `boxoffice-bench-seed-${process.pid}`,
  };
  // The bench's own connections: the seed's table, CPU readings and the counts afterwards.
  const pool = openPool(databaseUrl, schema, 2, `boxoffice-bench-check-${process.pid}`);
  cleanup.push("close the bench's pool", () => pool.end());
  await createNaiveTable(pool);
  const { api, seed, clients, jwtSecrets } = await startServers(
    options,
    databaseUrl,
    schema,
    appNames,
    cleanup,
  );

  const title = "boxoffice blockbuster race: boxoffice next to the seed's check-then-write";
  await printHead(title, pool, { idleLoad, databaseUrl, schema }, () => printParameters(options));

  const setupStarted = performance.now();
  const data = await setUpData(options, clients.api, dbHandle, pool, jwtSecrets);
  console.log(
    `setup:    servers ready ${((setupStarted - runStarted) / 1000).toFixed(1)} s after the start; ` +
      `${options.users} users, ${2 * options.rounds + 2} showtimes in ` +
      `${((performance.now() - setupStarted) / 1000).toFixed(1)} s\n`,
  );

  const sides: Record<SideName, Side> = {
    boxoffice: {
      selling: boxofficeSide(clients.api),
      server: api,
      showtimes: data.rounds.boxoffice,
      warmup: data.warmups[0] as BenchShowtime,
      tallies: newTallies(),
      cpu: new CpuMeter(),
      users: 0,
      records: [],
    },
    "seed strategy": {
      selling: seedSide(clients.seed),
      server: seed,
      showtimes: data.rounds.seed,
      warmup: data.warmups[1] as BenchShowtime,
      tallies: newTallies(),
      cpu: new CpuMeter(),
      users: 0,
      records: [],
    },
  };

  // Warm-up, not counted: a small crowd per side on a showtime of its own, enough for the JIT and the
  // pools to see every request of a visit; a full crowd would spend long seconds finishing its purchases.
  const warmupUsers = data.users.slice(0, Math.min(WARMUP_USERS, options.users));
  process.stdout.write(
    `  warm-up: ${warmupUsers.length} users per side for at most ${options.warmupSeconds} s ... `,
  );
  const warmupChoices = crowdChoices(options.rounds, warmupUsers.length, options.attempts, data.seatIds);
  for (const name of SIDES) {
    const side = sides[name];
    await race(
      side.selling,
      side.warmup.id,
      warmupUsers,
      warmupChoices,
      { concurrency: warmupUsers.length, durationMs: options.warmupSeconds * 1000 },
      newTallies(),
      newRecords(),
    );
  }
  console.log(`done, ${((performance.now() - runStarted) / 1000).toFixed(0)} s since the start`);

  const cpuNames = [appNames.api, appNames.seed];
  for (let round = 0; round < options.rounds; round++) {
    const choices = crowdChoices(round, options.users, options.attempts, data.seatIds);
    // boxoffice first in even rounds, the seed first in odd ones: whatever else the machine does weighs on both.
    const order = round % 2 === 0 ? SIDES : [...SIDES].reverse();
    const line: string[] = [];
    for (const name of order) {
      const side = sides[name];
      const showtime = side.showtimes[round] as BenchShowtime;
      const records = newRecords();
      const before = await readCpu(await side.server.cpuMicros(), pool, cpuNames);
      const { windowMs, started } = await race(
        side.selling,
        showtime.id,
        data.users,
        choices,
        { concurrency: options.concurrency, durationMs: options.roundSeconds * 1000 },
        side.tallies,
        records,
      );
      side.cpu.add(before, await readCpu(await side.server.cpuMicros(), pool, cpuNames));
      side.users += started;
      side.records.push(records);
      line.push(
        `${name} ${started} users, ${records.booked.length} bookings in ${(windowMs / 1000).toFixed(1)} s`,
      );
    }
    console.log(`  race ${round + 1}: ${line.join("; ")}`);
  }
  const code = await report(pool, sides, [api, seed]);
  console.log(`\nrun: ${((performance.now() - runStarted) / 1000).toFixed(0)} s before cleanup`);
  return code;
}

async function salesOfSide(pool: Pool, name: SideName, showtimes: BenchShowtime[]): Promise<Sales[]> {
  const store = name === "boxoffice" ? ({ table: "bookings", status: "confirmed" } as const) : NAIVE_SALES;
  return Promise.all(showtimes.map((showtime) => salesOf(pool, store, showtime.id)));
}

const sum = (sales: Sales[]): Sales => ({
  bookings: sales.reduce((n, s) => n + s.bookings, 0),
  tickets: sales.reduce((n, s) => n + s.tickets, 0),
  soldTwice: sales.reduce((n, s) => n + s.soldTwice, 0),
});

async function report(pool: Pool, sides: Record<SideName, Side>, servers: ServerProcess[]): Promise<number> {
  const perRound = {
    boxoffice: await salesOfSide(pool, "boxoffice", sides.boxoffice.showtimes),
    "seed strategy": await salesOfSide(pool, "seed strategy", sides["seed strategy"].showtimes),
  };
  console.log("");
  perRound.boxoffice.forEach((box, round) => {
    const seed = perRound["seed strategy"][round];
    console.log(
      `  race ${round + 1} sold: boxoffice ${box.tickets} seats in ${box.bookings} bookings, ${box.soldTwice} sold twice; ` +
        `seed strategy ${seed?.tickets} seats in ${seed?.bookings} bookings, ${seed?.soldTwice} sold twice`,
    );
  });

  // boxoffice's own invariant, as bench/holds.ts checks it, extended to the bookings: every claim, hold
  // and booking in the database matches what the clients were told.
  const problems = await checkInvariants(pool, [...SEATS, ...RACE]);
  for (const [round, showtime] of sides.boxoffice.showtimes.entries()) {
    const records = sides.boxoffice.records[round];
    if (records) {
      const found = await checkAnswers(pool, showtime.id, records);
      problems.push(...found.map((p) => `race ${round + 1}: ${p}`));
    }
  }

  const results: RaceResult[] = SIDES.map((name) => ({
    side: name,
    users: sides[name].users,
    holds: sides[name].tallies.holds.stats(),
    buys: sides[name].tallies.buys.stats(),
    sales: sum(perRound[name]),
    cpu: sides[name].cpu.use(),
  }));
  console.log(`\n${raceTable(results)}`);
  console.log(
    "\nholds/s: hold requests answered (201 + 409) per second of race; buy 409: purchases refused because " +
      "the seats were sold meanwhile (boxoffice: PAYMENT_REFUNDED; seed: its buy-time check); bookings/s: purchases answered as " +
      "booked per second (boxoffice: create-order + pay + confirm; seed: one request); latency per hold and " +
      "per purchase. A race lasts until its last customer is answered; nobody new arrives after " +
      "--round-seconds. bookings, seats sold, sold twice: counted in the database by " +
      "one query for both sides (a seat sold twice is in two or more bookings of the same showtime). CPU in " +
      "% of one core: the side's server process and the PostgreSQL backends serving it; machine: % of all " +
      "cores busy.",
  );
  const [box, naive] = results;
  if (box && naive) {
    const a = raceRates(box);
    const b = raceRates(naive);
    console.log(
      `\nboxoffice / seed strategy: holds/s ${fixed(a.holds / b.holds, 2)}, bookings/s ${fixed(a.bookings / b.bookings, 2)}; ` +
        `seats sold twice: boxoffice ${box.sales.soldTwice}, seed strategy ${naive.sales.soldTwice}`,
    );
  }
  console.log(
    `\nboxoffice invariant: ${problems.length === 0 ? "ok" : `FAILED\n  ${problems.join("\n  ")}`}`,
  );
  const serverErrors = servers.flatMap((server) => server.errorLines(5)).slice(0, 5);
  if (serverErrors.length > 0) {
    console.log(`\nserver error log (first ${serverErrors.length} lines):\n${serverErrors.join("\n")}`);
  }
  for (const r of results) {
    for (const [what, stats] of [
      ["holds", r.holds],
      ["purchases", r.buys],
    ] as const) {
      if (stats.errorSamples.length > 0) {
        console.log(`\n${stats.errors} failed ${what} on ${r.side}, e.g. ${stats.errorSamples.join(" | ")}`);
      }
    }
  }
  // The seed strategy selling seats twice is the finding this bench exists to show; boxoffice doing so
  // (or breaking its invariant otherwise) is a failure.
  return problems.length === 0 && box?.sales.soldTwice === 0 ? 0 : 1;
}

const options = blockbusterOptions(process.argv.slice(2));
const watchdogMs = (150 + 3 * (2 * options.rounds * options.roundSeconds + 2 * options.warmupSeconds)) * 1000;
runBench(watchdogMs, ({ databaseUrl, cleanup }) => benchmark(options, databaseUrl, cleanup));
