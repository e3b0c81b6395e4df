import { table } from "@boxoffice/testkit";

export interface ScenarioReport {
  name: string;
  summary: string;
  processes: string;
  seconds: number;
  figures: Record<string, number | string>;
  /**
   * 5xx answers of statuses the scenario expects (503 while a dependency is down), [status, count]: they
   * are not in the "5xx" figure, and the report says so wherever it prints that figure.
   */
  expected5xx: Array<[number, number]>;
  problems: string[];
  logDir: string | undefined;
}

/** The columns every scenario has, in the summary table; the rest of its figures follow it. */
export const STANDARD_FIGURES = ["requests", "holds", "bookings", "refunds", "seats sold twice", "5xx"];

/** "503 x371" for the expected 5xx answers, or "" when there were none. */
function expectedLine(report: ScenarioReport): string {
  return report.expected5xx.map(([status, n]) => `${status} x${n}`).join(", ");
}

/** The "5xx" figure as printed: the unexpected ones, and the expected ones left out of it named beside. */
function fiveXxCell(report: ScenarioReport): string {
  const expected = expectedLine(report);
  return expected
    ? `${cell(report.figures["5xx"])} (not counted: ${expected} expected)`
    : cell(report.figures["5xx"]);
}

function cell(value: number | string | undefined): string {
  if (value === undefined) {
    return "-";
  }
  return typeof value === "number" ? (Number.isNaN(value) ? "-" : String(value)) : value;
}

export function renderScenario(report: ScenarioReport): string {
  const verdict = report.problems.length === 0 ? "PASS" : `FAIL (${report.problems.length})`;
  const lines = [`== ${report.name}: ${verdict} in ${report.seconds} s (${report.processes})`];
  const extra = Object.entries(report.figures).filter(([key]) => !STANDARD_FIGURES.includes(key));
  const standard = STANDARD_FIGURES.map((key) =>
    key === "5xx" ? `${key} ${fiveXxCell(report)}` : `${key} ${cell(report.figures[key])}`,
  ).join(" · ");
  lines.push(`   ${standard}`);
  if (extra.length > 0) {
    lines.push(`   ${extra.map(([key, value]) => `${key} ${cell(value)}`).join(" · ")}`);
  }
  for (const problem of report.problems) {
    lines.push(`   PROBLEM: ${problem}`);
  }
  if (report.logDir) {
    lines.push(`   logs: ${report.logDir}`);
  }
  return lines.join("\n");
}

export function renderSummary(reports: ScenarioReport[]): string {
  const header = ["scenario", "result", "seconds", ...STANDARD_FIGURES];
  const rows = reports.map((r) => [
    r.name,
    r.problems.length === 0 ? "pass" : "FAIL",
    String(r.seconds),
    ...STANDARD_FIGURES.map((key) => (key === "5xx" ? fiveXxCell(r) : cell(r.figures[key]))),
  ]);
  return table(header, rows);
}
