/**
 * Runs one proof scenario on its own, the way the proof runner will: a fresh PostgreSQL database, one API
 * process (apps/api/src/main.ts under tsx, as `pnpm start` runs it) in development with the dev payment
 * provider and rate limits off, the scenario, then the database dropped.
 *
 *   pnpm exec tsx proof/dev-run.ts fuzz|authz [--quick] [--seed=N] [--redis]
 *
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) names the server; the scenario's
 * database is created beside it. --redis gives the API REDIS_URL (default redis://127.0.0.1:6379), as a
 * production-like deployment has. Exits 1 if the scenario reports a problem.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { spawnScript } from "../packages/testkit/src/process.ts";
import type { Scenario, ScenarioContext } from "./lib/context.ts";
import { authzScenario } from "./scenarios/authz.ts";
import { fuzzScenario } from "./scenarios/fuzz.ts";

const scenarios: Record<string, Scenario> = { fuzz: fuzzScenario, authz: authzScenario };

const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith("--"));
const scenario = name ? scenarios[name] : undefined;
if (!scenario) {
  console.error(
    `usage: tsx proof/dev-run.ts ${Object.keys(scenarios).join("|")} [--quick] [--seed=N] [--redis]`,
  );
  process.exit(2);
}
const quick = args.includes("--quick");
const seed = args.find((a) => a.startsWith("--seed="))?.slice("--seed=".length);
if (seed) {
  process.env.PROOF_SEED = seed;
}
const redisUrl = args.includes("--redis") ? (process.env.REDIS_URL ?? "redis://127.0.0.1:6379") : undefined;

const serverUrl = new URL(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test");
const database = `proof_${scenario.name.replace(/\W/g, "_")}_${randomBytes(4).toString("hex")}`;
const databaseUrl = new URL(serverUrl);
databaseUrl.pathname = `/${database}`;

const admin = new pg.Pool({ connectionString: serverUrl.toString(), max: 1 });
await admin.query(`create database "${database}"`);
const db = new pg.Pool({ connectionString: databaseUrl.toString(), max: 4 });
db.on("error", () => {});

const secrets = {
  jwtAccessSecret: randomBytes(48).toString("base64url"),
  jwtRefreshSecret: randomBytes(48).toString("base64url"),
};
const { DATABASE_URL: _d, REDIS_URL: _r, NODE_ENV: _n, PAYMENT_PROVIDER: _p, ...inherited } = process.env;
const api = spawnScript("apps/api/src/main.ts", [], {
  ...inherited,
  NODE_ENV: "development",
  DATABASE_URL: databaseUrl.toString(),
  ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_PREFIX: `${database}:` } : {}),
  PORT: "0",
  HOST: "127.0.0.1",
  LOG_LEVEL: "info",
  SEED_DEMO_DATA: "false",
  RATE_LIMIT_AUTH_PER_MIN: "0",
  RATE_LIMIT_HOLDS_PER_MIN: "0",
  JWT_ACCESS_SECRET: secrets.jwtAccessSecret,
  JWT_REFRESH_SECRET: secrets.jwtRefreshSecret,
});

let failed = true;
const started = performance.now();
try {
  const listening = await api.waitForLog("boxoffice API listening", 60_000);
  const url = String(listening.url);
  const ctx: ScenarioContext = {
    quick,
    databaseUrl: databaseUrl.toString(),
    db,
    apiUrls: [url],
    redisUrl,
    secrets,
    log: (line) => console.log(`[${scenario.name}] ${line}`),
  };
  console.log(`[${scenario.name}] API at ${url}, database ${database}${quick ? ", quick" : ""}`);
  const result = await scenario.run(ctx);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`\n${scenario.name}: ${result.problems.length === 0 ? "PASS" : "FAIL"} in ${seconds} s`);
  for (const [key, value] of Object.entries(result.figures)) {
    console.log(`  ${key}: ${value}`);
  }
  if (result.problems.length > 0) {
    console.log(`\n${result.problems.length} problem(s):`);
    for (const problem of result.problems) {
      console.log(`  - ${problem}`);
    }
  }
  const errors = api
    .output()
    .split("\n")
    .filter((line) => /"level":(?:5|6)\d/.test(line));
  if (errors.length > 0) {
    console.log(`\nthe API logged ${errors.length} error line(s); first ones:`);
    for (const line of errors.slice(0, 5)) {
      console.log(`  ${line.slice(0, 1500)}`);
    }
  }
  failed = result.problems.length > 0;
} catch (err) {
  console.error(err);
} finally {
  api.child.kill("SIGTERM");
  const timer = setTimeout(() => api.child.kill("SIGKILL"), 10_000);
  await api.exited;
  clearTimeout(timer);
  await db.end();
  await admin.query(`drop database if exists "${database}" with (force)`);
  await admin.end();
}
process.exit(failed ? 1 : 0);
