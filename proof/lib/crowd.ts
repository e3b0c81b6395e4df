import { type CrowdOptions, checkPaidOrders, plainLayout, runRace, seededRng } from "@boxoffice/testkit";
import type { ScenarioContext } from "./context.ts";
import { Customer, WebhookCourier } from "./flow.ts";
import { type JourneyOptions, journeys } from "./journey.ts";
import { availabilityProblems, settle } from "./settle.ts";
import type { ProofUser } from "./setup.ts";
import { round } from "./stats.ts";
import { Tally } from "./tally.ts";

type OwnJourney = Omit<
  JourneyOptions,
  "showtimeId" | "random" | "courier" | "tally" | "paymentIds" | "customer"
>;

/**
 * What the crowd scenarios (blockbuster, crash, outage) share: a 300-seat showtime, its users, the
 * provider's webhook courier, a tally, and every payment to account for; the race itself (testkit's
 * runRace with the proof's customers); and, once the load is over, the checks every one of them makes.
 */
export class ProofCrowd {
  readonly random: () => number;
  readonly courier: WebhookCourier;
  readonly tally = new Tally();
  readonly paymentIds: string[] = [];
  /** When the race started (Date.now()). */
  started = 0;

  private constructor(
    private readonly ctx: ScenarioContext,
    readonly showtime: { id: string; seatIds: string[] },
    readonly users: ProofUser[],
    seed: number,
  ) {
    this.random = seededRng(seed);
    this.courier = new WebhookCourier(ctx.http);
  }

  static async start(ctx: ScenarioContext, users: number, seed: number): Promise<ProofCrowd> {
    const showtime = await ctx.setup.showtime(plainLayout(12, 25));
    return new ProofCrowd(ctx, showtime, await ctx.setup.users(users), seed);
  }

  /** Customer `i` of the crowd arrives, wanting seats of `showtime`, and behaves as `journey` says. */
  race(
    crowd: Omit<CrowdOptions, "users">,
    journey: OwnJourney & { customer?: (i: number) => Customer },
  ): Promise<{ arrived: number; ms: number }> {
    this.started = Date.now();
    const side = journeys({
      showtimeId: this.showtime.id,
      random: this.random,
      courier: this.courier,
      tally: this.tally,
      paymentIds: this.paymentIds,
      customer: (i) => new Customer(this.ctx.http, this.users[i] as ProofUser),
      ...journey,
    });
    return runRace({ ...crowd, users: this.users.length, attempts: 3 }, side);
  }

  /**
   * Once the load is over: waits for webhooks and refunds to settle, then checks what every crowd
   * scenario promises: no surprising answer, every payment taken booked or refunded, availability on
   * every API showing exactly the booked seats, every webhook answered.
   */
  async settled(settleMs?: number) {
    const loadSeconds = (Date.now() - this.started) / 1000;
    this.ctx.log(`load done in ${round(loadSeconds, 1)} s; waiting for webhooks and refunds to settle`);
    await settle(this.ctx, this.courier, settleMs);
    const paid = await checkPaidOrders(this.ctx.db, this.paymentIds);
    const problems = [
      ...this.tally.problems(),
      ...paid.problems,
      ...(await availabilityProblems(this.ctx, this.showtime.id)),
    ];
    if (this.courier.gaveUp > 0) {
      problems.push(`${this.courier.gaveUp} webhook deliveries never got an answer`);
    }
    const figures = {
      "payments taken": this.paymentIds.length,
      "payments booked": paid.booked,
      "payments refunded": paid.refunded,
      "load s": round(loadSeconds, 1),
    };
    return { problems, figures, loadSeconds };
  }
}
