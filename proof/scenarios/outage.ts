import type { Answer, RequestOptions } from "@boxoffice/testkit";
import { percentile, plainLayout, sleep } from "@boxoffice/testkit";
import { Redis } from "ioredis";
import { type Scenario, type ScenarioContext, SHORT_HOLDS } from "../lib/context.ts";
import { ProofCrowd } from "../lib/crowd.ts";
import { Customer } from "../lib/flow.ts";
import { describeHolds, holdStates } from "../lib/hold-state.ts";
import type { PrivateServices } from "../lib/services.ts";
import type { ProofUser } from "../lib/setup.ts";
import { round, waitFor } from "../lib/stats.ts";

const SETTINGS = {
  quick: { usersPerSecond: 8, inFlight: 24, redisDownMs: 12_000, pgDownMs: 5_000, calmMs: 3_000 },
  full: { usersPerSecond: 8, inFlight: 40, redisDownMs: 30_000, pgDownMs: 15_000, calmMs: 10_000 },
};
const HOLDS_PER_MIN = 20;
/** After PostgreSQL is back, answers already on their way may still be 503s for this long. */
const MARGIN_MS = 3_000;
/** While Redis is down, a probe holds a free seat (and releases it) this often. */
const PROBE_EVERY_MS = 1_000;
/** Once Redis is back, holds that lapsed while it was away must be swept within this. */
const SWEEP_WITHIN_MS = 20_000;

interface Window {
  from: number;
  to: number;
}

const overlaps = (sentAt: number, answeredAt: number, w: Window | undefined) =>
  w !== undefined && sentAt <= w.to && answeredAt >= w.from;

/**
 * Dependencies go away under load, on a private PostgreSQL cluster and redis-server that only this
 * scenario uses. Redis is stopped for 12 s (30 s in the full run): holds must go on from PostgreSQL (a probe
 * holds and releases a free seat of a showtime kept for it every second, and every one must succeed), the
 * hold rate limit must let requests through as the README says (fail open), and once Redis is back (empty:
 * it keeps nothing on disk) the worker's periodic work must be scheduled again and must run: two holds that
 * lapsed while Redis was away (one whose expiry job Redis lost, one made during the outage) must be swept.
 * Then PostgreSQL is stopped and started: requests meanwhile are answered 503 (never 500, never a hang, and
 * never no answer at all: the API processes stay up), nothing is half-written, and every API process serves
 * again without being restarted.
 */
export const outage: Scenario = {
  name: "outage",
  summary: "stop Redis, then restart PostgreSQL, under load: 503 not 500, fail-open limits, nothing lost",
  processes: { apis: 2, workers: 1 },
  services: "private",
  expected5xx: [503],
  budgetMs: { quick: 100_000, full: 360_000 },
  env: {
    ...SHORT_HOLDS,
    // Each simulated user has an address of its own (X-Forwarded-For), so the hold limit can be on.
    TRUST_PROXY: "true",
    RATE_LIMIT_HOLDS_PER_MIN: String(HOLDS_PER_MIN),
  },
  async run(ctx: ScenarioContext) {
    const services = ctx.services as PrivateServices;
    const settings = SETTINGS[ctx.quick ? "quick" : "full"];
    // Enough users to keep arriving until the scenario says stop; the budget bounds the run anyway.
    const crowd = await ProofCrowd.start(ctx, settings.usersPerSecond * 150 + 1, 50_113);
    const { showtime, tally, users } = crowd;
    // A showtime only the probes touch, so a free seat is there to hold whatever the load sold meanwhile.
    const reserve = await ctx.setup.showtime(plainLayout(4, 25));
    const probeUsers = await ctx.setup.users(3, "probe");
    const greedyUser = users.pop();
    if (!greedyUser) {
      throw new Error("no users");
    }
    const address = (i: number) => `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    const problems: string[] = [];
    const endLoad = new AbortController();
    const stop = AbortSignal.any([ctx.signal, endLoad.signal]);

    let redisDown: Window | undefined;
    let pgDown: Window | undefined;
    const seen = {
      holdsWhileRedisDown: new Map<number, number>(),
      holdMsWhileRedisDown: [] as number[],
      whilePgDown: new Map<number, number>(),
      misplaced503: 0,
      slow: 0,
      /** Requests that got no HTTP answer, by when and why: none should, every API process stays up. */
      noAnswer: new Map<string, number>(),
    };
    ctx.http.observe((answer: Answer<unknown>, options: RequestOptions, sentAt: number) => {
      const answeredAt = sentAt + answer.ms;
      if (answer.ms > 10_000) {
        seen.slow += 1;
      }
      if (answer.status === 0) {
        const pgWindow = pgDown && { from: pgDown.from, to: pgDown.to + MARGIN_MS };
        const when = overlaps(sentAt, answeredAt, pgWindow)
          ? "while PostgreSQL was down"
          : overlaps(sentAt, answeredAt, redisDown)
            ? "while Redis was down"
            : "with every dependency up";
        const key = `${when}: ${answer.error ?? "no answer"}`;
        seen.noAnswer.set(key, (seen.noAnswer.get(key) ?? 0) + 1);
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

    const load = crowd.race(
      { inFlight: settings.inFlight, arrivalMs: (users.length * 1000) / settings.usersPerSecond, stop },
      {
        customer: (i) => new Customer(ctx.http, users[i] as ProofUser, address(i)),
        retryMs: 30_000,
        idempotentHolds: true,
        mostSeats: 3,
        moods: { abandon: 0.25 },
        webhookDelayMs: 2_000,
      },
    );
    await sleep(settings.calmMs, ctx.signal);
    const limitedBefore = await burst();
    ctx.log(`hold limit before the outage: ${limitedBefore} of ${HOLDS_PER_MIN + 5} refused 429`);

    // Holds on the reserve showtime: each on a seat nobody held before, from an address of its own (so
    // the hold limit never counts them), alternating between the API processes.
    let reserveSeats = 0;
    const reserveHold = async (user: ProofUser) => {
      const n = reserveSeats++;
      const seat = reserve.seatIds[n];
      if (seat === undefined) {
        throw new Error("the reserve showtime ran out of seats for the probes");
      }
      const customer = new Customer(ctx.http, user, `127.3.${Math.floor(n / 250)}.${(n % 250) + 1}`);
      const res = await customer.hold(reserve.id, [seat], { api: n % ctx.apiUrls.length });
      return { customer, res, hold: res.status === 201 && "id" in res.body ? res.body : undefined };
    };
    const [prober, lapserBefore, lapserDuring] = probeUsers as [ProofUser, ProofUser, ProofUser];
    /** Holds left to lapse while Redis is away; the worker must sweep them once it is back. */
    const lapsing: Array<{ id: string; expiresAt: number }> = [];
    const keepToLapse = (what: string, held: Awaited<ReturnType<typeof reserveHold>>) => {
      if (held.hold) {
        lapsing.push({ id: held.hold.id, expiresAt: Date.parse(held.hold.expiresAt) });
      } else {
        tally.surprise(what, held.res);
      }
    };
    // Made just before Redis stops: the delayed job that would expire it goes down with Redis' data.
    keepToLapse("a hold on a free seat just before Redis stopped", await reserveHold(lapserBefore));

    // 1. Redis goes away.
    redisDown = { from: Date.now(), to: Number.POSITIVE_INFINITY };
    await services.redis.stop();
    ctx.log(`redis-server stopped for ${settings.redisDownMs / 1000} s`);
    keepToLapse("a hold on a free seat while Redis was down", await reserveHold(lapserDuring));
    // Down for the time set, and at least until both lapsing holds have lapsed (the server's clock is
    // this machine's), so the sweep that must tidy them can only run once Redis is back.
    const restartAt = Math.max(
      redisDown.from + settings.redisDownMs,
      ...lapsing.map((h) => h.expiresAt + 1_000),
    );
    const probes = { sent: 0, held: 0, released: 0, wrong: [] as string[] };
    const probing = (async () => {
      while (Date.now() + PROBE_EVERY_MS < restartAt && !ctx.signal.aborted) {
        const next = Date.now() + PROBE_EVERY_MS;
        const { customer, res, hold } = await reserveHold(prober);
        probes.sent += 1;
        if (hold) {
          probes.held += 1;
          const released = await customer.release(hold.id);
          if (released.status === 200) {
            probes.released += 1;
          } else {
            probes.wrong.push(`release ${released.status || `no answer (${released.error})`}`);
          }
        } else {
          probes.wrong.push(`hold ${res.status || `no answer (${res.error})`}`);
        }
        await sleep(next - Date.now(), ctx.signal);
      }
    })();
    const [limitedDuring] = await Promise.all([burst(), probing, sleep(restartAt - Date.now(), ctx.signal)]);
    // Nothing may have tidied the lapsed holds yet: only the worker sweeps, and it needs Redis for that.
    const lapsedBefore = await holdStates(
      ctx.db,
      lapsing.map((h) => h.id),
    );
    const untouched =
      lapsedBefore.length === lapsing.length &&
      lapsedBefore.every((h) => h.status === "active" && h.lapsed && h.claims === 1);
    await services.redis.start();
    redisDown.to = Date.now();
    ctx.log(
      `redis-server started again (empty); during the outage ${probes.held} of ${probes.sent} probe holds succeeded, ${limitedDuring} greedy holds were refused 429`,
    );
    if (!untouched) {
      problems.push(
        `the holds left to lapse while Redis was down were not all lapsed and untouched when it came back (${describeHolds(lapsedBefore)}), so their sweep afterwards shows nothing`,
      );
    }
    const backAt = redisDown.to;
    const [schedulersBack, sweptAfterMs] = await Promise.all([
      waitFor(() => schedulersPresent(services.redis.url, ctx.redisPrefix), 15_000, 500),
      (async () => {
        const swept = await waitFor(
          async () =>
            lapsing.length > 0 &&
            (
              await holdStates(
                ctx.db,
                lapsing.map((h) => h.id),
              )
            ).every((h) => h.status === "expired" && h.claims === 0),
          SWEEP_WITHIN_MS,
          250,
        );
        return swept ? Date.now() - backAt : Number.NaN;
      })(),
    ]);
    if (!schedulersBack) {
      problems.push(
        "after Redis came back (empty), the worker's periodic jobs (hold sweep, due refunds) were not scheduled again within 15 s",
      );
    }
    if (Number.isNaN(sweptAfterMs)) {
      problems.push(
        `holds that lapsed while Redis was down were not swept (expired, claims deleted) within ${SWEEP_WITHIN_MS / 1000} s of its return: ${describeHolds(
          await holdStates(
            ctx.db,
            lapsing.map((h) => h.id),
          ),
        )}`,
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
    const settled = await crowd.settled(60_000);

    if (probes.held === 0) {
      problems.push(
        `no hold succeeded (201) while Redis was down (${probes.sent} probes sent): nothing shows that holds go on from PostgreSQL`,
      );
    }
    if (probes.wrong.length > 0) {
      problems.push(
        `while Redis was down, holds of free seats on the reserve showtime (and their releases) failed: ${probes.wrong.length} (${probes.wrong.slice(0, 5).join(", ")})`,
      );
    }
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
    const noAnswer = [...seen.noAnswer];
    const noAnswerCount = noAnswer.reduce((n, [, c]) => n + c, 0);
    if (noAnswerCount > 0) {
      problems.push(
        `${noAnswerCount} requests got no HTTP answer although every API process stayed up (${noAnswer.map(([k, n]) => `${k} x${n}`).join(", ")}); while a dependency is down the answer is a 503`,
      );
    }
    if (seen.slow > 0) {
      problems.push(`${seen.slow} requests took longer than 10 s to be answered (or never were)`);
    }
    problems.push(...settled.problems);
    const holdMs = Float64Array.from(seen.holdMsWhileRedisDown).sort();
    return {
      figures: {
        "redis down s": round(settings.redisDownMs / 1000),
        "holds while redis down": holdStatuses.reduce((n, [, c]) => n + c, 0),
        "of them 201": seen.holdsWhileRedisDown.get(201) ?? 0,
        "their p99 ms": round(percentile(holdMs, 99)),
        "probe holds / releases ok while redis down": `${probes.held} / ${probes.released} of ${probes.sent}`,
        "429 before / during": `${limitedBefore} / ${limitedDuring}`,
        "worker schedules back": schedulersBack ? "yes" : "no",
        "lapsed holds swept after redis back in s": round(sweptAfterMs / 1000, 1),
        "postgres down s": round(settings.pgDownMs / 1000),
        "answers while postgres down": pgStatuses.map(([s, n]) => `${s || "none"} x${n}`).join(", "),
        "recovered in s": recovery.map((s) => round(s, 1)).join(" / "),
        "no answer": noAnswerCount,
        ...settled.figures,
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
