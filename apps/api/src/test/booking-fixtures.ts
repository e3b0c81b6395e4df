import type { Booking, ErrorBody, Hold, PaymentOrder } from "@boxoffice/contracts";
import { processRefunds, type RazorpayConfig, type StripeConfig } from "@boxoffice/core";
import {
  bookings,
  notifications,
  paymentOrders,
  payments,
  refunds,
  seatClaims,
  webhookEvents,
} from "@boxoffice/db";
import type { FakeRazorpay, FakeStripe } from "@boxoffice/testkit";
import { and, count, eq, inArray, isNotNull } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { createCatalog, createShowtime } from "./catalog-fixtures.ts";
import type { TestServer } from "./harness.ts";

/** A fresh on-sale showtime on the small test screen (A1..C4, B2 blocked), starting at `startAt`. */
export async function showtimeOnSale(
  server: TestServer,
  adminToken: string,
  startAt = "2030-01-01T12:00:00Z",
  options: { cancellationPolicy?: unknown } = {},
): Promise<string> {
  const { theater, screen, movie } = await createCatalog(server, adminToken);
  if (options.cancellationPolicy) {
    const res = await server.http.patch(
      `/api/admin/theaters/${theater.id}`,
      { cancellationPolicy: options.cancellationPolicy },
      adminToken,
    );
    if (res.status !== 200) {
      throw new Error(`policy change failed: ${res.status} ${JSON.stringify(res.body)}`);
    }
  }
  const showtime = await createShowtime(
    server,
    adminToken,
    { theaterId: theater.id, screenId: screen.id, movieId: movie.id },
    startAt,
  );
  return showtime.id;
}

export async function createHold(server: TestServer, token: string, showtimeId: string, seatIds: string[]) {
  const res = await server.http.post<Hold & ErrorBody>("/api/seats/hold", { showtimeId, seatIds }, token);
  if (res.status !== 201) {
    throw new Error(`hold failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

export async function createOrder(server: TestServer, token: string, holdId: string): Promise<PaymentOrder> {
  const res = await server.http.post<PaymentOrder>("/api/payments/create-order", { holdId }, token);
  if (res.status !== 201) {
    throw new Error(`create-order failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

export interface DevPaid {
  orderId: string;
  paymentId: string;
  signature: string;
  webhook?: { body: string; headers: Record<string, string> };
  webhookStatus?: number;
}

/** Presses the dev provider's Pay button; `deliver: false` keeps the signed webhook for the test to send. */
export async function devPay(
  server: TestServer,
  orderId: string,
  body: { amount?: number; fail?: boolean; deliver?: boolean } = {},
): Promise<DevPaid> {
  const res = await server.http.post<DevPaid>(`/api/payments/dev/pay/${orderId}`, body);
  if (res.status !== 200) {
    throw new Error(`dev pay failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

export function sendWebhook(
  server: TestServer,
  webhook: { body: string; headers: Record<string, string> },
  path = "/api/payments/webhook",
) {
  return server.http.request<
    { received: boolean; eventId: string; outcome: string; duplicate: boolean } & ErrorBody
  >("POST", path, {
    raw: webhook.body,
    headers: webhook.headers,
  });
}

export function confirm(
  server: TestServer,
  token: string,
  paid: { orderId: string; paymentId: string; signature: string },
) {
  return server.http.post<Booking & ErrorBody>(
    "/api/bookings/confirm",
    { orderId: paid.orderId, paymentId: paid.paymentId, signature: paid.signature },
    token,
  );
}

/** Hold, order, pay with the dev provider (webhook delivered): the booking it made. */
export async function bookWithDevProvider(
  server: TestServer,
  token: string,
  showtimeId: string,
  seatIds: string[],
): Promise<Booking> {
  const hold = await createHold(server, token, showtimeId, seatIds);
  const order = await createOrder(server, token, hold.id);
  const paid = await devPay(server, order.orderId, { deliver: false });
  const res = await confirm(server, token, paid);
  if (res.status !== 200) {
    throw new Error(`confirm failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/**
 * Row counts of everything a payment can write, to show a refused request changed nothing. Claims count
 * only when booked: a claim of a lapsed hold may be tidied by the in-process sweeper at any moment, which
 * no payment does.
 */
export async function paymentRowCounts(server: TestServer) {
  const db = server.deps.db;
  const n = async (table: PgTable) => (await db.select({ n: count() }).from(table))[0]?.n ?? 0;
  return {
    orders: await n(paymentOrders),
    payments: await n(payments),
    bookings: await n(bookings),
    refunds: await n(refunds),
    notifications: await n(notifications),
    webhookEvents: await n(webhookEvents),
    bookedClaims:
      (await db.select({ n: count() }).from(seatClaims).where(isNotNull(seatClaims.bookingId)))[0]?.n ?? 0,
  };
}

/** Everything recorded for one order: what the invariants are checked against. */
export async function recordsOfOrder(server: TestServer, providerOrderId: string) {
  const db = server.deps.db;
  const [order] = await db
    .select()
    .from(paymentOrders)
    .where(eq(paymentOrders.providerOrderId, providerOrderId));
  if (!order) {
    throw new Error(`no order ${providerOrderId}`);
  }
  const orderPayments = await db.select().from(payments).where(eq(payments.orderId, order.id));
  const orderBookings = await db.select().from(bookings).where(eq(bookings.orderId, order.id));
  const bookingIds = orderBookings.map((b) => b.id);
  const paymentIds = orderPayments.map((p) => p.id);
  const messages = (await db.select().from(notifications)).filter(
    (m) => bookingIds.includes(m.subjectId) || paymentIds.includes(m.subjectId),
  );
  const orderRefunds = (await db.select().from(refunds)).filter((r) => paymentIds.includes(r.paymentId));
  return {
    order,
    payments: orderPayments,
    bookings: orderBookings,
    notifications: messages,
    refunds: orderRefunds,
  };
}

/**
 * Waits until no refund is still waiting to be sent: a webhook answers before the refund it decided has
 * gone out (it is sent behind the answer).
 */
export async function refundsSent(
  server: TestServer,
  options: { timeoutMs?: number; bookingIds?: string[] } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const deadline = Date.now() + timeoutMs;
  const pending = options.bookingIds
    ? and(eq(refunds.status, "pending"), inArray(refunds.bookingId, options.bookingIds))
    : eq(refunds.status, "pending");
  for (;;) {
    const [row] = await server.deps.db.select({ n: count() }).from(refunds).where(pending);
    if ((row?.n ?? 0) === 0) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`${row?.n} refunds still pending after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Retries one order's waiting refund now, as the refund job would once its back-off ends, and answers the
 * order's refunds after the attempt.
 */
export async function retryRefundNow(server: TestServer, providerOrderId: string) {
  const [pending] = (await recordsOfOrder(server, providerOrderId)).refunds.filter(
    (r) => r.status === "pending",
  );
  if (!pending) {
    throw new Error(`order ${providerOrderId} has no refund waiting`);
  }
  await server.deps.db
    .update(refunds)
    .set({ nextAttemptAt: new Date(0) })
    .where(eq(refunds.id, pending.id));
  await processRefunds(server.deps, { ids: [pending.id] });
  return (await recordsOfOrder(server, providerOrderId)).refunds;
}

/** The keys a server needs to talk to a local Razorpay stand-in. */
export function razorpayKeys(fake: FakeRazorpay): RazorpayConfig {
  const { keyId, keySecret, webhookSecret, url } = fake;
  return { keyId, keySecret, webhookSecret, apiBaseUrl: url };
}

/** The keys a server needs to talk to a local Stripe stand-in. */
export function stripeKeys(fake: FakeStripe, publishableKey?: string): StripeConfig {
  const { secretKey, webhookSecret, url } = fake;
  return { secretKey, webhookSecret, publishableKey, apiBaseUrl: url };
}
