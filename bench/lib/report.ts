import os from "node:os";
import type { PhaseStats } from "./load.ts";

export interface PhaseResult {
  scenario: string;
  side: "API" | "raw SQL";
  stats: PhaseStats;
  /** CPU used over the phase, in % of one core. */
  serverCpu: number | undefined;
  benchCpu: number;
  /** Share of all the machine's cores that was busy (API, bench and PostgreSQL together). */
  machineBusy: number;
}

const fixed = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "-");

export function holdsPerSecond(stats: PhaseStats): number {
  return stats.requests / (stats.elapsedMs / 1000);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** One row per measured phase, with where the CPU went. */
export function phaseTable(results: PhaseResult[]): string {
  return table(
    [
      "scenario",
      "side",
      "holds/s",
      "201/s",
      "201",
      "409",
      "errors",
      "p50 ms",
      "p99 ms",
      "API cpu",
      "bench cpu",
      "machine",
    ],
    results.map((r) => [
      r.scenario,
      r.side,
      fixed(holdsPerSecond(r.stats)),
      fixed(r.stats.held / (r.stats.elapsedMs / 1000)),
      String(r.stats.held),
      String(r.stats.taken),
      String(r.stats.errors),
      fixed(r.stats.p50Ms, 1),
      fixed(r.stats.p99Ms, 1),
      r.serverCpu === undefined ? "-" : `${fixed(r.serverCpu)}%`,
      `${fixed(r.benchCpu)}%`,
      `${fixed(r.machineBusy)}%`,
    ]),
  );
}

/** The comparison the issue asks for: API next to raw SQL, scenario by scenario. */
export function summaryTable(results: PhaseResult[]): string {
  const scenarios = [...new Set(results.map((r) => r.scenario))];
  return table(
    ["scenario", "API holds/s", "API p50/p99 ms", "raw holds/s", "raw p50/p99 ms", "API/raw"],
    scenarios.flatMap((scenario) => {
      const api = results.find((r) => r.scenario === scenario && r.side === "API");
      const raw = results.find((r) => r.scenario === scenario && r.side === "raw SQL");
      if (!api || !raw) {
        return [];
      }
      const latency = (s: PhaseStats) => `${fixed(s.p50Ms, 1)} / ${fixed(s.p99Ms, 1)}`;
      return [
        [
          scenario,
          fixed(holdsPerSecond(api.stats)),
          latency(api.stats),
          fixed(holdsPerSecond(raw.stats)),
          latency(raw.stats),
          fixed(holdsPerSecond(api.stats) / holdsPerSecond(raw.stats), 2),
        ],
      ];
    }),
  );
}

export function machineLines(postgresVersion: string): string[] {
  const cpus = os.cpus();
  return [
    `machine:  ${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${fixed(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}`,
    `software: node ${process.version}, ${postgresVersion.split(" on ")[0]}`,
  ];
}

/** A CPU meter: this process, the API process and the whole machine, between two readings. */
export interface CpuReading {
  self: number;
  server: number | undefined;
  idle: number;
  total: number;
  at: number;
}

export function readMachine(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}

export function cpuBetween(a: CpuReading, b: CpuReading) {
  const wallMicros = (b.at - a.at) * 1000;
  return {
    benchCpu: ((b.self - a.self) / wallMicros) * 100,
    serverCpu:
      a.server === undefined || b.server === undefined
        ? undefined
        : ((b.server - a.server) / wallMicros) * 100,
    machineBusy: (1 - (b.idle - a.idle) / Math.max(1, b.total - a.total)) * 100,
  };
}
