import { readFileSync } from "node:fs";
import os from "node:os";
import type { Pool } from "./pg.ts";

/** CPU time in microseconds used so far by each party, and the machine's idle and total time in ms. */
export interface CpuReading {
  at: number;
  bench: number;
  api: number | undefined;
  /** Per PostgreSQL backend serving the bench (API pool and raw-SQL pool), by process id. */
  backends: Map<number, number> | undefined;
  idleMs: number;
  totalMs: number;
}

/** Each party's CPU over a phase, in % of one core; the machine's in % of all its cores. */
export interface CpuUse {
  bench: number;
  api: number | undefined;
  postgres: number | undefined;
  machine: number;
  /** Everything else, in % of one core: other processes, PostgreSQL's background workers, the kernel. */
  rest: number | undefined;
  /** The CPU time behind the shares, in microseconds, for figures per hold. */
  micros: { bench: number; api: number | undefined; postgres: number | undefined };
}

// USER_HZ: the unit of utime/stime in /proc/<pid>/stat, 100 on every mainstream Linux build.
const TICK_MICROS = 10_000;

function processMicros(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // After "(comm) ", utime and stime are the 12th and 13th fields.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MICROS;
  } catch {
    return undefined;
  }
}

/**
 * CPU used so far by the PostgreSQL backends whose application_name is one of the bench's, read from
 * /proc: other sessions on the same server (a test suite, say) are left out. Undefined when the server
 * is not on this machine.
 */
async function backendMicros(pool: Pool, names: string[]): Promise<Map<number, number> | undefined> {
  const { rows } = await pool.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE application_name = ANY($1::text[])",
    [names],
  );
  const found = new Map<number, number>();
  for (const { pid } of rows) {
    const micros = processMicros(pid);
    if (micros !== undefined) {
      found.set(pid, micros);
    }
  }
  return found.size > 0 ? found : undefined;
}

function machineTimes(): { idleMs: number; totalMs: number } {
  let idleMs = 0;
  let totalMs = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    idleMs += t.idle;
    totalMs += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idleMs, totalMs };
}

export async function readCpu(apiMicros: number | undefined, pool: Pool, appNames: string[]) {
  const backends = await backendMicros(pool, appNames);
  const usage = process.cpuUsage();
  const reading: CpuReading = {
    at: performance.now(),
    bench: usage.user + usage.system,
    api: apiMicros,
    backends,
    ...machineTimes(),
  };
  return reading;
}

/** Backends that started during the round count in full; ones that ended during it are lost (rare). */
function backendDelta(a: CpuReading, b: CpuReading): number | undefined {
  if (!b.backends) {
    return undefined;
  }
  let micros = 0;
  for (const [pid, used] of b.backends) {
    micros += used - (a.backends?.get(pid) ?? 0);
  }
  return micros;
}

/** Adds up CPU and wall time over the rounds of one side, between a start and a stop reading each. */
export class CpuMeter {
  private wallMicros = 0;
  private bench = 0;
  private api: number | undefined = 0;
  private postgres: number | undefined = 0;
  private idleMs = 0;
  private totalMs = 0;

  add(a: CpuReading, b: CpuReading): void {
    this.wallMicros += (b.at - a.at) * 1000;
    this.bench += b.bench - a.bench;
    this.api =
      this.api === undefined || a.api === undefined || b.api === undefined
        ? undefined
        : this.api + b.api - a.api;
    const pg = backendDelta(a, b);
    this.postgres = this.postgres === undefined || pg === undefined ? undefined : this.postgres + pg;
    this.idleMs += b.idleMs - a.idleMs;
    this.totalMs += b.totalMs - a.totalMs;
  }

  use(): CpuUse {
    const share = (micros: number | undefined) =>
      micros === undefined ? undefined : (micros / Math.max(1, this.wallMicros)) * 100;
    const bench = share(this.bench) ?? 0;
    const api = share(this.api);
    const postgres = share(this.postgres);
    const machine = (1 - this.idleMs / Math.max(1, this.totalMs)) * 100;
    const rest =
      api === undefined || postgres === undefined
        ? undefined
        : Math.max(0, machine * os.cpus().length - bench - api - postgres);
    return {
      bench,
      api,
      postgres,
      machine,
      rest,
      micros: { bench: this.bench, api: this.api, postgres: this.postgres },
    };
  }
}

/** How busy the machine is with nothing of the bench's running yet, in % of all cores, over `ms`. */
export async function backgroundLoad(ms: number): Promise<number> {
  const a = machineTimes();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = machineTimes();
  return (1 - (b.idleMs - a.idleMs) / Math.max(1, b.totalMs - a.totalMs)) * 100;
}
