import { checkPaidOrders, runCrowd } from "@boxoffice/testkit";
import type { Scenario, ScenarioContext } from "../lib/context.ts";
import { Customer, WebhookCourier } from "../lib/flow.ts";
import { pickSeats } from "../lib/seats.ts";
import { availabilityProblems, settle } from "../lib/settle.ts";
import { plainLayout } from "../lib/setup.ts";
import { rng, round, sleep } from "../lib/stats.ts";
import { Tally } from "../lib/tally.ts";

const SETTINGS = {
  // Quick: the same crowd, arriving faster, bounded at 20 s of load (users still in the flow finish).
  quick: { users: 2_000, arrivalMs: 10_000, loadMs: 20_000, inFlight: 200, holdTtl: 10 },
  full: { users: 2_000, arrivalMs: 90_000, loadMs: 150_000, inFlight: 200, holdTtl: 10 },
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
  env: { HOLD_TTL_SECONDS: "10" },
  async run(ctx: ScenarioContext) {
    const settings = SETTINGS[ctx.quick ? "quick" : "full"];
    const random = rng(20_301);
    const showtime = await ctx.setup.showtime(plainLayout(12, 25));
    const users = await ctx.setup.users(settings.users);
    const courier = new WebhookCourier(ctx.http);
    const tally = new Tally();
    const paymentIds: string[] = [];
    const confirmed = new Map<string, string[]>();
    const stop = AbortSignal.any([ctx.signal, AbortSignal.timeout(settings.loadMs)]);
    ctx.log(`${users.length} users on showtime ${showtime.id} (${showtime.seatIds.length} seats)`);

    let soldOutAt: number | undefined;
    const visit = async (customer: Customer) => {
      let hold: { id: string; seatIds: string[] } | undefined;
      for (let attempt = 0; attempt < 3 && !hold && !stop.aborted; attempt++) {
        const seen = await customer.availability(showtime.id);
        if (seen.status !== 200 || !("seats" in seen.body)) {
          return tally.surprise("availability", seen);
        }
        const want = 1 + Math.floor(random() * 4);
        const seats = random() < 0.3 ? want : pickSeats(seen.body, want, random);
        if (Array.isArray(seats) && seats.length === 0) {
          soldOutAt ??= performance.now();
          tally.add("found it sold out");
          return;
        }
        const res = await customer.hold(showtime.id, seats);
        if (res.status === 201 && "id" in res.body) {
          hold = { id: res.body.id, seatIds: res.body.seatIds };
        } else if (res.status === 409) {
          tally.add("lost a seat race");
        } else {
          return tally.surprise("hold", res);
        }
      }
      if (!hold) {
        return;
      }
      tally.add("held");
      const mood = random();
      if (mood < 0.1) {
        tally.add("abandoned the hold");
        return;
      }
      if (mood < 0.2) {
        const res = await customer.release(hold.id);
        tally.add("released");
        return res.status === 200 || tally.surprise("release", res);
      }
      if (mood < 0.4) {
        const res = await customer.refresh(hold.id);
        if (res.status === 410) {
          tally.add("hold lapsed before checkout");
          return;
        }
        if (res.status !== 200) {
          return tally.surprise("refresh", res);
        }
        tally.add("refreshed");
      }
      const order = await customer.createOrder(hold.id);
      if (order.status === 410) {
        tally.add("hold lapsed before checkout");
        return;
      }
      if (order.status !== 201 || !("orderId" in order.body)) {
        return tally.surprise("create-order", order);
      }
      if (random() < 0.05) {
        tally.add("abandoned at checkout");
        return;
      }
      if (random() < 0.08) {
        // Past the hold's life: the payment is late, and is booked only if nobody took the seats meanwhile.
        tally.add("paid late");
        await sleep((settings.holdTtl + 1 + random() * 3) * 1000);
      }
      const paid = await customer.pay(order.body.orderId);
      if (paid.status !== 200 || !("paymentId" in paid.body)) {
        return tally.surprise("pay", paid);
      }
      paymentIds.push(paid.body.paymentId);
      void courier.deliver(paid.body.webhook, { delayMs: random() * 1500, deadline: Date.now() + 60_000 });
      if (random() < 0.15) {
        tally.add("left it to the webhook");
        return;
      }
      const res = await customer.confirm(paid.body);
      if (res.status === 200 && "id" in res.body) {
        confirmed.set(res.body.id, res.body.seatIds);
        tally.add("confirmed");
      } else if (res.status === 409 && res.body.error?.code === "PAYMENT_REFUNDED") {
        tally.add("refunded at confirmation");
      } else {
        return tally.surprise("confirm", res);
      }
    };

    const started = performance.now();
    await runCrowd(
      { users: users.length, inFlight: settings.inFlight, arrivalMs: settings.arrivalMs, stop },
      async (i) => {
        await visit(new Customer(ctx.http, users[i] as (typeof users)[number]));
        tally.add("users served");
      },
    );
    const loadSeconds = (performance.now() - started) / 1000;
    const holdLatency = ctx.http.latency("hold");
    const allOps = ["availability", "hold", "refresh", "release", "create-order", "pay", "confirm"].map(
      (op) => ctx.http.latency(op),
    );
    ctx.log(`load done in ${round(loadSeconds, 1)} s; waiting for webhooks and refunds to settle`);
    await settle(ctx, courier);

    const problems = [...tally.problems()];
    problems.push(...(await availabilityProblems(ctx, showtime.id)));
    const paid = await checkPaidOrders(ctx.db, paymentIds);
    problems.push(...paid.problems);
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
    if (courier.gaveUp > 0) {
      problems.push(`${courier.gaveUp} webhook deliveries never got an answer`);
    }
    const { rows: sold } = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM bookings b CROSS JOIN LATERAL unnest(b.seat_ids)
       WHERE b.showtime_id = $1 AND b.status = 'confirmed'`,
      [showtime.id],
    );
    const maxP99 = Math.max(...allOps.map((o) => (Number.isNaN(o.p99) ? 0 : o.p99)));
    return {
      figures: {
        users: tally.get("users served"),
        "seats sold": sold[0]?.n ?? 0,
        "holds answered 201": tally.get("held"),
        "holds/s": round(tally.get("held") / loadSeconds, 1),
        "hold requests/s": round(holdLatency.count / loadSeconds, 1),
        "sold out after s": soldOutAt === undefined ? "no" : round((soldOutAt - started) / 1000, 1),
        "hold p50 ms": round(holdLatency.p50),
        "hold p99 ms": round(holdLatency.p99),
        "worst op p99 ms": round(maxP99),
        "seat races lost": tally.get("lost a seat race"),
        "sold out at arrival": tally.get("found it sold out"),
        abandoned: tally.get("abandoned the hold") + tally.get("abandoned at checkout"),
        released: tally.get("released"),
        refreshed: tally.get("refreshed"),
        "paid late": tally.get("paid late"),
        "payments booked": paid.booked,
        "payments refunded": paid.refunded,
        "load s": round(loadSeconds, 1),
      },
      problems,
    };
  },
};
