import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const repoRoot = join(import.meta.dirname, "..", "..", "..");

/**
 * Node's flags that run TypeScript as tsx's CLI does, without its CLI. The CLI is a parent process that
 * relays SIGTERM to the script and, when the script's event loop is too busy to acknowledge within 30 ms
 * (a loaded CI machine), SIGKILLs it: a graceful shutdown under test, or under a supervisor, became exit
 * 143. Started with these flags, the process that gets the signal is the server itself.
 */
const fromRoot = createRequire(join(repoRoot, "package.json"));
export const TSX_NODE_ARGS: readonly string[] = [
  "--require",
  fromRoot.resolve("tsx/preflight"),
  "--import",
  pathToFileURL(fromRoot.resolve("tsx")).href,
];

/**
 * The one way tests, the proof and the benchmarks start a TypeScript entry point as a process of its own:
 * `node` with TSX_NODE_ARGS (and `nodeArgs`, e.g. --cpu-prof), so its pid is the script itself.
 */
export function spawnTs(
  entry: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; stdio: StdioOptions; args?: string[]; nodeArgs?: string[] },
): ChildProcess {
  const argv = [...TSX_NODE_ARGS, ...(options.nodeArgs ?? []), entry, ...(options.args ?? [])];
  return spawn(process.execPath, argv, { cwd: options.cwd, env: options.env, stdio: options.stdio });
}

export interface Spawned {
  child: ChildProcess;
  /** stdout and stderr together, in the order they arrived. */
  output(): string;
  /** stdout alone: the JSON log stream a deployment ships. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the first JSON log line whose `msg` matches. */
  waitForLog(msg: string | RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs one of the repo's TypeScript entry points as its own process, the way `pnpm start` does. */
export function spawnScript(
  script: string,
  args: string[],
  env: Record<string, string | undefined>,
  options: { cwd?: string } = {},
): Spawned {
  const child = spawnTs(join(repoRoot, script), {
    args,
    cwd: options.cwd ?? repoRoot,
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const streams = { stdout: "", stderr: "" };
  const listeners = new Set<() => void>();
  const onData = (stream: keyof typeof streams) => (chunk: Buffer) => {
    text += chunk.toString();
    streams[stream] += chunk.toString();
    for (const l of listeners) {
      l();
    }
  };
  child.stdout?.on("data", onData("stdout"));
  child.stderr?.on("data", onData("stderr"));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const findLog = (msg: string | RegExp) => {
    for (const line of text.split("\n")) {
      if (!line.startsWith("{")) {
        continue;
      }
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        const m = String(entry.msg ?? "");
        if (typeof msg === "string" ? m === msg : msg.test(m)) {
          return entry;
        }
      } catch {
        // a partial line: wait for the rest
      }
    }
    return undefined;
  };
  return {
    child,
    output: () => text,
    stdout: () => streams.stdout,
    stderr: () => streams.stderr,
    exited,
    waitForLog(msg, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = findLog(msg);
          if (found) {
            cleanup();
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no log "${msg}" within ${timeoutMs} ms; output:\n${text}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`process exited before logging "${msg}"; output:\n${text}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off("exit", onExit);
        };
        listeners.add(check);
        child.once("exit", onExit);
        check();
      });
    },
  };
}

/** The parent's environment without the variables that would point a child at the shared servers. */
/**
 * What production needs to start, with values no real provider accepts: strong secrets, Stripe as the
 * payment provider (its API is never called by a test that only starts the process), a public URL.
 */
export const PRODUCTION_ENV: Readonly<Record<string, string>> = {
  NODE_ENV: "production",
  JWT_ACCESS_SECRET: "a".repeat(48),
  JWT_REFRESH_SECRET: "r".repeat(48),
  TICKET_SIGNING_SECRET: "t".repeat(48),
  PAYMENT_PROVIDER: "stripe",
  STRIPE_SECRET_KEY: "sk_test_never_called",
  STRIPE_WEBHOOK_SECRET: "whsec_never_called",
  PUBLIC_URL: "https://tickets.example.com",
};

export function embeddedEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const { DATABASE_URL: _db, REDIS_URL: _redis, NODE_ENV: _env, ...rest } = process.env;
  return { ...rest, LOG_LEVEL: "info", ...extra };
}
