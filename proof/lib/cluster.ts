import { join } from "node:path";
import { ManagedProcess, type ProcessKind } from "./processes.ts";

/** The API and worker processes of one scenario, all on its database, Redis prefix and secrets. */
export class Cluster {
  readonly apis: ManagedProcess[] = [];
  readonly workers: ManagedProcess[] = [];

  constructor(
    private readonly env: Record<string, string>,
    private readonly logDir: string,
  ) {}

  /** A new process of the cluster, not yet started; `env` adds to (or overrides) the cluster's own. */
  add(kind: ProcessKind, env: Record<string, string> = {}): ManagedProcess {
    const list = kind === "api" ? this.apis : this.workers;
    const index = list.length;
    const proc = new ManagedProcess(
      kind,
      index,
      {
        ...this.env,
        ...env,
        // Names the process's database sessions, so pg_stat_activity tells whose transaction is whose.
        PGAPPNAME: `proof-${kind}-${index + 1}`,
      },
      join(this.logDir, `${kind}-${index + 1}.log`),
    );
    list.push(proc);
    return proc;
  }

  /** Starts `apis` API processes and `workers` workers, all at once (migrations take a lock). */
  async start(apis: number, workers: number): Promise<void> {
    const procs = [
      ...Array.from({ length: apis }, () => this.add("api")),
      ...Array.from({ length: workers }, () => this.add("worker")),
    ];
    await Promise.all(procs.map((p) => p.start()));
  }

  get apiUrls(): string[] {
    return this.apis.flatMap((p) => (p.url ? [p.url] : []));
  }

  /** Stops every process still running: SIGTERM by pid, then SIGKILL past the grace period. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.apis, ...this.workers].map((p) => p.stop()));
    await Promise.all([...this.apis, ...this.workers].map((p) => p.closeLog()));
  }

  /** Kills every process at once, for a run that is being abandoned (Ctrl-C, watchdog). */
  async killAll(): Promise<void> {
    await Promise.all([...this.apis, ...this.workers].map((p) => p.kill()));
  }

  /** Statuses every API process logged as answered, summed. */
  statuses(): Map<number, number> {
    const all = new Map<number, number>();
    for (const api of this.apis) {
      for (const [status, n] of api.statuses) {
        all.set(status, (all.get(status) ?? 0) + n);
      }
    }
    return all;
  }

  crashes(): string[] {
    return [...this.apis, ...this.workers].flatMap((p) => p.crashes);
  }

  errorLines(): string[] {
    return [...this.apis, ...this.workers].flatMap((p) => p.errorLines.map((l) => `${p.name}: ${l}`));
  }
}
