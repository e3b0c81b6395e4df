import { DEMO_ACCOUNTS, exitOnSignals } from "@boxoffice/core";
import { loadConfigOrExit, prepare } from "./bootstrap.ts";
import { startServer } from "./server.ts";

const loaded = loadConfigOrExit(process.env, { keepDevelopmentSecrets: true });
const { config, logger } = loaded;
const deps = await prepare(loaded);
const server = await startServer(deps);
// Before "listening": a supervisor may send SIGTERM the moment it reads that line, and a signal with no
// listener yet kills the process at once instead of stopping it cleanly.
exitOnSignals(logger, () => server.close(), { timeoutMs: config.shutdownTimeoutMs, what: "boxoffice API" });

logger.info(
  {
    url: server.url,
    docs: `${server.url}/docs`,
    database: config.databaseUrl ? "postgresql" : `pglite (${config.dataDir})`,
    jobs: config.redisUrl ? "redis" : "in-process",
  },
  "boxoffice API listening",
);
if (config.env !== "production" && config.seedDemoData) {
  logger.info(
    { accounts: DEMO_ACCOUNTS.map((a) => `${a.email} / ${a.password}`) },
    "demo accounts (local use only)",
  );
}
