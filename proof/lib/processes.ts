import type { ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { spawnTs } from "@boxoffice/testkit";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

// Node with tsx's flags, as `pnpm start` runs it: the pid is the server itself, so kill -9 kills the server
// and not a wrapper that would leave it running.

const ENTRY = {
  api: { cwd: join(repoRoot, "apps", "api"), ready: "boxoffice API listening" },
  worker: { cwd: join(repoRoot, "apps", "worker"), ready: "worker ready" },
} as const;

export type ProcessKind = keyof typeof ENTRY;

export interface ExitRecord {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** We asked for it (stop or kill); anything else is a crash the report names. */
  expected: boolean;
}

/**
 * One API or worker process, as `pnpm start` / `pnpm worker` run it. Its JSON log is parsed as it streams:
 * request lines are counted by status, error lines kept, and everything appended to a file.
 */
export class ManagedProcess {
  readonly name: string;
  pid: number | undefined;
  url: string | undefined;
  /** Statuses of the requests this process logged as answered, over all its lives. */
  readonly statuses = new Map<number, number>();
  readonly errorLines: string[] = [];
  readonly crashes: string[] = [];
  starts = 0;
  private child: ChildProcess | undefined;
  private exited: Promise<ExitRecord> | undefined;
  private stopping = false;
  private port = 0;
  private readonly tail: string[] = [];
  private readonly logFile: WriteStream;
  private logClosed: Promise<void> | undefined;

  constructor(
    readonly kind: ProcessKind,
    readonly index: number,
    private readonly env: Record<string, string>,
    logPath: string,
  ) {
    this.name = `${kind}-${index + 1}`;
    this.logFile = createWriteStream(logPath, { flags: "a" });
    // A log file that cannot be written must not take the runner down; the counts come from the stream.
    this.logFile.on("error", () => {});
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process (an API on the port it had before, if it ran already) and waits until it is ready. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.alive) {
      throw new Error(`${this.name} is already running`);
    }
    const entry = ENTRY[this.kind];
    const env = { ...this.env, ...(this.kind === "api" ? { PORT: String(this.port) } : {}) };
    const child = spawnTs("src/main.ts", {
      cwd: entry.cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    this.pid = child.pid;
    this.stopping = false;
    this.starts += 1;
    this.logFile.write(`--- ${this.name} start ${this.starts} pid ${child.pid} ---\n`);
    const life = this.starts;
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        const expected = this.stopping;
        if (!expected) {
          this.crashes.push(`${this.name} (life ${life}) exited by itself: code ${code}, signal ${signal}`);
        }
        resolve({ code, signal, expected });
      });
    });
    let onReady: ((line: Record<string, unknown>) => void) | undefined;
    const ready = new Promise<Record<string, unknown>>((resolve) => {
      onReady = resolve;
    });
    const read = (stream: NodeJS.ReadableStream | null) => {
      if (!stream) {
        return;
      }
      createInterface({ input: stream }).on("line", (line) => {
        if (!this.logClosed) {
          this.logFile.write(`${line}\n`);
        }
        this.tail.push(line);
        if (this.tail.length > 200) {
          this.tail.shift();
        }
        const entryLine = parseJson(line);
        if (!entryLine) {
          return;
        }
        if (entryLine.msg === "request" && typeof entryLine.status === "number") {
          this.statuses.set(entryLine.status, (this.statuses.get(entryLine.status) ?? 0) + 1);
        } else if (entryLine.msg === entry.ready) {
          onReady?.(entryLine);
        }
        if (typeof entryLine.level === "number" && entryLine.level >= 50 && this.errorLines.length < 50) {
          this.errorLines.push(line.slice(0, 2000));
        }
      });
    };
    read(child.stdout);
    read(child.stderr);
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      ready.then((line) => ({ ok: true as const, line })),
      this.exited.then((exit) => ({ ok: false as const, why: `exited (${exit.code ?? exit.signal})` })),
      new Promise<{ ok: false; why: string }>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, why: `not ready within ${timeoutMs} ms` }), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!outcome.ok) {
      await this.kill();
      throw new Error(`${this.name} did not start: ${outcome.why}\n${this.tail.slice(-20).join("\n")}`);
    }
    if (this.kind === "api") {
      this.url = String(outcome.line.url);
      this.port = Number(new URL(this.url).port);
    }
  }

  /** kill -9 by pid: no shutdown code runs, in-flight transactions are cut where they are. */
  async kill(): Promise<ExitRecord | undefined> {
    if (!this.alive || !this.child?.pid) {
      return this.exited ? await this.exited : undefined;
    }
    this.stopping = true;
    process.kill(this.child.pid, "SIGKILL");
    return this.exited;
  }

  /** SIGTERM by pid (the process drains and exits), SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 15_000): Promise<ExitRecord | undefined> {
    if (!this.alive || !this.child?.pid) {
      return this.exited ? await this.exited : undefined;
    }
    this.stopping = true;
    const pid = this.child.pid;
    process.kill(pid, "SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (this.alive) {
          this.crashes.push(`${this.name} did not stop within ${graceMs} ms of SIGTERM: killed`);
          process.kill(pid, "SIGKILL");
        }
        resolve();
      }, graceMs);
    });
    const exit = await Promise.race([this.exited, forced.then(() => this.exited)]);
    clearTimeout(timer);
    if (exit && exit.code !== 0 && exit.signal !== "SIGKILL") {
      this.crashes.push(`${this.name} stopped with code ${exit.code} on SIGTERM (expected 0)`);
    }
    return exit;
  }

  /** Flushes the log file; call once the process is stopped for good. */
  closeLog(): Promise<void> {
    this.logClosed ??= new Promise((resolve) => this.logFile.end(() => resolve()));
    return this.logClosed;
  }

  lastLines(n: number): string[] {
    return this.tail.slice(-n);
  }
}

function parseJson(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith("{")) {
    return undefined;
  }
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
