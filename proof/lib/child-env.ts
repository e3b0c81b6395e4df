import { ENV_VARIABLES } from "@boxoffice/core";

const CONFIGURATION = new Set(ENV_VARIABLES);
/** libpq's variables, which node-postgres reads for whatever a connection string leaves out (PGOPTIONS too). */
const LIBPQ = /^PG[A-Z]+$/;

/**
 * The caller's environment without anything that configures boxoffice: every variable of the env schema
 * (`packages/core/src/config/env.ts`, so a new setting is stripped without anyone listing it) and libpq's.
 * A scenario's processes then run with the configuration the runner and the scenario set, never with a
 * BODY_LIMIT_BYTES, TRUST_PROXY or DATA_DIR the caller happened to export; PATH, HOME and the like pass.
 */
export function childEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !CONFIGURATION.has(key) && !LIBPQ.test(key)) {
      kept[key] = value;
    }
  }
  return kept;
}
