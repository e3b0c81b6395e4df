import { createHmac, randomBytes } from "node:crypto";
import { devPaymentProvider } from "@boxoffice/core";
import { checkPaidOrders, plainLayout, seededRng, shuffle, sleep } from "@boxoffice/testkit";
import { type Scenario, type ScenarioContext, SHORT_HOLD_TTL_SECONDS, SHORT_HOLDS } from "../lib/context.ts";
import { Customer, type DevPaid, errorCode, type SignedWebhook, WebhookCourier } from "../lib/flow.ts";
import { availabilityProblems, settle } from "../lib/settle.ts";
import type { ProofUser } from "../lib/setup.ts";
import { pool, round } from "../lib/stats.ts";
import { Tally } from "../lib/tally.ts";

const SETTINGS = {
  // Up to two seats an order, never shared: the screen is large enough for all of them.
  quick: { orders: 200, replays: 5, width: 24, rows: 20, seatsPerRow: 25 },
  full: { orders: 500, replays: 5, width: 32, rows: 25, seatsPerRow: 40 },
};

type Kind = "on time" | "late, seats taken" | "late, seats free";

/** How a run's orders split: most paid on time, some paid after their hold lapsed, a tenth never paid. */
function split(orders: number) {
  const late = Math.round(orders * 0.15);
  const lateFree = Math.round(orders * 0.05);
  const unpaid = Math.round(orders * 0.1);
  return { late, lateFree, unpaid, onTime: orders - late - lateFree - unpaid, paid: orders - unpaid };
}

interface PaidOrder {
  kind: Kind;
  customer: Customer;
  seats: string[];
  paid: DevPaid;
  /** Set by the first 200 answer to the client's confirmation. */
  bookingId?: string;
}

/**
 * The provider's side of payments, adversarially. Of 200 orders (500 in the full run) nine in ten are paid;
 * every paid order's webhook is delivered five times (about half of the redeliveries under an
 * `X-Razorpay-Event-Id` of their own, as anyone holding one genuine delivery could replay it: the header is
 * not signed), all of them shuffled together with the clients' confirmations (for about half the paid
 * orders) and with forgeries: a tampered amount under the genuine signature (under an event id of its own,
 * and under the genuine one), a payment that never happened under a signature for another body, one made
 * with the wrong secret, or none at all, and "captured" events for the orders nobody paid. Every forgery
 * must be refused, and nothing of one written: no forged payment, nor a tampered amount, may reach the
 * database. Each genuine event is recorded once, whatever header it came under. Some orders are paid after
 * their hold lapsed: those whose seats someone else took by then must be refunded, the others booked.
 * Correctly signed `order.paid` companions (distinct events about the same payment) and events without an
 * id come along too.
 */
export const webhooks: Scenario = {
  name: "webhooks",
  summary: `${SETTINGS.quick.orders} orders (${SETTINGS.full.orders} in the full run), ${split(SETTINGS.quick.orders).paid} (${split(SETTINGS.full.orders).paid}) of them paid: each payment's webhook delivered ${SETTINGS.quick.replays} times, shuffled with confirmations and forgeries; late ones refunded`,
  processes: { apis: 2, workers: 1 },
  budgetMs: { quick: 90_000, full: 240_000 },
  env: SHORT_HOLDS,
  async run(ctx: ScenarioContext) {
    const settings = SETTINGS[ctx.quick ? "quick" : "full"];
    const random = seededRng(60_607);
    const dev = devPaymentProvider(ctx.secrets.jwtRefreshSecret);
    const showtime = await ctx.setup.showtime(plainLayout(settings.rows, settings.seatsPerRow));
    const counts = split(settings.orders);
    const onTime = counts.onTime;
    const users = await ctx.setup.users(settings.orders + counts.late);
    const snatchers = users.splice(settings.orders);
    const tally = new Tally();
    const problems: string[] = [];

    // Seats side by side, one or two per order, never shared between orders.
    let seatCursor = 0;
    let orderCount = 0;
    const nextSeats = () => {
      // Two seats while there is room for every later order to get one.
      const room = showtime.seatIds.length - seatCursor - (settings.orders - orderCount++);
      const n = room > 0 ? 1 + Math.floor(random() * 2) : 1;
      const seats = showtime.seatIds.slice(seatCursor, seatCursor + n);
      seatCursor += n;
      return seats;
    };
    const start = async (user: ProofUser, kind: Kind | "unpaid") => {
      const customer = new Customer(ctx.http, user);
      const seats = nextSeats();
      const hold = await customer.hold(showtime.id, seats);
      if (hold.status !== 201 || !("id" in hold.body)) {
        throw new Error(`setup hold: ${hold.status} ${JSON.stringify(hold.body)}`);
      }
      const order = await customer.createOrder(hold.body.id);
      if (order.status !== 201 || !("orderId" in order.body)) {
        throw new Error(`setup order: ${order.status} ${JSON.stringify(order.body)}`);
      }
      if (kind === "unpaid") {
        return { customer, seats, orderId: order.body.orderId, amount: order.body.amount };
      }
      const paid = await customer.pay(order.body.orderId);
      if (paid.status !== 200 || !("paymentId" in paid.body)) {
        throw new Error(`setup pay: ${paid.status} ${JSON.stringify(paid.body)}`);
      }
      return {
        customer,
        seats,
        orderId: order.body.orderId,
        amount: order.body.amount,
        paid: paid.body,
        kind,
      };
    };

    // Late ones first, so their holds lapse while the rest are set up.
    const lateUsers = users.slice(0, counts.late + counts.lateFree);
    const late = await pool(lateUsers, 8, (user, i) =>
      start(user, i < counts.late ? "late, seats taken" : "late, seats free"),
    );
    const lapsesAt = Date.now() + SHORT_HOLD_TTL_SECONDS * 1000 + 500;
    const rest = await pool(users.slice(lateUsers.length), 12, (user, i) =>
      start(user, i < onTime ? "on time" : "unpaid"),
    );
    const paidOrders: PaidOrder[] = [...late, ...rest].flatMap((o) =>
      o.paid && o.kind ? [{ kind: o.kind, customer: o.customer, seats: o.seats, paid: o.paid }] : [],
    );
    const unpaid = rest.filter((o) => !o.paid);
    ctx.log(
      `${paidOrders.length} orders paid, ${unpaid.length} unpaid; waiting for the late ones' holds to lapse`,
    );
    await sleep(lapsesAt - Date.now(), ctx.signal);

    // Someone else buys the seats of the "seats taken" orders meanwhile (bought, not only held: a hold
    // would lapse during the storm and give the seats back).
    await pool(
      paidOrders.filter((o) => o.kind === "late, seats taken"),
      8,
      async (o, i) => {
        const other = new Customer(ctx.http, snatchers[i] as ProofUser);
        const hold = await other.hold(showtime.id, o.seats);
        if (hold.status !== 201 || !("id" in hold.body)) {
          return tally.surprise("snatcher hold", hold);
        }
        const order = await other.createOrder(hold.body.id);
        if (order.status !== 201 || !("orderId" in order.body)) {
          return tally.surprise("snatcher order", order);
        }
        const paid = await other.pay(order.body.orderId);
        if (paid.status !== 200 || !("paymentId" in paid.body)) {
          return tally.surprise("snatcher pay", paid);
        }
        const booked = await other.confirm(paid.body);
        return booked.status === 200 || tally.surprise("snatcher booking", booked);
      },
    );

    // The storm: genuine deliveries (five of each), companions, confirmations and forgeries, shuffled.
    const courier = new WebhookCourier(ctx.http);
    const deadline = Date.now() + 60_000;
    const actions: Array<() => Promise<void>> = [];
    const firstSeen = new Map<string, "webhook" | "confirmation">();
    const genuine = (o: PaidOrder, webhook: SignedWebhook) => async () => {
      firstSeen.set(o.paid.orderId, firstSeen.get(o.paid.orderId) ?? "webhook");
      const res = await courier.deliver(webhook, { deadline });
      const outcome = (res.body as { outcome?: string } | undefined)?.outcome;
      const wanted = o.kind === "late, seats taken" ? "refunded" : "booked";
      if (res.status !== 200 || outcome !== wanted) {
        tally.surprise(`webhook of an order ${o.kind} (wanted ${wanted})`, res);
      }
    };
    let replaysUnderNewIds = 0;
    for (const o of paidOrders) {
      for (let r = 0; r < settings.replays; r++) {
        if (r > 0 && random() < 0.5) {
          // The same signed bytes under an event id nobody signed: still the same event.
          replaysUnderNewIds += 1;
          const headers = {
            ...o.paid.webhook.headers,
            "x-razorpay-event-id": `evt_replay_${randomBytes(6).toString("hex")}`,
          };
          actions.push(genuine(o, { body: o.paid.webhook.body, headers }));
        } else {
          actions.push(genuine(o, o.paid.webhook));
        }
      }
      if (random() < 0.2) {
        // Razorpay also sends order.paid for the same payment: another event, which must not be taken for
        // a replay of the capture (and is one booking all the same).
        const body = o.paid.webhook.body.replace('"event":"payment.captured"', '"event":"order.paid"');
        actions.push(
          genuine(o, signed(dev.sign(body), body, `evt_companion_${randomBytes(6).toString("hex")}`)),
        );
      }
      if (random() < 0.2) {
        // Without an event id the signed body identifies it: the same event, still one booking.
        const { "x-razorpay-event-id": _id, ...headers } = o.paid.webhook.headers;
        actions.push(genuine(o, { body: o.paid.webhook.body, headers }));
      }
      if (random() < 0.5) {
        actions.push(async () => {
          firstSeen.set(o.paid.orderId, firstSeen.get(o.paid.orderId) ?? "confirmation");
          const res = await o.customer.confirm(o.paid);
          if (o.kind === "late, seats taken") {
            if (res.status !== 409 || errorCode(res) !== "PAYMENT_REFUNDED") {
              tally.surprise("confirmation of a late payment whose seats were taken", res);
            }
          } else if (res.status === 200 && "id" in res.body) {
            if (o.bookingId && o.bookingId !== res.body.id) {
              tally.surprise("a second confirmation answered another booking", res);
            }
            o.bookingId = res.body.id;
          } else {
            tally.surprise(`confirmation of an order ${o.kind}`, res);
          }
        });
      }
    }
    const forgeries: SignedWebhook[] = [];
    // What no genuine delivery carries: payments that never happened, and genuine payments at amounts
    // they were not made for. Had any forgery been taken, it would be in webhook_events (every accepted
    // event is recorded, with the payment it reports, before it is handled) or in payments.
    const forgedPaymentIds: string[] = [];
    const tampered: Array<{ paymentId: string; amount: number }> = [];
    const forgedEventId = () => `evt_forged_${randomBytes(6).toString("hex")}`;
    const forgedPayment = (body: string, paymentId: string) => {
      const forgedId = `dev_pay_forged${randomBytes(5).toString("hex")}${paymentId.slice(paymentId.indexOf("."))}`;
      forgedPaymentIds.push(forgedId);
      return body.replaceAll(paymentId, forgedId);
    };
    for (const o of paidOrders.filter(() => random() < 0.25)) {
      const { body, headers } = o.paid.webhook;
      const cheaper = body.replace(/"amount":(\d+)/, (_m, a: string) => {
        const amount = Math.max(1, Number(a) - 100);
        tampered.push({ paymentId: o.paid.paymentId, amount });
        return `"amount":${amount}`;
      });
      forgeries.push({ body: cheaper, headers: { ...headers, "x-razorpay-event-id": forgedEventId() } });
      // The same under the genuine event id: the signature is checked before anything is looked up, so
      // this is a 400 too, not "already seen".
      forgeries.push({ body: cheaper, headers });
      const another = forgedPayment(body, o.paid.paymentId);
      forgeries.push(signed(dev.sign(`${another} `), another, forgedEventId()));
      const wrong = forgedPayment(body, o.paid.paymentId);
      forgeries.push(signed(wrongSecret(wrong), wrong, forgedEventId()));
      const { "x-razorpay-signature": _sig, ...unsigned } = headers;
      forgeries.push({
        body: forgedPayment(body, o.paid.paymentId),
        headers: { ...unsigned, "x-razorpay-event-id": forgedEventId() },
      });
    }
    for (const u of unpaid) {
      // "Captured" for an order nobody paid, signed with a guessed secret.
      const forgedPaymentId = `dev_pay_forged${randomBytes(5).toString("hex")}.${u.amount}.INR`;
      forgedPaymentIds.push(forgedPaymentId);
      const body = JSON.stringify({
        entity: "event",
        event: "payment.captured",
        contains: ["payment"],
        payload: {
          payment: {
            entity: {
              id: forgedPaymentId,
              entity: "payment",
              amount: u.amount,
              currency: "INR",
              status: "captured",
              order_id: u.orderId,
            },
          },
        },
      });
      forgeries.push(signed(wrongSecret(body), body, forgedEventId()));
    }
    let forgedRefused = 0;
    for (const forged of forgeries) {
      actions.push(async () => {
        const res = await courier.deliver(forged, { deadline });
        if (res.status === 400 && errorCode(res) === "INVALID_SIGNATURE") {
          forgedRefused += 1;
        } else {
          tally.surprise("a forged webhook", res);
        }
      });
    }
    ctx.log(`${actions.length} deliveries, confirmations and forgeries, shuffled`);
    const started = Date.now();
    await pool(shuffle(actions, random), settings.width, (act) => act());
    const stormSeconds = (Date.now() - started) / 1000;
    await settle(ctx, courier);

    // Exactly one booking per paid order that could still have its seats; a refund for the others.
    const { rows } = await ctx.db.query<{
      provider_order_id: string;
      bookings: number;
      payments: number;
      refunded: number;
      booking_id: string | null;
    }>(
      `SELECT o.provider_order_id,
              (SELECT count(*)::int FROM bookings b WHERE b.order_id = o.id) AS bookings,
              (SELECT count(*)::int FROM payments p WHERE p.order_id = o.id) AS payments,
              (SELECT count(*)::int FROM refunds r JOIN payments p ON p.id = r.payment_id
               WHERE p.order_id = o.id AND r.status = 'processed') AS refunded,
              (SELECT b.id::text FROM bookings b WHERE b.order_id = o.id) AS booking_id
       FROM payment_orders o WHERE o.provider_order_id = ANY($1::text[])`,
      [[...paidOrders.map((o) => o.paid.orderId), ...unpaid.map((u) => u.orderId)]],
    );
    const byOrder = new Map(rows.map((r) => [r.provider_order_id, r]));
    const wrong: string[] = [];
    for (const o of paidOrders) {
      const r = byOrder.get(o.paid.orderId);
      const wantBooked = o.kind !== "late, seats taken";
      const ok =
        r !== undefined &&
        r.payments === 1 &&
        (wantBooked
          ? r.bookings === 1 && r.refunded === 0 && (!o.bookingId || o.bookingId === r.booking_id)
          : r.bookings === 0 && r.refunded === 1);
      if (!ok) {
        wrong.push(`${o.kind} ${o.paid.orderId}: ${JSON.stringify(r)}`);
      }
    }
    for (const u of unpaid) {
      const r = byOrder.get(u.orderId);
      if (r?.payments !== 0 || r.bookings !== 0) {
        wrong.push(`unpaid ${u.orderId}: ${JSON.stringify(r)}`);
      }
    }
    if (wrong.length > 0) {
      problems.push(
        `${wrong.length} orders did not end as they should, e.g. ${wrong.slice(0, 3).join(" | ")}`,
      );
    }
    if (forgedRefused !== forgeries.length) {
      problems.push(
        `${forgeries.length - forgedRefused} of ${forgeries.length} forged webhooks were not refused`,
      );
    }
    // Refused is not enough: nothing of a forgery may have been written, whatever it was answered.
    const { rows: written } = await ctx.db.query<{ events: number; payments: number }>(
      `WITH tampered AS (SELECT * FROM unnest($2::text[], $3::int[]) AS t(payment_id, amount))
       SELECT (SELECT count(*)::int FROM webhook_events
               WHERE payload -> 'payment' ->> 'providerPaymentId' = ANY($1::text[])
                  OR (payload -> 'payment' ->> 'providerPaymentId', (payload -> 'payment' ->> 'amount')::int)
                     IN (SELECT payment_id, amount FROM tampered)) AS events,
              (SELECT count(*)::int FROM payments
               WHERE provider_payment_id = ANY($1::text[])
                  OR (provider_payment_id, amount) IN (SELECT payment_id, amount FROM tampered)) AS payments`,
      [forgedPaymentIds, tampered.map((t) => t.paymentId), tampered.map((t) => t.amount)],
    );
    const forgedWritten = (written[0]?.events ?? 0) + (written[0]?.payments ?? 0);
    if (forgedWritten > 0) {
      problems.push(
        `forged webhooks were written to the database: ${written[0]?.events ?? 0} webhook_events rows and ${written[0]?.payments ?? 0} payments carry a forged event or payment id`,
      );
    }
    // One genuine event, one row: a replay under a header id of its own must have been a duplicate.
    const { rows: recorded } = await ctx.db.query<{ type: string; payment_id: string; n: number }>(
      `SELECT type, payload -> 'payment' ->> 'providerPaymentId' AS payment_id, count(*)::int AS n
       FROM webhook_events
       WHERE provider = 'dev' AND payload -> 'payment' ->> 'providerPaymentId' = ANY($1::text[])
       GROUP BY 1, 2`,
      [paidOrders.map((o) => o.paid.paymentId)],
    );
    const twice = recorded.filter((r) => r.n > 1);
    if (twice.length > 0) {
      problems.push(
        `${twice.length} genuine events were recorded more than once (replays taken for new events), e.g. ${twice
          .slice(0, 3)
          .map((r) => `${r.type} ${r.payment_id} x${r.n}`)
          .join(" | ")}`,
      );
    }
    const captures = new Set(recorded.filter((r) => r.type === "payment.captured").map((r) => r.payment_id));
    const unrecorded = paidOrders.filter((o) => !captures.has(o.paid.paymentId)).length;
    if (unrecorded > 0) {
      problems.push(`${unrecorded} paid orders have no recorded payment.captured event`);
    }
    problems.push(...tally.problems());
    const paid = await checkPaidOrders(
      ctx.db,
      paidOrders.map((o) => o.paid.paymentId),
    );
    problems.push(...paid.problems);
    problems.push(...(await availabilityProblems(ctx, showtime.id)));
    const firsts = [...firstSeen.values()];
    const count = (kind: Kind) => paidOrders.filter((o) => o.kind === kind).length;
    return {
      figures: {
        orders: settings.orders,
        "paid orders": paidOrders.length,
        "never paid": unpaid.length,
        "on time / late taken / late free": `${count("on time")} / ${count("late, seats taken")} / ${count("late, seats free")}`,
        "webhook deliveries": courier.deliveries - forgeries.length,
        "first heard by webhook / confirmation": `${firsts.filter((f) => f === "webhook").length} / ${firsts.filter((f) => f === "confirmation").length}`,
        "forged refused": `${forgedRefused} / ${forgeries.length}`,
        "replays under new event ids": replaysUnderNewIds,
        "events recorded twice": twice.length,
        "forged payments in the database": `${forgedWritten} of ${forgedPaymentIds.length + tampered.length}`,
        "payments booked": paid.booked,
        "payments refunded": paid.refunded,
        "storm s": round(stormSeconds, 1),
      },
      problems,
    };
  },
};

function signed(signature: string, body: string, eventId: string): SignedWebhook {
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-razorpay-signature": signature,
      "x-razorpay-event-id": eventId,
    },
  };
}

/** A signature an attacker could make: right algorithm, wrong secret. */
function wrongSecret(body: string): string {
  return createHmac("sha256", "not the secret").update(body).digest("hex");
}
