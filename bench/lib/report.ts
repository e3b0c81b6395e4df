import os from "node:os";
import { type Sales, table } from "@boxoffice/testkit";
import type { CpuUse } from "./cpu.ts";
import type { PhaseStats } from "./load.ts";

export interface PhaseResult {
  scenario: string;
  side: "API" | "raw SQL";
  stats: PhaseStats;
  cpu: CpuUse;
}

export const fixed = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "-");

/** Hold transactions that ran to an answer (201 or 409) per second; failed requests are not holds. */
export function holdsPerSecond(stats: PhaseStats): number {
  return (stats.held + stats.taken) / (stats.windowMs / 1000);
}

export const percent = (n: number | undefined) => (n === undefined ? "-" : `${fixed(n)}%`);

const latency = (s: PhaseStats) => `${fixed(s.p50Ms, 1)} / ${fixed(s.p99Ms, 1)}`;

/** CPU milliseconds per finished hold, of one party. */
function perHold(micros: number | undefined, r: PhaseResult): string {
  return micros === undefined ? "-" : fixed(micros / 1000 / r.stats.finished, 2);
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
      "pg cpu",
      "rest",
      "machine",
      "cpu ms/hold API/bench/pg",
    ],
    results.map((r) => [
      r.scenario,
      r.side,
      fixed(holdsPerSecond(r.stats)),
      fixed(r.stats.held / (r.stats.windowMs / 1000)),
      String(r.stats.held),
      String(r.stats.taken),
      String(r.stats.errors),
      fixed(r.stats.p50Ms, 1),
      fixed(r.stats.p99Ms, 1),
      percent(r.cpu.api),
      percent(r.cpu.bench),
      percent(r.cpu.postgres),
      percent(r.cpu.rest),
      percent(r.cpu.machine),
      [
        r.side === "API" ? perHold(r.cpu.micros.api, r) : "-",
        perHold(r.cpu.micros.bench, r),
        perHold(r.cpu.micros.postgres, r),
      ].join(" / "),
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

/** One side of the blockbuster race, over all its rounds. */
export interface RaceResult {
  side: string;
  /** Users whose visit began inside a round. */
  users: number;
  holds: PhaseStats;
  buys: PhaseStats;
  /** Counted in the database after the races. */
  sales: Sales;
  cpu: CpuUse;
}

/** Holds answered and bookings made per second of race. */
export function raceRates(r: RaceResult): { holds: number; bookings: number } {
  return { holds: holdsPerSecond(r.holds), bookings: r.buys.booked / (r.buys.windowMs / 1000) };
}

/** The comparison the blockbuster issue asks for: seats sold twice and throughput, side by side. */
export function raceTable(results: RaceResult[]): string {
  return table(
    [
      "side",
      "users",
      "holds/s",
      "201",
      "409",
      "buy 409",
      "bookings/s",
      "bookings",
      "seats sold",
      "sold twice",
      "hold p50/p99 ms",
      "buy p50/p99 ms",
      "errors",
      "server cpu",
      "pg cpu",
      "machine",
    ],
    results.map((r) => [
      r.side,
      String(r.users),
      fixed(raceRates(r).holds),
      String(r.holds.held),
      String(r.holds.taken),
      String(r.buys.taken),
      fixed(raceRates(r).bookings, 1),
      String(r.sales.bookings),
      String(r.sales.tickets),
      String(r.sales.soldTwice),
      latency(r.holds),
      latency(r.buys),
      String(r.holds.errors + r.buys.errors),
      percent(r.cpu.api),
      percent(r.cpu.postgres),
      percent(r.cpu.machine),
    ]),
  );
}
