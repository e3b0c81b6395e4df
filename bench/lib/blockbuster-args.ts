import { positiveInt, readCommonFlag } from "./args.ts";

export interface BlockbusterOptions {
  /** The crowd: users racing for each showtime, the same users on both sides. */
  users: number;
  /** Users in flight at once, each with one request in flight. */
  concurrency: number;
  /** Holds a user tries (fresh seats after each 409) before giving up. */
  attempts: number;
  /** Races per side, each on a fresh showtime, alternating sides. */
  rounds: number;
  /** How long users keep arriving in a race (it ends sooner if the whole crowd is served); those in finish. */
  roundSeconds: number;
  /** A shorter unmeasured race per side first, so JIT and pools are warm. */
  warmupSeconds: number;
  /** Seats of the showtime, in rows of 25. */
  seats: number;
  /** PostgreSQL connections of each server (createDb's default is 10). */
  poolSize: number;
  /** pino level of the API process (its log goes to a temporary file). */
  serverLogLevel: string;
}

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
  --pool=N             database connections of each server (default 10, as the API's default)
  --server-log=LEVEL   API log level (default info, as in production)
  --help`;

/** Reads the command line; throws with a message naming the bad option. */
export function parseBlockbusterArgs(argv: string[]): BlockbusterOptions | "help" {
  const options: BlockbusterOptions = {
    users: 1500,
    concurrency: 300,
    attempts: 3,
    rounds: 3,
    roundSeconds: 10,
    warmupSeconds: 2,
    seats: 300,
    poolSize: 10,
    serverLogLevel: "info",
  };
  const quick = argv.includes("--quick");
  if (quick) {
    Object.assign(options, { users: 1000, concurrency: 200, rounds: 2, roundSeconds: 3, warmupSeconds: 1 });
  }
  // Explicit options win over --quick, wherever they stand.
  for (const arg of argv) {
    const [flag, value = ""] = arg.split("=", 2) as [string, string?];
    switch (flag) {
      case "--quick":
        break;
      case "--users":
        options.users = positiveInt("users", value, 20_000);
        break;
      case "--concurrency":
        options.concurrency = positiveInt("concurrency", value, 1000);
        break;
      case "--attempts":
        options.attempts = positiveInt("attempts", value, 20);
        break;
      case "--rounds":
        options.rounds = positiveInt("rounds", value, 20);
        break;
      case "--round-seconds":
        options.roundSeconds = positiveInt("round-seconds", value, 600);
        break;
      case "--seats":
        options.seats = positiveInt("seats", value, 650);
        if (options.seats % 25 !== 0) {
          throw new Error(`--seats must be a multiple of 25 (rows of 25 seats), not ${value}`);
        }
        break;
      default: {
        const common = readCommonFlag(flag, value, options);
        if (common === "help") {
          return "help";
        }
        if (!common) {
          throw new Error(`unknown option ${arg}\n\n${BLOCKBUSTER_USAGE}`);
        }
      }
    }
  }
  return options;
}
