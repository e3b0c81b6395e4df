/**
 * `pnpm proof [--quick] [--only a,b] [--list] [--json file]`: attacks the running system from outside (real
 * API and worker processes on PostgreSQL and Redis, over HTTP) scenario by scenario, and checks the
 * promises on each scenario's database afterwards. Exit code 1 if anything broke.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  type Args,
  argsOrExit,
  Cleanup,
  checkInvariants,
  databaseFigures,
  deleteRedisKeys,
  LoadClient,
  PrivateRedis,
  SEATS,
  SETTLED,
} from "@boxoffice/testkit";
import { childEnv } from "./lib/child-env.ts";
import { Cluster } from "./lib/cluster.ts";
import { isScenario, type Scenario, type ScenarioContext, type ScenarioResult } from "./lib/context.ts";
import { createScenarioDatabase, DEFAULT_DATABASE_URL, type ScenarioDatabase } from "./lib/database.ts";
import { renderScenario, renderSummary, type ScenarioReport, STANDARD_FIGURES } from "./lib/report.ts";
import { PrivatePostgres, type PrivateServices } from "./lib/services.ts";
import { Setup } from "./lib/setup.ts";
import { round } from "./lib/stats.ts";

const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
/** The scenarios' files in the order they run; any other file in scenarios/ runs after these. */
const ORDER = ["blockbuster", "crash", "outage", "webhooks", "fuzz", "authz"];
const DEFAULT_BUDGET = { quick: 60_000, full: 300_000 };
/** After the budget, a scenario gets this long to wind down before the runner abandons it. */
const GRACE_MS = 30_000;

const USAGE = "usage: pnpm proof [--quick] [--only name,...] [--list] [--json file]";
const FLAGS = { only: { list: true }, list: { boolean: true }, json: { text: true } } as const;
type Options = Args<typeof FLAGS>;

/** Every Scenario exported by a module in proof/scenarios/, in ORDER, tagged with its file's name. */
async function loadScenarios(): Promise<Array<{ file: string; scenario: Scenario }>> {
  const dir = fileURLToPath(new URL("./scenarios/", import.meta.url));
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith(".d.ts"))
    .map((f) => f.slice(0, -3))
    .sort((a, b) => {
      const ia = ORDER.indexOf(a);
      const ib = ORDER.indexOf(b);
      return (ia < 0 ? ORDER.length : ia) - (ib < 0 ? ORDER.length : ib) || a.localeCompare(b);
    });
  const found: Array<{ file: string; scenario: Scenario }> = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(dir, `${file}.ts`)).href)) as Record<string, unknown>;
    const seen = new Set<Scenario>();
    for (const value of Object.values(module)) {
      if (isScenario(value) && !seen.has(value)) {
        seen.add(value);
        found.push({ file, scenario: value });
      }
    }
  }
  return found;
}

/** What a scenario needs torn down (newest first; also on Ctrl-C and by the watchdog), and its abort. */
let active: { teardown: Cleanup; abort: AbortController } | undefined;

async function runScenario(scenario: Scenario, options: Options): Promise<ScenarioReport> {
  const started = Date.now();
  const teardown = new Cleanup(30_000);
  const abort = new AbortController();
  active = { teardown, abort };
  const logDir = mkdtempSync(join(tmpdir(), `boxoffice-proof-${scenario.name}-`));
  const log = (line: string) => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
    console.log(`   [${scenario.name} ${seconds}s] ${line}`);
  };
  const problems: string[] = [];
  let figures: Record<string, number | string> = {};
  /** 5xx statuses the scenario expects (503 while a dependency is down), with their counts: not in "5xx". */
  let expected5xx: Array<[number, number]> = [];
  let cluster: Cluster | undefined;
  let http: LoadClient | undefined;
  let database: ScenarioDatabase | undefined;
  try {
    let services: PrivateServices | undefined;
    let serverUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
    let redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
    if (scenario.services === "private") {
      log("starting a private PostgreSQL cluster and redis-server");
      const postgres = await PrivatePostgres.create();
      teardown.push("private PostgreSQL", () => postgres.destroy());
      const redis = await PrivateRedis.start();
      teardown.push("private redis-server", () => redis.stop());
      services = { postgres, redis };
      serverUrl = postgres.url;
      redisUrl = redis.url;
    }
    const db = await createScenarioDatabase(serverUrl, scenario.name);
    database = db;
    teardown.push(`database ${db.name}`, () => db.drop());
    const redisPrefix = `proof-${scenario.name}-${randomBytes(4).toString("hex")}:`;
    if (scenario.services !== "private") {
      teardown.push(`Redis keys ${redisPrefix}*`, async () => {
        await deleteRedisKeys(redisUrl, redisPrefix);
      });
    }
    const secrets = {
      jwtAccessSecret: randomBytes(36).toString("base64url"),
      jwtRefreshSecret: randomBytes(36).toString("base64url"),
    };
    const env = {
      ...childEnv(),
      // development: the dev payment provider, which production refuses, pays without money.
      NODE_ENV: "development",
      HOST: "127.0.0.1",
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
      JWT_ACCESS_SECRET: secrets.jwtAccessSecret,
      JWT_REFRESH_SECRET: secrets.jwtRefreshSecret,
      // Shared by every API process of the run, as the JWT secrets are.
      TICKET_SIGNING_SECRET: randomBytes(36).toString("base64url"),
      SEED_DEMO_DATA: "false",
      PAYMENT_PROVIDER: "dev",
      // All load comes from one address: the limits would measure the proof, not the system.
      RATE_LIMIT_HOLDS_PER_MIN: "0",
      RATE_LIMIT_AUTH_PER_MIN: "0",
      RATE_LIMIT_LOGIN_PER_ACCOUNT: "0",
      HOLD_MAX_SEATS: "10",
      LOG_LEVEL: "info",
      SHUTDOWN_TIMEOUT_MS: "5000",
      ...scenario.env,
    };
    const theCluster = new Cluster(env, logDir);
    cluster = theCluster;
    teardown.push("processes", () => theCluster.stopAll());
    log(`starting ${scenario.processes.apis} API and ${scenario.processes.workers} worker processes`);
    await theCluster.start(scenario.processes.apis, scenario.processes.workers);
    const client = new LoadClient(() => theCluster.apiUrls);
    http = client;
    const ctx: ScenarioContext = {
      quick: options.quick,
      databaseUrl: db.url,
      db: db.pool,
      get apiUrls() {
        return theCluster.apiUrls;
      },
      redisUrl,
      redisPrefix,
      secrets,
      log,
      cluster: theCluster,
      services,
      signal: abort.signal,
      http: client,
      setup: new Setup(db.pool, db.handle, client, secrets),
    };
    const budget = (scenario.budgetMs ?? DEFAULT_BUDGET)[options.quick ? "quick" : "full"];
    const budgetTimer = setTimeout(() => {
      log(`budget of ${budget / 1000} s spent: asking the scenario to stop`);
      abort.abort();
    }, budget);
    let hardTimer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race<ScenarioResult>([
        scenario.run(ctx),
        new Promise<ScenarioResult>((_, reject) => {
          hardTimer = setTimeout(
            () =>
              reject(
                new Error(`hung: still running ${GRACE_MS / 1000} s past its budget of ${budget / 1000} s`),
              ),
            budget + GRACE_MS,
          );
        }),
      ]);
      figures = { ...result.figures };
      problems.push(...result.problems);
    } finally {
      clearTimeout(budgetTimer);
      clearTimeout(hardTimer);
    }
  } catch (err) {
    problems.push(`the scenario failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }

  // Processes stop first (SIGTERM, exit code checked), so nothing moves while the invariants are read.
  if (cluster) {
    await cluster.stopAll().catch((err: unknown) => problems.push(`stopping processes: ${String(err)}`));
    problems.push(...cluster.crashes());
  }
  http?.close();
  if (database) {
    try {
      problems.push(...(await checkInvariants(database.pool, [...SEATS, ...SETTLED])));
      const fromDb = await databaseFigures(database.pool);
      const expected = new Set(scenario.expected5xx ?? []);
      const serverStatuses = cluster?.statuses() ?? new Map<number, number>();
      const clientStatuses = http?.statuses ?? new Map<number, number>();
      // The API processes' logs and the proof's client each count the answers, and each can miss some (a
      // process killed -9 loses its last log lines): each status counts as the larger of the two.
      const count5xx = (wanted: (status: number) => boolean) => {
        const statuses = new Set([...serverStatuses.keys(), ...clientStatuses.keys()]);
        return [...statuses]
          .filter((s) => s >= 500 && wanted(s))
          .sort((a, b) => a - b)
          .map((s): [number, number] => [s, Math.max(serverStatuses.get(s) ?? 0, clientStatuses.get(s) ?? 0)])
          .filter(([, n]) => n > 0);
      };
      const unexpected = count5xx((s) => !expected.has(s));
      expected5xx = count5xx((s) => expected.has(s));
      const fiveXx = unexpected.reduce((n, [, c]) => n + c, 0);
      if (fiveXx > 0) {
        problems.push(
          `${fiveXx} answers with an unexpected 5xx (${unexpected.map(([s, n]) => `${s}: ${n}`).join(", ")})`,
        );
      }
      const serverRequests = [...serverStatuses.values()].reduce((a, b) => a + b, 0);
      // The runner's columns are the same measure in every scenario, so a scenario's figure cannot
      // replace one: it is reported under a name of its own, and a clash is the scenario's mistake.
      const clashes = STANDARD_FIGURES.filter((key) => key in figures);
      if (clashes.length > 0) {
        problems.push(
          `the scenario reported figures named like the runner's own columns (${clashes.join(", ")}): name them otherwise`,
        );
      }
      const own = Object.fromEntries(
        Object.entries(figures).filter(([key]) => !STANDARD_FIGURES.includes(key)),
      );
      figures = {
        requests: http && http.requests > 0 ? http.requests : serverRequests,
        ...fromDb,
        "5xx": fiveXx,
        ...own,
      };
    } catch (err) {
      problems.push(`checking the invariants failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  problems.push(...(await teardown.run()));
  active = undefined;
  const ok = problems.length === 0;
  if (ok) {
    rmSync(logDir, { recursive: true, force: true });
  } else if (cluster) {
    for (const line of cluster.errorLines().slice(0, 5)) {
      log(`error logged: ${line.slice(0, 600)}`);
    }
  }
  return {
    name: scenario.name,
    summary: scenario.summary ?? "",
    processes: `${scenario.processes.apis} API, ${scenario.processes.workers} worker${scenario.processes.workers === 1 ? "" : "s"}${scenario.services === "private" ? ", private PostgreSQL and Redis" : ""}`,
    seconds: round((Date.now() - started) / 1000, 1),
    figures,
    expected5xx,
    problems,
    logDir: ok ? undefined : logDir,
  };
}

async function main() {
  const options = argsOrExit(process.argv.slice(2), FLAGS, USAGE);
  let scenarios = await loadScenarios();
  if (options.list) {
    for (const { file, scenario } of scenarios) {
      console.log(`${scenario.name} (${file}.ts): ${scenario.summary ?? ""}`);
    }
    return;
  }
  if (options.only.length > 0) {
    scenarios = scenarios.filter(({ file, scenario }) =>
      options.only.some((o) => o === file || o === scenario.name),
    );
    if (scenarios.length === 0) {
      console.error(`no scenario named ${options.only.join(", ")}`);
      process.exit(2);
    }
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the scenario's processes and dropping its database`);
      active?.abort.abort();
      void (active?.teardown.run() ?? Promise.resolve([])).finally(() => process.exit(130));
    });
  }
  const started = Date.now();
  console.log(
    `boxoffice proof${options.quick ? " --quick" : ""}: ${scenarios.map((s) => s.scenario.name).join(", ")}`,
  );
  const reports: ScenarioReport[] = [];
  for (const { scenario } of scenarios) {
    console.log(`\n-- ${scenario.name}: ${scenario.summary ?? ""}`);
    const report = await runScenario(scenario, options);
    console.log(renderScenario(report));
    reports.push(report);
  }
  const failed = reports.filter((r) => r.problems.length > 0);
  console.log(`\n${renderSummary(reports)}`);
  console.log(
    `\nproof ${failed.length === 0 ? "passed" : `FAILED (${failed.map((r) => r.name).join(", ")})`} in ${round((Date.now() - started) / 1000, 1)} s`,
  );
  if (options.json) {
    writeFileSync(
      options.json,
      JSON.stringify({ quick: options.quick, at: new Date().toISOString(), reports }, null, 2),
    );
  }
  // Stray sockets or timers of a scenario must not keep a finished run alive.
  process.exit(failed.length === 0 ? 0 : 1);
}

await main();
