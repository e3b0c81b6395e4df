import { randomUUID } from "node:crypto";
import { type Customer, errorCode, persist, type WebhookCourier } from "./flow.ts";
import { pickSeats } from "./seats.ts";
import type { Tally } from "./tally.ts";

export interface JourneyOptions {
  showtimeId: string;
  random: () => number;
  courier: WebhookCourier;
  /** Stop before holding when aborted; a user who has paid always finishes. */
  stop: AbortSignal;
  /** How long a step is retried while it gets no answer or a 5xx (a process restarting, a dependency away). */
  retryMs: number;
  /** Share of users who walk away from their hold (it lapses, and the worker's sweep tidies it). */
  abandonRate: number;
  /** Holds carry an Idempotency-Key, and a retry sends the same key, as a careful client does. */
  idempotentHolds: boolean;
  /** Every payment id the provider handed out: each must end booked or refunded. */
  paymentIds: string[];
}

/**
 * One user who wants 1-3 seats, as a resilient client: every step is retried while the answer is missing
 * or a 5xx (another API process takes the retry), and the provider delivers the payment's webhook on its
 * own, retrying too. Outcomes go to `tally`; answers no such client should ever get are surprises.
 */
export async function journey(customer: Customer, options: JourneyOptions, tally: Tally): Promise<void> {
  const { random, stop } = options;
  const deadline = () => Date.now() + options.retryMs;
  let hold: { id: string } | undefined;
  for (let attempt = 0; attempt < 3 && !hold && !stop.aborted; attempt++) {
    const seen = await persist(() => customer.availability(options.showtimeId), deadline());
    if (seen.status !== 200 || !("seats" in seen.body)) {
      tally.surprise("availability", seen);
      return;
    }
    const seats = pickSeats(seen.body, 1 + Math.floor(random() * 3), random);
    if (seats.length === 0) {
      tally.add("found it sold out");
      return;
    }
    const key = options.idempotentHolds ? randomUUID() : undefined;
    const res = await persist(
      () => customer.hold(options.showtimeId, seats, key ? { idempotencyKey: key } : {}),
      deadline(),
    );
    if (res.status === 201 && "id" in res.body) {
      hold = { id: res.body.id };
    } else if (res.status === 409 && errorCode(res) === "CONFLICT") {
      // The same Idempotency-Key is "still in progress": its first attempt died with its process.
      tally.add("hold retry stuck on its Idempotency-Key");
      tally.surprise("hold retried with the same Idempotency-Key", res);
      return;
    } else if (res.status === 409) {
      tally.add("lost a seat race");
    } else {
      tally.surprise("hold", res);
      return;
    }
  }
  if (!hold) {
    return;
  }
  tally.add("held");
  if (random() < options.abandonRate) {
    tally.add("abandoned the hold");
    return;
  }
  const holdId = hold.id;
  const order = await persist(() => customer.createOrder(holdId), deadline());
  if (order.status === 410) {
    tally.add("hold lapsed before checkout");
    return;
  }
  if (order.status !== 201 || !("orderId" in order.body)) {
    tally.surprise("create-order", order);
    return;
  }
  const orderId = order.body.orderId;
  const paid = await persist(() => customer.pay(orderId), deadline());
  if (paid.status !== 200 || !("paymentId" in paid.body)) {
    tally.surprise("pay", paid);
    return;
  }
  options.paymentIds.push(paid.body.paymentId);
  tally.add("paid");
  void options.courier.deliver(paid.body.webhook, {
    delayMs: random() * 2_000,
    deadline: Date.now() + options.retryMs + 30_000,
  });
  const body = paid.body;
  const res = await persist(() => customer.confirm(body), deadline());
  if (res.status === 200) {
    tally.add("confirmed");
  } else if (res.status === 409 && errorCode(res) === "PAYMENT_REFUNDED") {
    tally.add("refunded at confirmation");
  } else if (res.status === 0 || res.status >= 500) {
    // Out of retries: the webhook still books (or refunds) it; the paid-order check says whether it did.
    tally.add("confirmation left to the webhook");
  } else {
    tally.surprise("confirm", res);
  }
}
