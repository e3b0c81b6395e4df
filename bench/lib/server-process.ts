import type { ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnTs } from "@boxoffice/testkit";
import type { FromServer, ToServer } from "./ipc.ts";

export interface ServerProcess {
  url: string;
  /** CPU time (user + system) the server process has used so far, in microseconds. */
  cpuMicros(): Promise<number>;
  /** Lines of the server's log at level error or worse (pino level >= 50). */
  errorLines(limit: number): string[];
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** Tells the log files of several API processes apart. */
  index: number;
  databaseUrl: string;
  /** application_name of the API's database sessions (node-postgres reads PGAPPNAME). */
  applicationName: string;
  schema: string;
  poolSize: number;
  logLevel: string;
  jwtSecrets: { access: string; refresh: string };
  redisPrefix: string;
}

/**
 * Starts bench/api-server.ts (node with tsx's flags), its log going to a
 * temporary file: read only when something failed, so the bench pays nothing to consume it.
 */
export function spawnApiServer(options: ServerOptions): Promise<ServerProcess> {
  return spawnServer({
    entry: "../api-server.ts",
    name: `api-${options.index}`,
    // BENCH_API_NODE_ARGS adds Node flags to the API process only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    nodeArgs: process.env.BENCH_API_NODE_ARGS,
    env: {
      BENCH_DATABASE_URL: options.databaseUrl,
      PGAPPNAME: options.applicationName,
      BENCH_SCHEMA: options.schema,
      BENCH_POOL_SIZE: String(options.poolSize),
      BENCH_LOG_LEVEL: options.logLevel,
      BENCH_JWT_ACCESS_SECRET: options.jwtSecrets.access,
      BENCH_JWT_REFRESH_SECRET: options.jwtSecrets.refresh,
      BENCH_REDIS_PREFIX: options.redisPrefix,
    },
  });
}

export interface SpawnOptions {
  /** The server's entry file, relative to this one; it speaks the messages of lib/ipc.ts. */
  entry: string;
  /** Names the log file and the error messages. */
  name: string;
  /** Extra Node flags for this process only, separated by spaces. */
  nodeArgs?: string | undefined;
  env: Record<string, string>;
}

/**
 * Starts a bench server (the API, or the seed's strategy) as node with tsx's flags, with a channel for
 * lib/ipc.ts's messages, and waits until it listens.
 */
export async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  const logFile = join(tmpdir(), `boxoffice-bench-${options.name}-${process.pid}.log`);
  const logFd = openSync(logFile, "w");
  const entry = fileURLToPath(new URL(options.entry, import.meta.url));
  const child = spawnTs(entry, {
    cwd: process.cwd(),
    nodeArgs: options.nodeArgs?.split(/\s+/).filter(Boolean) ?? [],
    env: { ...process.env, ...options.env },
    stdio: ["ignore", logFd, "inherit", "ipc"],
  });
  closeSync(logFd);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    const url = await waitForReady(child, options.name);
    return handle(child, url, logFile, exited);
  } catch (err) {
    child.kill("SIGKILL");
    rmSync(logFile, { force: true });
    throw err;
  }
}

function waitForReady(child: ChildProcess, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the ${name} process did not start within 60 s`)),
      60_000,
    );
    child.on("message", (message: FromServer) => {
      if (message.type === "ready") {
        clearTimeout(timer);
        resolve(message.url);
      } else if (message.type === "failed") {
        clearTimeout(timer);
        reject(new Error(`the ${name} process failed to start:\n${message.message}`));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${name} process exited (code ${code}) before it was ready`));
    });
  });
}

function handle(child: ChildProcess, url: string, logFile: string, exited: Promise<void>): ServerProcess {
  let nextId = 0;
  const waiting = new Map<number, (micros: number) => void>();
  child.on("message", (message: FromServer) => {
    if (message.type === "cpu") {
      waiting.get(message.id)?.(message.micros);
      waiting.delete(message.id);
    }
  });
  const send = (message: ToServer) => child.connected && child.send(message);
  return {
    url,
    cpuMicros() {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        send({ type: "cpu", id });
      });
    },
    errorLines(limit) {
      const lines = readFileSync(logFile, "utf8").split("\n");
      return lines.filter((line) => /"level":(5|6)\d/.test(line)).slice(0, limit);
    },
    async stop() {
      send({ type: "stop" });
      // The API drains in-flight requests (its shutdown timeout is 2 s here); past that, force it.
      const timer = setTimeout(() => child.kill("SIGKILL"), 8_000);
      await exited;
      clearTimeout(timer);
      rmSync(logFile, { force: true });
    },
  };
}
