import type { LoadClient } from "@boxoffice/testkit";
import type pg from "pg";
import type { Cluster } from "./cluster.ts";
import type { PrivateServices } from "./services.ts";
import type { Setup } from "./setup.ts";

/**
 * What the proof runner hands each scenario. The runner made a fresh database (migrated, empty), started
 * the API and worker processes the scenario asked for, and checks the invariants on `db` afterwards.
 */
export interface ScenarioContext {
  /** Bounded version for CI (`pnpm proof --quick`). */
  quick: boolean;
  /** The scenario's own database (a fresh PostgreSQL database). */
  databaseUrl: string;
  db: pg.Pool;
  /** Base URLs of the running API processes, e.g. http://127.0.0.1:41234 (a restarted API keeps its URL). */
  apiUrls: string[];
  redisUrl: string | undefined;
  /** Every Redis key of this scenario starts with it; the runner deletes them at the end. */
  redisPrefix: string;
  /** Shared by every API process of the scenario, so a token from one works at all. */
  secrets: { jwtAccessSecret: string; jwtRefreshSecret: string };
  log(line: string): void;
  /** The API and worker processes: kill -9, stop, restart, and what their logs counted. */
  cluster: Cluster;
  /** Private PostgreSQL and Redis, when the scenario asked for them (`services: "private"`). */
  services: PrivateServices | undefined;
  /** Aborted when the scenario's time budget is spent: stop starting new work and return. */
  signal: AbortSignal;
  /** A keep-alive HTTP client over every API URL that counts requests, statuses and latencies. */
  http: LoadClient;
  /** Users with access tokens, an admin, a showtime on sale: the rows a scenario starts from. */
  setup: Setup;
}

/** How long holds last in the scenarios that need them to lapse during a run (the default is 600 s). */
export const SHORT_HOLD_TTL_SECONDS = 10;
export const SHORT_HOLDS = { HOLD_TTL_SECONDS: String(SHORT_HOLD_TTL_SECONDS) };

/** What a scenario reports: printed as its figures; any problem fails the run. */
export interface ScenarioResult {
  figures: Record<string, number | string>;
  problems: string[];
}

export interface Scenario {
  name: string;
  /** One line for the report and `--list`. */
  summary?: string;
  /** Processes the runner starts before `run` (the scenario may start, kill and restart more itself). */
  processes: { apis: number; workers: number };
  /**
   * Environment for every process of the scenario, over the runner's defaults (which turn the rate limits
   * off, since all load comes from one address).
   */
  env?: Record<string, string>;
  /**
   * "private": a PostgreSQL cluster and a redis-server of the scenario's own, started with the machine's
   * commands, that it may stop and restart without touching anyone else's. Default "shared".
   */
  services?: "shared" | "private";
  /** 5xx statuses that are answers, not defects, in this scenario (503 while a dependency is down). */
  expected5xx?: number[];
  /** Wall-clock budget; past it `signal` aborts, and 30 s later the runner gives up on the scenario. */
  budgetMs?: { quick: number; full: number };
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}

/** Tells a module's exports apart: anything shaped like a Scenario is one. */
export function isScenario(value: unknown): value is Scenario {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const v = value as Partial<Scenario>;
  return (
    typeof v.name === "string" &&
    typeof v.run === "function" &&
    typeof v.processes === "object" &&
    v.processes !== null &&
    typeof v.processes.apis === "number" &&
    typeof v.processes.workers === "number"
  );
}
