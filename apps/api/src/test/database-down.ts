import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:net";
import type { Role } from "@boxoffice/contracts";
import { createLogger, loadConfig } from "@boxoffice/core";
import { createDb } from "@boxoffice/db";
import { buildDeps } from "../deps.ts";
import { startServer } from "../server.ts";
import { HttpClient } from "./harness.ts";

/** A port nothing listens on: PostgreSQL is down (connections refused, as while it restarts). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The real API whose PostgreSQL is down from the start, and access tokens it accepts (signed with its
 * secret; no account exists, since nothing can be stored).
 */
export async function startServerWithDatabaseDown() {
  const { config } = loadConfig({
    NODE_ENV: "test",
    JWT_ACCESS_SECRET: randomBytes(32).toString("hex"),
    JWT_REFRESH_SECRET: randomBytes(32).toString("hex"),
    RATE_LIMIT_AUTH_PER_MIN: "0",
    RATE_LIMIT_HOLDS_PER_MIN: "0",
  });
  const deps = await buildDeps({ ...config, redisUrl: undefined }, createLogger("silent"), {
    dbHandle: await createDb({
      kind: "postgres",
      url: `postgres://postgres@127.0.0.1:${await closedPort()}/down`,
    }),
  });
  const server = await startServer(deps, 0, "127.0.0.1");
  const tokenFor = async (roles: Role[] = ["user"]) =>
    (
      await deps.tokens.signAccessToken({
        userId: randomUUID(),
        roles,
        tokenVersion: 0,
        sessionId: randomUUID(),
      })
    ).token;
  return { url: server.url, http: new HttpClient(server.url), tokenFor, close: () => server.close() };
}
