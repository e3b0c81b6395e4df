import { randomUUID } from "node:crypto";
import { type RaceSide, sleep } from "@boxoffice/testkit";
import { type Customer, errorCode, persist, type WebhookCourier } from "./flow.ts";
import { pickSeats } from "./seats.ts";
import type { Tally } from "./tally.ts";

/** Shares of customers (0-1) who, holding seats, do something other than pay straight away. */
export interface Moods {
  /** Walk away from the hold (it lapses, and the worker's sweep tidies it). */
  abandon: number;
  release?: number;
  /** Refresh the hold before checking out. */
  refresh?: number;
  /** Walk away once the order is made. */
  abandonAtCheckout?: number;
  /** Pay after the hold has lapsed (`holdTtlSeconds` plus up to 4 s): booked only if the seats are free. */
  payLate?: { share: number; holdTtlSeconds: number };
  /** Pay, then never confirm: the provider's webhook books it. */
  leaveToWebhook?: number;
}

export interface JourneyOptions {
  showtimeId: string;
  /** Customer `i` of the crowd. */
  customer(i: number): Customer;
  random: () => number;
  courier: WebhookCourier;
  tally: Tally;
  /** Every payment id the provider handed out: each must end booked or refunded. */
  paymentIds: string[];
  /**
   * How long a step is retried while it gets no answer or a 5xx (a process restarting, a dependency away);
   * 0: a plain client that takes the first answer, for which a 5xx is a surprise.
   */
  retryMs: number;
  /** Holds carry an Idempotency-Key, and a retry sends the same key, as a careful client does. */
  idempotentHolds?: boolean;
  /** Each customer wants 1 to this many seats. */
  mostSeats: number;
  /** Share of holds that ask for "the best N" instead of seats picked on the map. */
  bestAvailable?: number;
  moods: Moods;
  /** Longest delay before the provider's webhook leaves. */
  webhookDelayMs: number;
  /** Each confirmation answered 200, booking id to seats, for checking against the database. */
  confirmed?: Map<string, string[]>;
  onSoldOut?: () => void;
}

interface Held {
  customer: Customer;
  id: string;
}

/**
 * The proof's customers in the blockbuster race (testkit's runRace): each looks at the seat map, holds
 * 1-`mostSeats` seats side by side (or the best N), and, in the moods given, walks away, releases,
 * refreshes, pays late or leaves the booking to the webhook; the rest pay with the dev provider and
 * confirm, while the provider delivers the payment's webhook on its own. Outcomes go to `tally`; answers
 * no such client should ever get are surprises.
 */
export function journeys(options: JourneyOptions): RaceSide<Held, string[] | number> {
  const { random, tally, moods } = options;
  const deadline = () => Date.now() + options.retryMs;
  const retried = <T>(step: Parameters<typeof persist<T>>[0]) => persist(step, deadline());
  const share = (p: number | undefined) => random() < (p ?? 0);

  return {
    async choose(i) {
      const seen = await retried(() => options.customer(i).availability(options.showtimeId));
      if (seen.status !== 200 || !("seats" in seen.body)) {
        tally.surprise("availability", seen);
        return undefined;
      }
      const want = 1 + Math.floor(random() * options.mostSeats);
      const seats = share(options.bestAvailable) ? want : pickSeats(seen.body, want, random);
      if (Array.isArray(seats) && seats.length === 0) {
        options.onSoldOut?.();
        tally.add("found it sold out");
        return undefined;
      }
      return seats;
    },

    async hold(i, seats) {
      const customer = options.customer(i);
      const key = options.idempotentHolds ? randomUUID() : undefined;
      const res = await retried(() =>
        customer.hold(options.showtimeId, seats, key ? { idempotencyKey: key } : {}),
      );
      if (res.status === 201 && "id" in res.body) {
        tally.add("held");
        return { held: { customer, id: res.body.id } };
      }
      if (res.status === 409 && errorCode(res) === "CONFLICT") {
        // The same Idempotency-Key is "still in progress": its first attempt died with its process.
        tally.add("hold retry stuck on its Idempotency-Key");
        tally.surprise("hold retried with the same Idempotency-Key", res);
        return "leave";
      }
      if (res.status === 409) {
        tally.add("lost a seat race");
        return "again";
      }
      tally.surprise("hold", res);
      return "leave";
    },

    async buy(_, { customer, id: holdId }) {
      const mood = random();
      const releaseBelow = moods.abandon + (moods.release ?? 0);
      if (mood < moods.abandon) {
        return tally.add("abandoned the hold");
      }
      if (mood < releaseBelow) {
        const res = await customer.release(holdId);
        tally.add("released");
        return void (res.status === 200 || tally.surprise("release", res));
      }
      if (mood < releaseBelow + (moods.refresh ?? 0)) {
        const res = await customer.refresh(holdId);
        if (res.status === 410) {
          return tally.add("hold lapsed before checkout");
        }
        if (res.status !== 200) {
          return void tally.surprise("refresh", res);
        }
        tally.add("refreshed");
      }
      const order = await retried(() => customer.createOrder(holdId));
      if (order.status === 410) {
        return tally.add("hold lapsed before checkout");
      }
      if (order.status !== 201 || !("orderId" in order.body)) {
        return void tally.surprise("create-order", order);
      }
      if (share(moods.abandonAtCheckout)) {
        return tally.add("abandoned at checkout");
      }
      if (moods.payLate && share(moods.payLate.share)) {
        tally.add("paid late");
        await sleep((moods.payLate.holdTtlSeconds + 1 + random() * 3) * 1000);
      }
      const orderId = order.body.orderId;
      const paid = await retried(() => customer.pay(orderId));
      if (paid.status !== 200 || !("paymentId" in paid.body)) {
        return void tally.surprise("pay", paid);
      }
      options.paymentIds.push(paid.body.paymentId);
      tally.add("paid");
      void options.courier.deliver(paid.body.webhook, {
        delayMs: random() * options.webhookDelayMs,
        deadline: Date.now() + Math.max(60_000, options.retryMs + 30_000),
      });
      if (share(moods.leaveToWebhook)) {
        return tally.add("left it to the webhook");
      }
      const body = paid.body;
      const res = await retried(() => customer.confirm(body));
      if (res.status === 200 && "id" in res.body) {
        options.confirmed?.set(res.body.id, res.body.seatIds);
        tally.add("confirmed");
      } else if (res.status === 409 && errorCode(res) === "PAYMENT_REFUNDED") {
        tally.add("refunded at confirmation");
      } else if (options.retryMs > 0 && (res.status === 0 || res.status >= 500)) {
        // Out of retries: the webhook still books (or refunds) it; the paid-order check says whether it did.
        tally.add("confirmation left to the webhook");
      } else {
        tally.surprise("confirm", res);
      }
    },
  };
}
