import { type Args, argsOrExit } from "@boxoffice/testkit";

/** The flags both benches take: each server's connections and its log level. */
const SERVER_FLAGS = {
  pool: { int: 10, max: 200 },
  "server-log": { choice: ["fatal", "error", "warn", "info", "debug", "trace", "silent"], default: "info" },
} as const;

const SERVER_USAGE = `  --pool=N             database connections, API and raw SQL alike (default 10, as the API's default)
  --server-log=LEVEL   API log level (default info, as in production)
  --help`;

export const HOLDS_USAGE = `Usage: npx tsx bench/holds.ts [options]

Seat-hold throughput and latency through the HTTP API next to the same transaction as raw SQL.
Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test); REDIS_URL is optional.

  --quick              3 s per side and scenario, 1 s warm-up
  --duration=SECONDS   measured seconds per side and scenario (default 10), in alternating rounds
  --concurrency=N      requests in flight, low-contention scenario (default 32)
  --hot-clients=N      clients racing for one showtime (default 200)
  --showtimes=N        showtimes of the low-contention scenario (default 50)
  --api-processes=N    API processes sharing the clients and the --pool connections (default 1)
${SERVER_USAGE}`;

const HOLDS_FLAGS = {
  duration: { int: 10, quick: 3, max: 600 },
  concurrency: { int: 32, max: 1000 },
  "hot-clients": { int: 200, max: 1000 },
  showtimes: { int: 50, max: 500 },
  "api-processes": { int: 1, max: 16 },
  ...SERVER_FLAGS,
} as const;

export const BLOCKBUSTER_USAGE = `Usage: npx tsx bench/blockbuster.ts [options]

A crowd races for one showtime, through boxoffice's API (hold, order, pay, confirm) and through the seed's
strategy (read the holds, check, insert; then mark booked), on the same database. Prints the seats each
sold twice and each one's throughput. Needs PostgreSQL (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/test); REDIS_URL is optional.

  --quick              1,000 users, 200 in flight, 2 races per side, arrivals for 3 s
  --users=N            users in the crowd (default 1500)
  --concurrency=N      users in flight at once (default 300)
  --attempts=N         holds a user tries before giving up (default 3)
  --rounds=N           races per side, alternating, each on a fresh showtime (default 3)
  --round-seconds=S    how long users keep arriving in a race (default 10); those in by then finish
  --seats=N            seats of the showtime, a multiple of 25 up to 650 (default 300)
${SERVER_USAGE}`;

const BLOCKBUSTER_FLAGS = {
  users: { int: 1500, quick: 1000, max: 20_000 },
  concurrency: { int: 300, quick: 200, max: 1000 },
  attempts: { int: 3, max: 20 },
  rounds: { int: 3, quick: 2, max: 20 },
  "round-seconds": { int: 10, quick: 3, max: 600 },
  seats: {
    int: 300,
    max: 650,
    check: (n: number) => (n % 25 === 0 ? undefined : "must be a multiple of 25"),
  },
  ...SERVER_FLAGS,
} as const;

/** What every bench reads from its flags, under the names its code uses. */
interface ServerOptions {
  /** PostgreSQL connections of each side (createDb's default is 10). */
  poolSize: number;
  /** pino level of the API process (its log goes to a temporary file). */
  serverLogLevel: string;
  /** Unmeasured seconds per side first, so JIT and pools are warm. */
  warmupSeconds: number;
}

function serverOptions(args: Args<typeof SERVER_FLAGS>): ServerOptions {
  return { poolSize: args.pool, serverLogLevel: args.serverLog, warmupSeconds: args.quick ? 1 : 2 };
}

/** holds.ts: `phaseSeconds` measured per side and scenario; the rest as the flags say. */
export type BenchOptions = Args<typeof HOLDS_FLAGS> & ServerOptions & { phaseSeconds: number };

export function holdsOptions(argv: string[]): BenchOptions {
  const args = argsOrExit(argv, HOLDS_FLAGS, HOLDS_USAGE);
  return { ...args, ...serverOptions(args), phaseSeconds: args.duration };
}

/** blockbuster.ts: the crowd, its races and each server's connections. */
export type BlockbusterOptions = Args<typeof BLOCKBUSTER_FLAGS> & ServerOptions;

export function blockbusterOptions(argv: string[]): BlockbusterOptions {
  const args = argsOrExit(argv, BLOCKBUSTER_FLAGS, BLOCKBUSTER_USAGE);
  return { ...args, ...serverOptions(args) };
}
