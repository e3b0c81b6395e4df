export interface BenchOptions {
  /** Measured seconds per side (API, raw SQL) and scenario (low contention, hot showtime). */
  phaseSeconds: number;
  /** Unmeasured seconds per side before the first scenario, so JIT and pools are warm. */
  warmupSeconds: number;
  /** Requests in flight in the low-contention scenario; also the number of users it uses. */
  concurrency: number;
  /** Clients racing for the one hot showtime, each a user of its own with one request in flight. */
  hotClients: number;
  /** Showtimes the low-contention load spreads over (each side gets its own set). */
  showtimes: number;
  /** PostgreSQL connections for the API and for the raw-SQL pool alike (createDb's default is 10). */
  poolSize: number;
  /** API processes the clients are spread over; the connections are split between them. */
  apiProcesses: number;
  /** pino level of the API process (its log goes to a temporary file). */
  serverLogLevel: string;
}

export const USAGE = `Usage: npx tsx bench/holds.ts [options]

Seat-hold throughput and latency through the HTTP API next to the same transaction as raw SQL.
Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test); REDIS_URL is optional.

  --quick              3 s per side and scenario, 1 s warm-up
  --duration=SECONDS   measured seconds per side and scenario (default 10), in alternating rounds
  --concurrency=N      requests in flight, low-contention scenario (default 32)
  --hot-clients=N      clients racing for one showtime (default 200)
  --showtimes=N        showtimes of the low-contention scenario (default 50)
  --pool=N             database connections, API and raw SQL alike (default 10, as the API's default)
  --api-processes=N    API processes sharing the clients and the --pool connections (default 1)
  --server-log=LEVEL   API log level (default info, as in production)
  --help`;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export function positiveInt(name: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new Error(`--${name} must be a whole number from 1 to ${max}, not "${value}"`);
  }
  return n;
}

/**
 * The flags every bench takes: --help, the `--` pnpm hands through (`pnpm bench:holds -- --quick`),
 * --pool and --server-log. Returns "help", whether it took `flag`, or throws naming a bad value.
 */
export function readCommonFlag(
  flag: string,
  value: string,
  options: { poolSize: number; serverLogLevel: string },
): "help" | boolean {
  switch (flag) {
    case "--help":
    case "-h":
      return "help";
    case "--":
      return true;
    case "--pool":
      options.poolSize = positiveInt("pool", value, 200);
      return true;
    case "--server-log":
      if (!LOG_LEVELS.includes(value)) {
        throw new Error(`--server-log must be one of ${LOG_LEVELS.join(", ")}`);
      }
      options.serverLogLevel = value;
      return true;
    default:
      return false;
  }
}

/** Reads the command line; throws with a message naming the bad option. */
export function parseArgs(argv: string[]): BenchOptions | "help" {
  const options: BenchOptions = {
    phaseSeconds: 10,
    warmupSeconds: 2,
    concurrency: 32,
    hotClients: 200,
    showtimes: 50,
    poolSize: 10,
    apiProcesses: 1,
    serverLogLevel: "info",
  };
  let duration: number | undefined;
  let quick = false;
  for (const arg of argv) {
    const [flag, value = ""] = arg.split("=", 2) as [string, string?];
    switch (flag) {
      case "--quick":
        quick = true;
        break;
      case "--duration":
        duration = positiveInt("duration", value, 600);
        break;
      case "--concurrency":
        options.concurrency = positiveInt("concurrency", value, 1000);
        break;
      case "--hot-clients":
        options.hotClients = positiveInt("hot-clients", value, 1000);
        break;
      case "--showtimes":
        options.showtimes = positiveInt("showtimes", value, 500);
        break;
      case "--api-processes":
        options.apiProcesses = positiveInt("api-processes", value, 16);
        break;
      default: {
        const common = readCommonFlag(flag, value, options);
        if (common === "help") {
          return "help";
        }
        if (!common) {
          throw new Error(`unknown option ${arg}\n\n${USAGE}`);
        }
      }
    }
  }
  if (quick) {
    options.phaseSeconds = 3;
    options.warmupSeconds = 1;
  }
  // An explicit duration wins over --quick, whichever comes first.
  if (duration !== undefined) {
    options.phaseSeconds = duration;
  }
  return options;
}
