import {
  ConfigError,
  createLogger,
  isDatabaseEmpty,
  type LoadConfigOptions,
  type LoadedConfig,
  type Logger,
  loadConfig,
  loadDotEnv,
  seedDemo,
  systemClock,
} from "@boxoffice/core";
import { runMigrations } from "@boxoffice/db";
import { type AppDeps, type BuildDepsOptions, buildDeps } from "./deps.ts";

/**
 * Reads the environment (the process's, with the repository's `.env` filling what it leaves unset) or exits
 * with a message naming what is wrong.
 */
export function loadConfigOrExit(
  env: Record<string, string | undefined> = process.env,
  options: LoadConfigOptions = {},
): LoadedConfig & { logger: Logger } {
  try {
    const envFile = env === process.env ? loadDotEnv() : undefined;
    const loaded = loadConfig(env, options);
    const logger = createLogger(loaded.config.logLevel);
    if (envFile) {
      logger.info({ file: envFile }, "read settings from .env (the environment's own values win)");
    }
    for (const warning of loaded.warnings) {
      logger.warn(warning);
    }
    return { ...loaded, logger };
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`boxoffice cannot start: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}

/** Dependencies, migrations and (in development, on an empty database) the demo data. */
export async function prepare(
  loaded: LoadedConfig & { logger: Logger },
  options: BuildDepsOptions = {},
): Promise<AppDeps> {
  const deps = await buildDeps(loaded.config, loaded.logger, options);
  await runMigrations(deps.dbHandle);
  if (loaded.config.seedDemoData && (await isDatabaseEmpty(deps))) {
    const result = await seedDemo({ db: deps.db, clock: systemClock });
    loaded.logger.info(result, "database was empty: demo data loaded");
  }
  return deps;
}
