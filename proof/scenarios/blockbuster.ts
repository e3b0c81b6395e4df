import { type Scenario, type ScenarioContext, SHORT_HOLD_TTL_SECONDS, SHORT_HOLDS } from "../lib/context.ts";
import { ProofCrowd } from "../lib/crowd.ts";
import { round } from "../lib/stats.ts";

const SETTINGS = {
  // Quick: the same crowd, arriving faster, bounded at 20 s of load (users still in the flow finish).
  quick: { users: 2_000, arrivalMs: 10_000, loadMs: 20_000, inFlight: 200 },
  full: { users: 2_000, arrivalMs: 90_000, loadMs: 150_000, inFlight: 200 },
};

/**
 * 2,000 people want one 300-seat showtime at once, through four API processes behind a round-robin
 * balancer: they look at the seat map, hold seats side by side (or the best N), and most pay with the
 * dev provider and confirm; some walk away from their hold, some release it, some refresh it, some pay
 * too late. The provider's webhook arrives for every payment, before or after the confirmation.
 */
export const blockbuster: Scenario = {
  name: "blockbuster",
  summary: "2,000 users race through the REST API for one 300-seat showtime on 4 APIs and 2 workers",
  processes: { apis: 4, workers: 2 },
  budgetMs: { quick: 75_000, full: 300_000 },
  env: SHORT_HOLDS,
  async run(ctx: ScenarioContext) {
    const settings = SETTINGS[ctx.quick ? "quick" : "full"];
    const crowd = await ProofCrowd.start(ctx, settings.users, 20_301);
    const { showtime, tally } = crowd;
    const confirmed = new Map<string, string[]>();
    const stop = AbortSignal.any([ctx.signal, AbortSignal.timeout(settings.loadMs)]);
    ctx.log(`${crowd.users.length} users on showtime ${showtime.id} (${showtime.seatIds.length} seats)`);

    let soldOutAt: number | undefined;
    const { arrived } = await crowd.race(
      { inFlight: settings.inFlight, arrivalMs: settings.arrivalMs, stop },
      {
        retryMs: 0,
        mostSeats: 4,
        bestAvailable: 0.3,
        moods: {
          abandon: 0.1,
          release: 0.1,
          refresh: 0.2,
          abandonAtCheckout: 0.05,
          payLate: { share: 0.08, holdTtlSeconds: SHORT_HOLD_TTL_SECONDS },
          leaveToWebhook: 0.15,
        },
        webhookDelayMs: 1_500,
        confirmed,
        onSoldOut: () => {
          soldOutAt ??= Date.now();
        },
      },
    );
    const holdLatency = ctx.http.latency("hold");
    const allOps = ["availability", "hold", "refresh", "release", "create-order", "pay", "confirm"].map(
      (op) => ctx.http.latency(op),
    );
    const { problems, figures, loadSeconds } = await crowd.settled();

    const { rows } = await ctx.db.query<{ id: string; seat_ids: string[]; status: string }>(
      "SELECT id, seat_ids, status FROM bookings WHERE id = ANY($1::uuid[])",
      [[...confirmed.keys()]],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const wrong = [...confirmed].filter(([id, seats]) => {
      const row = byId.get(id);
      return row?.status !== "confirmed" || [...row.seat_ids].sort().join() !== [...seats].sort().join();
    });
    if (wrong.length > 0) {
      problems.push(
        `${wrong.length} confirmations answered 200 do not match a confirmed booking with those seats`,
      );
    }
    const { rows: sold } = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM bookings b CROSS JOIN LATERAL unnest(b.seat_ids)
       WHERE b.showtime_id = $1 AND b.status = 'confirmed'`,
      [showtime.id],
    );
    const maxP99 = Math.max(...allOps.map((o) => (Number.isNaN(o.p99) ? 0 : o.p99)));
    return {
      figures: {
        users: arrived,
        "seats sold": sold[0]?.n ?? 0,
        "holds answered 201": tally.get("held"),
        "holds/s": round(tally.get("held") / loadSeconds, 1),
        "hold requests/s": round(holdLatency.count / loadSeconds, 1),
        "sold out after s": soldOutAt === undefined ? "no" : round((soldOutAt - crowd.started) / 1000, 1),
        "hold p50 ms": round(holdLatency.p50),
        "hold p99 ms": round(holdLatency.p99),
        "worst op p99 ms": round(maxP99),
        "seat races lost": tally.get("lost a seat race"),
        "sold out at arrival": tally.get("found it sold out"),
        abandoned: tally.get("abandoned the hold") + tally.get("abandoned at checkout"),
        released: tally.get("released"),
        refreshed: tally.get("refreshed"),
        "paid late": tally.get("paid late"),
        ...figures,
      },
      problems,
    };
  },
};
