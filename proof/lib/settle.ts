import type { Availability } from "@boxoffice/contracts";
import type { ScenarioContext } from "./context.ts";
import type { WebhookCourier } from "./flow.ts";
import { waitFor } from "./stats.ts";

/**
 * Waits until nothing is on its way: every webhook delivered (or given up), and every refund decided so
 * far paid back (the API sends it at once; the worker's refund job retries what a crash or outage left).
 */
export async function settle(ctx: ScenarioContext, courier: WebhookCourier, timeoutMs = 45_000) {
  await courier.drain();
  const settled = await waitFor(async () => {
    const { rows } = await ctx.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM refunds WHERE status IN ('pending', 'submitted')",
    );
    return (rows[0]?.n ?? 0) === 0;
  }, timeoutMs);
  if (!settled) {
    ctx.log(`refunds still unpaid after ${timeoutMs / 1000} s`);
  }
}

/**
 * What availability shows as booked, from every API process (each caches its own snapshot), against the
 * seats of the showtime's confirmed bookings in the database: they must be the very same seats.
 */
export async function availabilityProblems(ctx: ScenarioContext, showtimeId: string): Promise<string[]> {
  const { rows } = await ctx.db.query<{ seat: string }>(
    `SELECT s.seat FROM bookings b CROSS JOIN LATERAL unnest(b.seat_ids) AS s(seat)
     WHERE b.showtime_id = $1 AND b.status = 'confirmed'`,
    [showtimeId],
  );
  const booked = new Set(rows.map((r) => r.seat));
  const problems: string[] = [];
  for (let api = 0; api < ctx.apiUrls.length; api++) {
    const res = await ctx.http.request<Availability>({
      op: "check",
      method: "GET",
      path: `/api/seats/availability?showtimeId=${showtimeId}`,
      api,
    });
    if (res.status !== 200) {
      problems.push(`availability from API ${api + 1} answered ${res.status}`);
      continue;
    }
    const shown = new Set(res.body.seats.filter((s) => s.status === "booked").map((s) => s.id));
    const missing = [...booked].filter((s) => !shown.has(s));
    const extra = [...shown].filter((s) => !booked.has(s));
    if (missing.length > 0 || extra.length > 0) {
      problems.push(
        `API ${api + 1} shows booked seats that differ from the bookings: ${missing.length} booked but not shown (${missing.slice(0, 3).join(", ")}), ${extra.length} shown but not booked (${extra.slice(0, 3).join(", ")})`,
      );
    }
  }
  return problems;
}
