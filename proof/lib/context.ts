import type pg from "pg";

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
  /** Base URLs of the running API processes, e.g. http://127.0.0.1:41234. */
  apiUrls: string[];
  redisUrl: string | undefined;
  /** Shared by every API process of the scenario, so a token from one works at all. */
  secrets: { jwtAccessSecret: string; jwtRefreshSecret: string };
  log(line: string): void;
}

/** What a scenario reports: printed as its figures; any problem fails the run. */
export interface ScenarioResult {
  figures: Record<string, number | string>;
  problems: string[];
}

export interface Scenario {
  name: string;
  /** Processes the runner starts before `run` (the scenario may start, kill and restart more itself). */
  processes: { apis: number; workers: number };
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}
