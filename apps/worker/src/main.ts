import {
  buildPaymentProviders,
  ConfigError,
  createLogger,
  exitOnSignals,
  loadConfig,
  loadDotEnv,
  redisSeatBus,
} from "@boxoffice/core";
import { createDb, runMigrations } from "@boxoffice/db";
import { Redis } from "ioredis";
import { startWorker } from "./worker.ts";

let loaded: ReturnType<typeof loadConfig>;
try {
  loadDotEnv();
  loaded = loadConfig(process.env, { needsSecrets: false, needsPublicUrl: false });
} catch (err) {
  console.error(`boxoffice worker cannot start: ${err instanceof ConfigError ? err.message : String(err)}`);
  process.exit(1);
}
const { config } = loaded;
const logger = createLogger(config.logLevel, "boxoffice-worker");
for (const warning of loaded.warnings) {
  logger.warn(warning);
}

if (!config.redisUrl) {
  logger.info(
    "REDIS_URL is not set: jobs run inside the API process (embedded mode), so this worker has nothing to do",
  );
  process.exit(0);
}
if (!config.databaseUrl) {
  logger.error(
    "DATABASE_URL is required with REDIS_URL: embedded PGlite belongs to the API process and must not be opened twice",
  );
  process.exit(1);
}

const dbHandle = await createDb({ kind: "postgres", url: config.databaseUrl });
await runMigrations(dbHandle);
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
redis.on("error", (err) => logger.warn({ err: err.message }, "redis connection error"));
await redis.ping();

const bus = await redisSeatBus(redis, `${config.redisPrefix}seats`, (err) =>
  logger.warn({ err: err.message }, "seat bus error"),
);
const worker = await startWorker({
  connection: redis,
  db: dbHandle.db,
  bus,
  logger,
  prefix: config.redisPrefix,
  // Refunds are sent with the same providers the API takes payments through.
  providers: buildPaymentProviders(config.payments, config.jwtRefreshSecret).providers,
});

exitOnSignals(
  logger,
  async () => {
    await worker.close();
    await bus.close();
    await redis.quit();
    await dbHandle.close();
  },
  { timeoutMs: config.shutdownTimeoutMs, what: "worker" },
);
// Only now: a supervisor may send SIGTERM the moment it reads this line (see the API's main.ts).
logger.info({ queues: worker.queues }, "worker ready");
