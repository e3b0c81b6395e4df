import { setMaxListeners } from "node:events";
import { Redis } from "ioredis";
import type { Scenario, ScenarioContext } from "../lib/context.ts";
import { Customer, WebhookCourier } from "../lib/flow.ts";
import type { Answer, RequestOptions } from "../lib/http.ts";
import { checkPaidOrders } from "../lib/invariants.ts";
import { journey } from "../lib/journey.ts";
import type { PrivateServices } from "../lib/services.ts";
import { availabilityProblems, settle } from "../lib/settle.ts";
import { plainLayout } from "../lib/setup.ts";
import { percentile, rng, round, sleep, waitFor } from "../lib/stats.ts";
import { Tally } from "../lib/tally.ts";

const SETTINGS = {
  quick: { usersPerSecond: 8, inFlight: 24, redisDownMs: 12_000, pgDownMs: 5_000, calmMs: 3_000 },
  full: { usersPerSecond: 8, inFlight: 40, redisDownMs: 30_000, pgDownMs: 15_000, calmMs: 10_000 },
};
const HOLDS_PER_MIN = 20;
/** After PostgreSQL is back, answers already on their way may still be 503s for this long. */
const MARGIN_MS = 3_000;

interface Window {
  from: number;
  to: number;
}

const overlaps = (sentAt: number, answeredAt: number, w: Window | undefined) =>
  w !== undefined && sentAt <= w.to && answeredAt >= w.from;

/**
 * Dependencies go away under load, on a private PostgreSQL cluster and redis-server that only this
 * scenario uses. Redis is stopped for 12 s (30 s in the full run): holds must go on from PostgreSQL, the
 * hold rate limit must let requests through as the README says (fail open), and once Redis is back (empty:
 * it keeps nothing on disk) the worker's periodic work must be scheduled again. Then PostgreSQL is stopped
 * and started: requests meanwhile are answered 503 (never 500, never a hang), nothing is half-written, and
 * every API process serves again without being restarted.
 */
export const outage: Scenario = {
  name: "outage",
  summary: "stop Redis, then restart PostgreSQL, under load: 503 not 500, fail-open limits, nothing lost",
  processes: { apis: 2, workers: 1 },
  services: "private",
  expected5xx: [503],
  budgetMs: { quick: 100_000, full: 360_000 },
  env: {
    HOLD_TTL_SECONDS: "10",
    // Each simulated user has an address of its own (X-Forwarded-For), so the hold limit can be on.
    TRUST_PROXY: "true",
    RATE_LIMIT_HOLDS_PER_MIN: String(HOLDS_PER_MIN),
  },
  async run(ctx: ScenarioContext) {
    const services = ctx.services as PrivateServices;
    const settings = SETTINGS[ctx.quick ? "quick" : "full"];
    const random = rng(50_113);
    const showtime = await ctx.setup.showtime(plainLayout(12, 25));
    // Enough users to keep arriving until the scenario says stop; the budget bounds the run anyway.
    const users = await ctx.setup.users(settings.usersPerSecond * 150 + 1);
    const greedyUser = users.pop();
    if (!greedyUser) {
      throw new Error("no users");
    }
    const address = (i: number) => `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    const courier = new WebhookCourier(ctx.http);
    const tally = new Tally();
    const paymentIds: string[] = [];
    const problems: string[] = [];
    const endLoad = new AbortController();
    const stop = AbortSignal.any([ctx.signal, endLoad.signal]);
    setMaxListeners(settings.inFlight * 2, stop);

    let redisDown: Window | undefined;
    let pgDown: Window | undefined;
    const seen = {
      holdsWhileRedisDown: new Map<number, number>(),
      holdMsWhileRedisDown: [] as number[],
      whilePgDown: new Map<number, number>(),
      misplaced503: 0,
      slow: 0,
    };
    ctx.http.observe((answer: Answer<unknown>, options: RequestOptions, sentAt: number) => {
      const answeredAt = sentAt + answer.ms;
      if (answer.ms > 10_000) {
        seen.slow += 1;
      }
      if (options.op === "hold" && overlaps(sentAt, answeredAt, redisDown)) {
        seen.holdsWhileRedisDown.set(answer.status, (seen.holdsWhileRedisDown.get(answer.status) ?? 0) + 1);
        seen.holdMsWhileRedisDown.push(answer.ms);
      }
      const pgWindow = pgDown && { from: pgDown.from, to: pgDown.to + MARGIN_MS };
      if (overlaps(sentAt, answeredAt, pgWindow)) {
        seen.whilePgDown.set(answer.status, (seen.whilePgDown.get(answer.status) ?? 0) + 1);
      } else if (answer.status === 503) {
        seen.misplaced503 += 1;
      }
    });

    /** One user asking for holds back to back, past the per-minute limit: how many were refused 429. */
    const greedy = new Customer(ctx.http, greedyUser, "127.2.0.1");
    const burst = async () => {
      const answers = await Promise.all(
        Array.from({ length: HOLDS_PER_MIN + 5 }, (_, i) => greedy.hold(showtime.id, [`L${(i % 25) + 1}`])),
      );
      for (const res of answers) {
        if (res.status !== 201 && res.status !== 409 && res.status !== 429) {
          tally.surprise("greedy hold", res);
        }
      }
      return answers.filter((res) => res.status === 429).length;
    };

    const started = Date.now();
    let next = 0;
    const load = Promise.all(
      Array.from({ length: settings.inFlight }, async () => {
        while (next < users.length && !stop.aborted) {
          const i = next++;
          await sleep(started + (i * 1000) / settings.usersPerSecond - Date.now(), stop);
          await journey(
            new Customer(ctx.http, users[i] as (typeof users)[number], address(i)),
            {
              showtimeId: showtime.id,
              random,
              courier,
              stop,
              retryMs: 30_000,
              abandonRate: 0.25,
              idempotentHolds: true,
              paymentIds,
            },
            tally,
          );
        }
      }),
    );
    await sleep(settings.calmMs, ctx.signal);
    const limitedBefore = await burst();
    ctx.log(`hold limit before the outage: ${limitedBefore} of ${HOLDS_PER_MIN + 5} refused 429`);

    // 1. Redis goes away.
    redisDown = { from: Date.now(), to: Number.POSITIVE_INFINITY };
    await services.redis.stop();
    ctx.log(`redis-server stopped for ${settings.redisDownMs / 1000} s`);
    const limitedDuring = await burst();
    await sleep(redisDown.from + settings.redisDownMs - Date.now(), ctx.signal);
    await services.redis.start();
    redisDown.to = Date.now();
    ctx.log(
      `redis-server started again (empty); during the outage ${limitedDuring} greedy holds were refused 429`,
    );
    const schedulersBack = await waitFor(
      () => schedulersPresent(services.redis.url, ctx.redisPrefix),
      15_000,
      500,
    );
    if (!schedulersBack) {
      problems.push(
        "after Redis came back (empty), the worker's periodic jobs (hold sweep, due refunds) were not scheduled again within 15 s",
      );
    }

    // 2. PostgreSQL restarts.
    await sleep(settings.calmMs, ctx.signal);
    // From the moment the stop begins: a fast shutdown ends sessions before pg_ctl returns.
    pgDown = { from: Date.now(), to: Number.POSITIVE_INFINITY };
    await services.postgres.stop();
    ctx.log(`PostgreSQL stopped for ${settings.pgDownMs / 1000} s`);
    await sleep(settings.pgDownMs);
    await services.postgres.start();
    pgDown.to = Date.now();
    ctx.log("PostgreSQL started again");
    const recovery: number[] = [];
    for (let api = 0; api < ctx.apiUrls.length; api++) {
      const back = await waitFor(
        async () =>
          (
            await ctx.http.request({
              op: "probe",
              method: "GET",
              path: `/api/seats/availability?showtimeId=${showtime.id}`,
              api,
              timeoutMs: 5_000,
            })
          ).status === 200,
        20_000,
        200,
      );
      recovery.push(back ? (Date.now() - pgDown.to) / 1000 : Number.NaN);
      if (!back) {
        problems.push(
          `API ${api + 1} did not serve again within 20 s of PostgreSQL's return (without a restart)`,
        );
      }
    }

    await sleep(settings.calmMs, ctx.signal);
    endLoad.abort();
    await load;
    const loadSeconds = (Date.now() - started) / 1000;
    ctx.log(`load done in ${round(loadSeconds, 1)} s; waiting for webhooks and refunds to settle`);
    await settle(ctx, courier, 60_000);

    const holdStatuses = [...seen.holdsWhileRedisDown];
    const badHolds = holdStatuses.filter(([s]) => s !== 201 && s !== 409 && s !== 429);
    if (badHolds.length > 0) {
      problems.push(
        `holds while Redis was down were answered ${badHolds.map(([s, n]) => `${s} x${n}`).join(", ")}`,
      );
    }
    if (limitedDuring > 0) {
      problems.push(
        `${limitedDuring} holds were refused 429 while Redis was down: the README says the limits fail open`,
      );
    }
    if (limitedBefore === 0) {
      problems.push("the hold limit refused nothing before the outage, so its failing open proves nothing");
    }
    const pgStatuses = [...seen.whilePgDown];
    const badPg = pgStatuses.filter(([s]) => s >= 500 && s !== 503);
    if (badPg.length > 0) {
      problems.push(
        `while PostgreSQL was down, answers were ${badPg.map(([s, n]) => `${s} x${n}`).join(", ")} (expected 503)`,
      );
    }
    if (seen.misplaced503 > 0) {
      problems.push(`${seen.misplaced503} answers were 503 while every dependency was up`);
    }
    if (seen.slow > 0) {
      problems.push(`${seen.slow} requests took longer than 10 s to be answered (or never were)`);
    }
    problems.push(...tally.problems());
    const paid = await checkPaidOrders(ctx.db, paymentIds);
    problems.push(...paid.problems);
    problems.push(...(await availabilityProblems(ctx, showtime.id)));
    if (courier.gaveUp > 0) {
      problems.push(`${courier.gaveUp} webhook deliveries never got an answer`);
    }
    const holdMs = Float64Array.from(seen.holdMsWhileRedisDown).sort();
    return {
      figures: {
        "redis down s": round(settings.redisDownMs / 1000),
        "holds while redis down": holdStatuses.reduce((n, [, c]) => n + c, 0),
        "their p99 ms": round(percentile(holdMs, 99)),
        "429 before / during": `${limitedBefore} / ${limitedDuring}`,
        "worker schedules back": schedulersBack ? "yes" : "no",
        "postgres down s": round(settings.pgDownMs / 1000),
        "answers while postgres down": pgStatuses.map(([s, n]) => `${s || "none"} x${n}`).join(", "),
        "recovered in s": recovery.map((s) => round(s, 1)).join(" / "),
        "payments taken": paymentIds.length,
        "payments booked": paid.booked,
        "payments refunded": paid.refunded,
        "load s": round(loadSeconds, 1),
      },
      problems,
    };
  },
};

/** Whether the worker's job schedulers (hold sweep, due refunds) exist in Redis: BullMQ keeps them there. */
async function schedulersPresent(url: string, prefix: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on("error", () => {});
  try {
    await redis.connect();
    const sweep = await redis.zscore(`${prefix}bull:holds:repeat`, "sweep-expired-holds-every-minute");
    const refunds = await redis.zscore(`${prefix}bull:payments:repeat`, "send-due-refunds");
    return sweep !== null && refunds !== null;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}
