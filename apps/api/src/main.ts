import { DEMO_ACCOUNTS, exitOnSignals } from "@boxoffice/core";
import { loadConfigOrExit, prepare } from "./bootstrap.ts";
import { startServer } from "./server.ts";

const loaded = loadConfigOrExit();
const { config, logger } = loaded;
const deps = await prepare(loaded);
const server = await startServer(deps);

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

exitOnSignals(logger, () => server.close(), { timeoutMs: config.shutdownTimeoutMs, what: "boxoffice API" });
