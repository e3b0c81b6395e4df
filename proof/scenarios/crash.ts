import { sleep } from "@boxoffice/testkit";
import { type Scenario, type ScenarioContext, SHORT_HOLDS } from "../lib/context.ts";
import { ProofCrowd } from "../lib/crowd.ts";
import { Customer, persist, type WebhookCourier } from "../lib/flow.ts";
import { holdShowtimeLock, isConfirmation, isSweep, waitForWaiting } from "../lib/locks.ts";
import type { ManagedProcess } from "../lib/processes.ts";

const SETTINGS = {
  quick: {
    users: 400,
    arrivalMs: 20_000,
    inFlight: 40,
    apiKillAt: 5_000,
    workerKillAt: 13_000,
    blindKillAt: 19_000,
  },
  full: {
    users: 1_500,
    arrivalMs: 90_000,
    inFlight: 60,
    apiKillAt: 15_000,
    workerKillAt: 40_000,
    blindKillAt: 65_000,
  },
};

/**
 * Processes die without warning. API 1 is killed -9 while confirmations are inside their transactions
 * (waiting on the showtime lock the proof holds for a moment, so they are provably in flight), a worker is
 * killed -9 inside a sweep's transaction the same way, and API 2 is killed -9 at an arbitrary moment of
 * load; each is restarted. Clients retry on the other API with the same Idempotency-Key, the provider
 * retries its webhooks. Afterwards every payment the provider took is a booking or a refund paid back.
 */
/**
 * A customer of the proof's own with a seat held, ordered and paid (the webhook on its way, as the
 * provider would send it), whose confirmation is still to be sent; undefined if the hold was refused.
 */
async function paidPilot(
  ctx: ScenarioContext,
  showtimeId: string,
  courier: WebhookCourier,
  paymentIds: string[],
) {
  const [user] = await ctx.setup.users(1, "pilot");
  if (!user) {
    return undefined;
  }
  const customer = new Customer(ctx.http, user);
  const deadline = Date.now() + 10_000;
  const hold = await persist(() => customer.hold(showtimeId, 1), deadline);
  const holdId = hold.status === 201 ? hold.body.id : undefined;
  const order = holdId ? await persist(() => customer.createOrder(holdId), deadline) : undefined;
  const orderId = order?.status === 201 ? order.body.orderId : undefined;
  const paid = orderId ? await persist(() => customer.pay(orderId), deadline) : undefined;
  if (paid?.status !== 200 || !paid.body.paymentId) {
    return undefined;
  }
  paymentIds.push(paid.body.paymentId);
  void courier.deliver(paid.body.webhook, { delayMs: 3_000, deadline: Date.now() + 60_000 });
  return { customer, paid: paid.body };
}

export const crash: Scenario = {
  name: "crash",
  summary: "kill -9 an API mid-confirmation and a worker mid-sweep, restart them: nothing paid is lost",
  processes: { apis: 2, workers: 2 },
  budgetMs: { quick: 90_000, full: 300_000 },
  env: SHORT_HOLDS,
  async run(ctx: ScenarioContext) {
    const settings = SETTINGS[ctx.quick ? "quick" : "full"];
    const crowd = await ProofCrowd.start(ctx, settings.users, 40_417);
    const { showtime, courier, tally, paymentIds } = crowd;
    const problems: string[] = [];
    const [api1, api2] = ctx.cluster.apis as [ManagedProcess, ManagedProcess];
    const figures: Record<string, number | string> = {};

    const load = crowd.race(
      { inFlight: settings.inFlight, arrivalMs: settings.arrivalMs, stop: ctx.signal },
      {
        retryMs: 30_000,
        idempotentHolds: true,
        mostSeats: 3,
        moods: { abandon: 0.3 },
        webhookDelayMs: 2_000,
      },
    );
    const started = crowd.started;

    const at = async (ms: number) => sleep(started + ms - Date.now(), ctx.signal);

    // 1. API 1, in the middle of confirmations. One of them is the proof's own, paid just before and sent
    // to API 1 once the lock is held, so the kill never depends on where the load's happened to go.
    await at(settings.apiKillAt);
    {
      const pilot = await paidPilot(ctx, showtime.id, courier, paymentIds);
      const lock = await holdShowtimeLock(ctx.db, showtime.id);
      const pilotConfirm = pilot
        ? pilot.customer.confirm(pilot.paid, ctx.cluster.apis.indexOf(api1))
        : undefined;
      const waiting = await waitForWaiting(ctx.db, ["proof-api-1"], isConfirmation, 10_000);
      const inFlight = (await waitForWaiting(ctx.db, ["proof-api-1"], () => true, 1_000)).length;
      await api1.kill();
      await lock.release();
      figures["API killed mid-confirmation"] = waiting.length > 0 ? "yes" : "no";
      figures["its transactions cut"] = inFlight;
      ctx.log(
        `killed api-1 with ${waiting.length} confirmations and ${inFlight} transactions waiting inside`,
      );
      if (!pilot) {
        problems.push("the proof's own customer could not hold and pay a seat before the kill");
      } else if (waiting.length === 0) {
        problems.push(
          "the confirmation sent to API 1 was not waiting on the showtime's lock when it was killed",
        );
      }
      await sleep(1_000);
      await api1.start();
      ctx.log("api-1 restarted");
      if (pilot && pilotConfirm) {
        // Its answer was cut by the kill; the client retries, as the load's customers do.
        const cut = await pilotConfirm;
        const retried = await persist(() => pilot.customer.confirm(pilot.paid), Date.now() + 30_000);
        figures["the cut confirmation, retried"] = `${cut.status} then ${retried.status}`;
        if (retried.status !== 200) {
          problems.push(`the confirmation cut by the kill answered ${retried.status} when retried`);
        }
      }
    }

    // 2. A worker, in the middle of a sweep.
    await at(settings.workerKillAt);
    {
      const names = ctx.cluster.workers.map((w) => `proof-${w.name}`);
      const lock = await holdShowtimeLock(ctx.db, showtime.id);
      const sweeping = await waitForWaiting(ctx.db, names, isSweep, 15_000);
      const victim = ctx.cluster.workers.find((w) => `proof-${w.name}` === sweeping[0]?.application);
      if (victim) {
        await victim.kill();
      }
      await lock.release();
      figures["worker killed mid-sweep"] = victim ? "yes" : "no";
      if (!victim) {
        problems.push("no worker was sweeping within 15 s, so none was killed mid-sweep");
      } else {
        ctx.log(`killed ${victim.name} inside a sweep's transaction`);
        await sleep(1_000);
        await victim.start();
        ctx.log(`${victim.name} restarted`);
      }
    }

    // 3. API 2, at an arbitrary moment of the load.
    await at(settings.blindKillAt);
    if (!ctx.signal.aborted) {
      await api2.kill();
      ctx.log("killed api-2 under load");
      await sleep(1_500);
      await api2.start();
      ctx.log("api-2 restarted");
    }

    await load;
    const settled = await crowd.settled(90_000);
    problems.push(...settled.problems);
    const noAnswer = [...ctx.http.noAnswer].map(([why, n]) => `${why} ${n}`).join(", ");
    return {
      figures: {
        ...figures,
        "requests cut by kills": [...ctx.http.noAnswer.values()].reduce((a, b) => a + b, 0),
        "hold retries stuck": tally.get("hold retry stuck on its Idempotency-Key"),
        "confirmations left to the webhook": tally.get("confirmation left to the webhook"),
        ...settled.figures,
        ...(noAnswer ? { "no answer": noAnswer } : {}),
      },
      problems,
    };
  },
};
