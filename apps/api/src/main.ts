import { DEMO_ACCOUNTS } from "@boxoffice/core";
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

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    server.close().then(
      () => {
        logger.info("stopped cleanly");
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  });
}
