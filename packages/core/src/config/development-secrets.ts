import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "./config-error.ts";

export const SECRET_NAMES = ["JWT_ACCESS_SECRET", "JWT_REFRESH_SECRET", "TICKET_SIGNING_SECRET"] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

export const DEVELOPMENT_SECRETS_FILE = "development-secrets.json";

/**
 * Development's generated secrets, kept in the data folder beside the database they belong to: a restart
 * (every save under `pnpm dev`) keeps everyone signed in and every ticket valid. Made once, readable by
 * the owner only; deleting the file signs everyone out.
 */
export function developmentSecrets(dataDir: string): { secrets: Record<SecretName, string>; file: string } {
  const file = join(dataDir, DEVELOPMENT_SECRETS_FILE);
  let kept: Partial<Record<SecretName, unknown>> = {};
  try {
    kept = JSON.parse(readFileSync(file, "utf8")) as Partial<Record<SecretName, unknown>>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new ConfigError(
        `${file} cannot be read (${(err as Error).message}): delete it to make new secrets`,
      );
    }
  }
  const secrets = Object.fromEntries(
    SECRET_NAMES.map((name) => {
      const value = kept[name];
      return [
        name,
        typeof value === "string" && value.length >= 32 ? value : randomBytes(48).toString("base64url"),
      ];
    }),
  ) as Record<SecretName, string>;
  if (SECRET_NAMES.some((name) => kept[name] !== secrets[name])) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  return { secrets, file };
}
