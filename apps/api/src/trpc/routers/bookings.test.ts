import type { Availability, Booking, ErrorBody, OrderStatus, Session } from "@boxoffice/contracts";
import { manualClock, processRefunds, verifyTicket } from "@boxoffice/core";
import { readPdf, readQr } from "@boxoffice/core/testing/tickets";
import { bookings, payments, refunds, users } from "@boxoffice/db";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  bookWithDevProvider,
  confirm,
  createHold,
  createOrder,
  devPay,
  paymentRowCounts,
  recordsOfOrder,
  refundsSent,
  sendWebhook,
  showtimeOnSale,
} from "../../test/booking-fixtures.ts";
import { issuePaths, registerAdmin, registerUser, serverForFile } from "../../test/harness.ts";

const clock = manualClock("2029-12-20T10:00:00Z");
// The clock moves past holds and show starts here; tokens must outlive those jumps.
const server = serverForFile({
  clock,
  config: { rateLimitHoldsPerMin: 0, accessTokenTtlSeconds: 86_400 },
});
let admin: string;
beforeAll(async () => {
  admin = (await registerAdmin(server)).accessToken;
});

const seatStatus = async (showtimeId: string, seatId: string) =>
  (await server.http.get<Availability>(`/api/seats/availability?showtimeId=${showtimeId}`)).body.seats.find(
    (s) => s.id === seatId,
  )?.status;

describe("paying with the dev provider", () => {
  it("hold, order, pay: the webhook books the seats; the order, the booking, its QR and PDF follow", async () => {
    const showtimeId = await showtimeOnSale(server, admin);
    const user = await registerUser(server);
    const hold = await createHold(server, user.accessToken, showtimeId, ["A3", "A4"]);
    const order = await createOrder(server, user.accessToken, hold.id);
    expect(order).toMatchObject({ provider: "dev", holdId: hold.id, amount: 40_000, currency: "INR" });
    expect(order.payUrl).toBe(`${server.url}/api/payments/dev/pay/${order.orderId}`);
    // Asking again answers the same order.
    expect((await createOrder(server, user.accessToken, hold.id)).orderId).toBe(order.orderId);

    const page = await fetch(order.payUrl ?? "");
    expect(await page.text()).toContain("₹400.00");

    const paid = await devPay(server, order.orderId);
    expect(paid.webhookStatus).toBe(200);
    const status = await server.http.get<OrderStatus>(
      `/api/payments/orders/${order.orderId}`,
      user.accessToken,
    );
    expect(status.body).toMatchObject({ status: "paid", amount: 40_000 });
    const bookingId = status.body.bookingId ?? "";

    const booking = await server.http.get<Booking>(`/api/bookings/${bookingId}`, user.accessToken);
    expect(booking.status).toBe(200);
    expect(booking.body).toMatchObject({
      status: "confirmed",
      showtimeId,
      seatIds: ["A3", "A4"],
      amount: 40_000,
      currency: "INR",
      refund: null,
    });
    expect(booking.body.reference).toMatch(/^BO-[A-HJKMNP-Z2-9]{6}$/);
    expect(booking.body.qr?.png).toMatch(/^data:image\/png;base64,/);
    expect(booking.body.qr?.svg).toContain("<svg");
    expect(await seatStatus(showtimeId, "A3")).toBe("booked");

    const pdf = await fetch(`${server.url}/api/bookings/${bookingId}/ticket.pdf`, {
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    // Opened as a viewer opens it: real text with the rupee sign, and a QR a phone reads back.
    const seen = await readPdf(new Uint8Array(await pdf.arrayBuffer()));
    const text = seen.lines.join("\n");
    expect(text).toContain(booking.body.reference);
    expect(text).toContain("₹400.00");
    expect(text).toContain("A3");
    expect(text).toContain("5:30 pm"); // 12:00 UTC is 17:30 in the theater's zone, Asia/Kolkata
    const codes = seen.images.map((image) => readQr(image.rgba, image.width, image.height)).filter(Boolean);
    expect(codes).toEqual([booking.body.qr?.payload]);
    expect(verifyTicket(booking.body.qr?.payload, server.deps.ticketSecret)).toMatchObject({
      bookingId,
      seatIds: ["A3", "A4"],
    });

    const records = await recordsOfOrder(server, order.orderId);
    expect(records.payments).toHaveLength(1);
    expect(records.bookings).toHaveLength(1);
    expect(records.notifications.map((n) => `${n.kind}/${n.channel}`)).toEqual(["booking_confirmed/email"]);
  });

  it("the client's confirmation and the webhook, in either order and repeated, make one booking", async () => {
    const showtimeId = await showtimeOnSale(server, admin);
    const user = await registerUser(server);
    const hold = await createHold(server, user.accessToken, showtimeId, ["B3"]);
    const order = await createOrder(server, user.accessToken, hold.id);
    const paid = await devPay(server, order.orderId, { deliver: false });
    const first = await confirm(server, user.accessToken, paid);
    expect(first.status).toBe(200);
    const again = await confirm(server, user.accessToken, paid);
    expect(again.body.id).toBe(first.body.id);
    const webhook = await sendWebhook(server, paid.webhook ?? { body: "", headers: {} });
    expect(webhook.body).toMatchObject({ received: true, outcome: "booked", duplicate: false });
    const replay = await sendWebhook(server, paid.webhook ?? { body: "", headers: {} });
    expect(replay.body).toMatchObject({ outcome: "booked", duplicate: true });
    const records = await recordsOfOrder(server, order.orderId);
    expect([records.payments.length, records.bookings.length, records.notifications.length]).toEqual([
      1, 1, 1,
    ]);
  });

  it("a signed webhook replayed under another X-Razorpay-Event-Id (or none) is a duplicate and changes nothing", async () => {
    const showtimeId = await showtimeOnSale(server, admin);
    const user = await registerUser(server);
    const hold = await createHold(server, user.accessToken, showtimeId, ["C2"]);
    const order = await createOrder(server, user.accessToken, hold.id);
    const paid = await devPay(server, order.orderId, { deliver: false });
    const webhook = paid.webhook ?? { body: "", headers: {} };
    const first = await sendWebhook(server, webhook);
    expect(first.body).toMatchObject({ outcome: "booked", duplicate: false });
    const before = await paymentRowCounts(server);
    // The header is not signed: anyone holding one genuine delivery can send it again under any id.
    const { "x-razorpay-event-id": _id, ...unsigned } = webhook.headers;
    for (const headers of [{ ...unsigned, "x-razorpay-event-id": "evt_replayed_1" }, unsigned]) {
      const replay = await sendWebhook(server, { body: webhook.body, headers });
      expect(replay.body).toMatchObject({ outcome: "booked", duplicate: true, eventId: first.body.eventId });
    }
    expect(await paymentRowCounts(server)).toEqual(before);

    // A dashboard refund's notice, replayed under a new id, is one refund too.
    const dev = server.deps.devPayments;
    if (!dev) {
      throw new Error("the dev provider is not enabled");
    }
    const refundBody = JSON.stringify({
      entity: "event",
      event: "refund.processed",
      contains: ["refund"],
      payload: {
        refund: { entity: { id: "rfnd_replayed", payment_id: paid.paymentId, amount: 1_000, notes: [] } },
      },
    });
    const signedRefund = (eventId: string) => ({
      body: refundBody,
      headers: { "x-razorpay-signature": dev.sign(refundBody), "x-razorpay-event-id": eventId },
    });
    expect((await sendWebhook(server, signedRefund("evt_refund_a"))).body).toMatchObject({
      outcome: "external_refund",
      duplicate: false,
    });
    const afterRefund = await paymentRowCounts(server);
    expect((await sendWebhook(server, signedRefund("evt_refund_b"))).body).toMatchObject({ duplicate: true });
    expect(await paymentRowCounts(server)).toEqual(afterRefund);
    expect((await recordsOfOrder(server, order.orderId)).refunds).toMatchObject([{ amount: 1_000 }]);

    // Distinct events about the same payment are not taken for replays: order.paid after payment.captured.
    const orderPaid = webhook.body.replace('"event":"payment.captured"', '"event":"order.paid"');
    const companion = await sendWebhook(server, {
      body: orderPaid,
      headers: { "x-razorpay-signature": dev.sign(orderPaid) },
    });
    expect(companion.body).toMatchObject({ outcome: "booked", duplicate: false });
    expect(companion.body.eventId).not.toBe(first.body.eventId);
  });

  it("twenty webhooks and twenty confirmations fired at once give one booking, one payment, one set of messages", async () => {
    const showtimeId = await showtimeOnSale(server, admin);
    const user = await registerUser(server);
    const hold = await createHold(server, user.accessToken, showtimeId, ["C3", "C4"]);
    const order = await createOrder(server, user.accessToken, hold.id);
    const paid = await devPay(server, order.orderId, { deliver: false });
    const webhook = paid.webhook ?? { body: "", headers: {} };
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => [
        sendWebhook(server, webhook, i % 2 ? "/api/payments/webhook" : "/api/payments/webhook/dev"),
        confirm(server, user.accessToken, paid),
      ]).flat(),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(40).fill(200));
    const records = await recordsOfOrder(server, order.orderId);
    expect(records.payments).toHaveLength(1);
    expect(records.bookings).toHaveLength(1);
    expect(records.notifications).toHaveLength(1);
    expect(records.refunds).toHaveLength(0);
    const ids = new Set(answers.filter((a) => "id" in a.body).map((a) => (a.body as Booking).id));
    expect(ids).toEqual(new Set([records.bookings[0]?.id]));
  });

  it("a payment whose amount differs from the order is refused, refunded in full, and books nothing", async () => {
    const showtimeId = await showtimeOnSale(server, admin);
    const user = await registerUser(server);
    const hold = await createHold(server, user.accessToken, showtimeId, ["A1"]);
    const order = await createOrder(server, user.accessToken, hold.id);
    const paid = await devPay(server, order.orderId, { amount: 100, deliver: false });
    const res = await confirm(server, user.accessToken, paid);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: "PAYMENT_REFUNDED",
      details: { reason: "amount_mismatch" },
    });
    const records = await recordsOfOrder(server, order.orderId);
    expect(records.bookings).toHaveLength(0);
    expect(records.refunds).toMatchObject([{ amount: 100, reason: "amount_mismatch", status: "processed" }]);
    expect(records.payments).toMatchObject([{ status: "refunded", refundedAmount: 100 }]);
    expect(records.notifications.map((n) => n.kind)).toEqual(["payment_refunded"]);
    // The hold still has its seats: the user can pay the right amount.
    expect(await seatStatus(showtimeId, "A1")).toBe("held");
  });

  it("a failed payment books nothing and leaves the hold to pay again", async () => {
    const showtimeId = await showtimeOnSale(server, admin);
    const user = await registerUser(server);
    const hold = await createHold(server, user.accessToken, showtimeId, ["B4"]);
    const order = await createOrder(server, user.accessToken, hold.id);
    const failed = await devPay(server, order.orderId, { fail: true });
    expect(failed.webhookStatus).toBe(200);
    const status = await server.http.get<OrderStatus>(
      `/api/payments/orders/${order.orderId}`,
      user.accessToken,
    );
    expect(status.body.status).toBe("failed");
    expect(await seatStatus(showtimeId, "B4")).toBe("held");
    await devPay(server, order.orderId);
    const after = await server.http.get<OrderStatus>(
      `/api/payments/orders/${order.orderId}`,
      user.accessToken,
    );
    expect(after.body.status).toBe("paid");
  });
});

describe("late payments", () => {
  it("if the seats are still free after the hold lapsed, they are booked", async () => {
    const showtimeId = await showtimeOnSale(server, admin);
    const user = await registerUser(server);
    const hold = await createHold(server, user.accessToken, showtimeId, ["A3"]);
    const order = await createOrder(server, user.accessToken, hold.id);
    clock.advance(11 * 60_000);
    const paid = await devPay(server, order.orderId, { deliver: false });
    const res = await confirm(server, user.accessToken, paid);
    expect(res.status).toBe(200);
    expect(res.body.seatIds).toEqual(["A3"]);
    expect(await seatStatus(showtimeId, "A3")).toBe("booked");
  });

  it("if someone else has them now, the payment is refunded through the provider and the user told", async () => {
    const showtimeId = await showtimeOnSale(server, admin);
    const late = await registerUser(server);
    const other = await registerUser(server);
    const hold = await createHold(server, late.accessToken, showtimeId, ["C3"]);
    const order = await createOrder(server, late.accessToken, hold.id);
    clock.advance(11 * 60_000);
    const otherBooking = await bookWithDevProvider(server, other.accessToken, showtimeId, ["C3"]);
    const paid = await devPay(server, order.orderId);
    expect(paid.webhookStatus).toBe(200);
    const status = await server.http.get<OrderStatus>(
      `/api/payments/orders/${order.orderId}`,
      late.accessToken,
    );
    expect(status.body).toMatchObject({ status: "refunded", bookingId: null });
    await refundsSent(server);
    const records = await recordsOfOrder(server, order.orderId);
    expect(records.refunds).toMatchObject([{ reason: "late_payment", status: "processed", amount: 40_000 }]);
    expect(records.payments).toMatchObject([{ status: "refunded" }]);
    expect(records.notifications.map((n) => n.kind)).toEqual(["payment_refunded"]);
    const confirmLate = await confirm(server, late.accessToken, paid);
    expect(confirmLate.body.error).toMatchObject({
      code: "PAYMENT_REFUNDED",
      details: { reason: "late_payment" },
    });
    const [kept] = await server.deps.db.select().from(bookings).where(eq(bookings.id, otherBooking.id));
    expect(kept?.status).toBe("confirmed");
  });
});

describe("payments after the sale has closed", () => {
  it("a lapsed hold paid after the show started is refunded, not booked into a show nobody can cancel", async () => {
    const start = new Date(clock.now().getTime() + 20 * 60_000).toISOString();
    const showtimeId = await showtimeOnSale(server, admin, start);
    const user = await registerUser(server);
    const hold = await createHold(server, user.accessToken, showtimeId, ["B3"]);
    const order = await createOrder(server, user.accessToken, hold.id);
    clock.advance(50 * 60_000);
    const paid = await devPay(server, order.orderId, { deliver: false });
    const res = await confirm(server, user.accessToken, paid);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "PAYMENT_REFUNDED", details: { reason: "late_payment" } });
    expect(await seatStatus(showtimeId, "B3")).toBe("available");
  });
});

describe("bad payment input changes nothing", () => {
  let user: Session;
  let stranger: Session;
  let showtimeId: string;
  beforeAll(async () => {
    showtimeId = await showtimeOnSale(server, admin);
    user = await registerUser(server);
    stranger = await registerUser(server);
  });

  it("a forged or missing webhook signature is a 400 and records nothing", async () => {
    const hold = await createHold(server, user.accessToken, showtimeId, ["A4"]);
    const order = await createOrder(server, user.accessToken, hold.id);
    const paid = await devPay(server, order.orderId, { deliver: false });
    const webhook = paid.webhook ?? { body: "", headers: {} };
    const before = await paymentRowCounts(server);
    const forged = await sendWebhook(server, {
      body: webhook.body.replace('"captured"', '"captured" '),
      headers: webhook.headers,
    });
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe("INVALID_SIGNATURE");
    const { "x-razorpay-signature": _s, ...unsigned } = webhook.headers;
    expect((await sendWebhook(server, { body: webhook.body, headers: unsigned })).status).toBe(400);
    const garbage = await sendWebhook(server, {
      body: "{not json",
      headers: { "x-razorpay-signature": "zz" },
    });
    expect(garbage.status).toBe(400);
    expect(await paymentRowCounts(server)).toEqual(before);
  });

  it("a payment of nothing, signed by the provider, books nothing, refunds nothing and is no 500", async () => {
    const dev = server.deps.devPayments;
    if (!dev) {
      throw new Error("the dev provider is not enabled");
    }
    const hold = await createHold(server, user.accessToken, showtimeId, ["C3"]);
    const order = await createOrder(server, user.accessToken, hold.id);
    const before = await paymentRowCounts(server);
    const nothing = dev.pay({ providerOrderId: order.orderId, amount: 0, currency: "INR" });
    const confirmed = await confirm(server, user.accessToken, { orderId: order.orderId, ...nothing });
    expect(confirmed.status).toBe(402);
    expect(confirmed.body.error.code).toBe("PAYMENT_FAILED");
    const event = await sendWebhook(server, nothing.webhook);
    expect(event.status).toBe(400);
    expect(event.body.error.code).toBe("VALIDATION_FAILED");
    expect(await paymentRowCounts(server)).toEqual(before);
    expect(await seatStatus(showtimeId, "C3")).toBe("held");
  });

  it("the same webhook replayed twenty times books once", async () => {
    const other = await registerUser(server);
    const hold = await createHold(server, other.accessToken, showtimeId, ["B1"]);
    const order = await createOrder(server, other.accessToken, hold.id);
    const paid = await devPay(server, order.orderId, { deliver: false });
    const answers = [];
    for (let i = 0; i < 20; i++) {
      answers.push(await sendWebhook(server, paid.webhook ?? { body: "", headers: {} }));
    }
    expect(answers.map((a) => a.body.duplicate)).toEqual([false, ...Array(19).fill(true)]);
    const records = await recordsOfOrder(server, order.orderId);
    expect([records.payments.length, records.bookings.length, records.notifications.length]).toEqual([
      1, 1, 1,
    ]);
  });

  it("a confirmation for someone else's order is a 404, and so is an unknown one", async () => {
    const hold = await createHold(server, user.accessToken, showtimeId, ["C1"]);
    const order = await createOrder(server, user.accessToken, hold.id);
    const paid = await devPay(server, order.orderId, { deliver: false });
    const before = await paymentRowCounts(server);
    const res = await confirm(server, stranger.accessToken, paid);
    expect(res.status).toBe(404);
    expect((await confirm(server, user.accessToken, { ...paid, orderId: "dev_order_nope" })).status).toBe(
      404,
    );
    expect(
      (await server.http.get(`/api/payments/orders/${order.orderId}`, stranger.accessToken)).status,
    ).toBe(404);
    expect(await paymentRowCounts(server)).toEqual(before);
    const wrongSignature = await confirm(server, user.accessToken, { ...paid, signature: "0".repeat(64) });
    expect(wrongSignature.status).toBe(400);
    expect(wrongSignature.body.error.code).toBe("INVALID_SIGNATURE");
  });

  it("an order for an expired, released or someone else's hold is refused", async () => {
    const hold = await createHold(server, stranger.accessToken, showtimeId, ["C2"]);
    const notMine = await server.http.post<ErrorBody>(
      "/api/payments/create-order",
      { holdId: hold.id },
      user.accessToken,
    );
    expect(notMine.status).toBe(404);
    await server.http.request("DELETE", `/api/seats/hold/${hold.id}`, { token: stranger.accessToken });
    const released = await server.http.post<ErrorBody>(
      "/api/payments/create-order",
      { holdId: hold.id },
      stranger.accessToken,
    );
    expect(released.status).toBe(410);
    const lapsing = await createHold(server, stranger.accessToken, showtimeId, ["C2"]);
    clock.advance(11 * 60_000);
    const expired = await server.http.post<ErrorBody>(
      "/api/payments/create-order",
      { holdId: lapsing.id },
      stranger.accessToken,
    );
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe("HOLD_EXPIRED");
    const malformed = await server.http.post<ErrorBody>(
      "/api/payments/create-order",
      { holdId: "x" },
      user.accessToken,
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details?.issues).toMatchObject([{ path: "holdId" }]);
    expect(
      (
        await server.http.post<ErrorBody>(
          "/api/payments/create-intent",
          { holdId: lapsing.id },
          user.accessToken,
        )
      ).body.error.code,
    ).toBe("PAYMENT_METHOD_DISABLED");
  });

  it("a refund notice before its payment's capture is kept and applied when the payment arrives", async () => {
    const hold = await createHold(server, user.accessToken, showtimeId, ["A2"]);
    const order = await createOrder(server, user.accessToken, hold.id);
    const paid = await devPay(server, order.orderId, { deliver: false });
    const refundBody = JSON.stringify({
      entity: "event",
      event: "refund.processed",
      contains: ["refund"],
      payload: {
        refund: { entity: { id: "rfnd_dash1", payment_id: paid.paymentId, amount: 20_000, notes: [] } },
      },
    });
    const dev = server.deps.devPayments;
    if (!dev) {
      throw new Error("the dev provider is not enabled");
    }
    const early = await sendWebhook(server, {
      body: refundBody,
      headers: { "x-razorpay-signature": dev.sign(refundBody), "x-razorpay-event-id": "evt_refund_first" },
    });
    expect(early.body).toMatchObject({ outcome: "unmatched_refund" });
    const capture = await sendWebhook(server, paid.webhook ?? { body: "", headers: {} });
    expect(capture.body.outcome).toBe("booked");
    const records = await recordsOfOrder(server, order.orderId);
    // The whole payment went back outside boxoffice: the booking is void and its seat free again.
    expect(records.refunds).toMatchObject([{ reason: "external", status: "processed", amount: 20_000 }]);
    expect(records.bookings).toMatchObject([{ status: "refunded" }]);
    expect(await seatStatus(showtimeId, "A2")).toBe("available");
  });
});

describe("bookings and cancellation", () => {
  const policy = {
    tiers: [
      { minHoursBefore: 48, refundPercent: 100 },
      { minHoursBefore: 4, refundPercent: 50 },
    ],
  };

  it("lists a user's upcoming and past bookings, and nobody else's", async () => {
    const showtimeId = await showtimeOnSale(server, admin, "2030-03-01T12:00:00Z");
    const user = await registerUser(server);
    const booking = await bookWithDevProvider(server, user.accessToken, showtimeId, ["A1"]);
    const mine = await server.http.get<{ items: Booking[]; total: number }>(
      "/api/bookings/my",
      user.accessToken,
    );
    expect(mine.body.items.map((b) => b.id)).toEqual([booking.id]);
    expect(mine.body.items[0]?.showtime.movie.title).toMatch(/^Test Movie/);
    const past = await server.http.get<{ items: Booking[] }>("/api/bookings/my?when=past", user.accessToken);
    expect(past.body.items).toEqual([]);
    const other = await registerUser(server);
    expect((await server.http.get<{ total: number }>("/api/bookings/my", other.accessToken)).body.total).toBe(
      0,
    );
    expect((await server.http.get(`/api/bookings/${booking.id}`, other.accessToken)).status).toBe(404);
    const otherPdf = await fetch(`${server.url}/api/bookings/${booking.id}/ticket.pdf`, {
      headers: { authorization: `Bearer ${other.accessToken}` },
    });
    expect(otherPdf.status).toBe(404);
    expect((await fetch(`${server.url}/api/bookings/${booking.id}/ticket.pdf`)).status).toBe(401);
    // Staff at the door and admins see any booking.
    expect((await server.http.get(`/api/bookings/${booking.id}`, admin)).status).toBe(200);
  });

  it("the dev pay page returns the browser to the client's returnUrl with the order's status, and only to CLIENT_URL's origins", async () => {
    const showtimeId = await showtimeOnSale(server, admin);
    const user = await registerUser(server);
    const hold = await createHold(server, user.accessToken, showtimeId, ["B1"]);
    const order = await createOrder(server, user.accessToken, hold.id);
    const back = "http://localhost:5173/checkout/done?step=3";
    const page = await fetch(`${order.payUrl}?returnUrl=${encodeURIComponent(back)}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`name="returnUrl" value="${back.replace("&", "&amp;")}"`);
    // What the page's Pay button sends, as a browser would.
    const paid = await fetch(order.payUrl ?? "", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
      body: new URLSearchParams({ returnUrl: back }).toString(),
      redirect: "manual",
    });
    expect(paid.status).toBe(303);
    const location = new URL(paid.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe("http://localhost:5173/checkout/done");
    expect(Object.fromEntries(location.searchParams)).toEqual({
      step: "3",
      orderId: order.orderId,
      status: "paid",
    });
    const status = await server.http.get<OrderStatus>(
      `/api/payments/orders/${order.orderId}`,
      user.accessToken,
    );
    expect(status.body.status).toBe("paid");

    for (const elsewhere of ["https://evil.example/steal", "javascript:alert(1)", "not a url"]) {
      const refused = await fetch(`${order.payUrl}?returnUrl=${encodeURIComponent(elsewhere)}`);
      expect(refused.status).toBe(400);
      expect(issuePaths((await refused.json()) as ErrorBody)).toEqual(["returnUrl"]);
    }
  });

  it("every booking answer links its ticket PDF for 15 minutes with no token; an altered or old link opens nothing", async () => {
    const showtimeId = await showtimeOnSale(server, admin);
    const user = await registerUser(server);
    const booking = await bookWithDevProvider(server, user.accessToken, showtimeId, ["C3"]);
    const link = new URL(booking.ticketUrl);
    expect(`${link.origin}${link.pathname}`).toBe(`${server.url}/api/bookings/${booking.id}/ticket.pdf`);
    // As a page's link or an email's would open it: no Authorization header at all.
    const pdf = await fetch(link);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect((await readPdf(new Uint8Array(await pdf.arrayBuffer()))).lines.join("\n")).toContain(
      booking.reference,
    );
    // A request that brings a token is judged by it: a bad one is 401 even beside a good link.
    expect((await fetch(link, { headers: { authorization: "Bearer not-a-token" } })).status).toBe(401);
    const listed = await server.http.get<{ items: Booking[] }>("/api/bookings/my", user.accessToken);
    expect(listed.body.items.find((b) => b.id === booking.id)?.ticketUrl).toMatch(/signature=/);

    const altered = new URL(link);
    altered.searchParams.set("expires", String(Number(link.searchParams.get("expires")) + 86_400));
    const forged = await fetch(altered);
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as ErrorBody).error.code).toBe("FORBIDDEN");
    // Another booking's id under this booking's signature opens neither.
    const other = await bookWithDevProvider(server, user.accessToken, showtimeId, ["C4"]);
    const moved = new URL(link.toString().replace(booking.id, other.id));
    expect((await fetch(moved)).status).toBe(403);

    clock.advance(16 * 60_000);
    const old = await fetch(link);
    expect(old.status).toBe(410);
    expect(((await old.json()) as ErrorBody).error.code).toBe("GONE");
    // Asking for the booking again gives a link that works now.
    const again = await server.http.get<Booking>(`/api/bookings/${booking.id}`, user.accessToken);
    expect((await fetch(again.body.ticketUrl)).status).toBe(200);
  });

  it("cancelling refunds what the policy bought with the booking allows, frees the seats, and twice is once", async () => {
    const start = new Date(clock.now().getTime() + 24 * 3_600_000).toISOString();
    const showtimeId = await showtimeOnSale(server, admin, start, { cancellationPolicy: policy });
    const user = await registerUser(server);
    const booking = await bookWithDevProvider(server, user.accessToken, showtimeId, ["B3", "B4"]);
    expect(booking.amount).toBe(56_000);
    const quote = await server.http.get(`/api/bookings/${booking.id}/cancellation`, user.accessToken);
    expect(quote.body).toMatchObject({ cancellable: true, refundPercent: 50, refundAmount: 28_000 });

    const cancelled = await server.http.post<Booking>(
      `/api/bookings/${booking.id}/cancel`,
      undefined,
      user.accessToken,
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: "refunded",
      refund: { amount: 28_000, status: "processed", reason: "cancellation" },
    });
    expect(await seatStatus(showtimeId, "B3")).toBe("available");
    const twice = await server.http.post<Booking>(
      `/api/bookings/${booking.id}/cancel`,
      undefined,
      user.accessToken,
    );
    expect(twice.body).toEqual(cancelled.body);
    const [row] = await server.deps.db.select().from(bookings).where(eq(bookings.id, booking.id));
    const [payment] = await server.deps.db
      .select()
      .from(payments)
      .where(eq(payments.id, row?.paymentId ?? ""));
    // Half went back: the payment keeps its other half and stays succeeded.
    expect(payment).toMatchObject({ status: "succeeded", refundedAmount: 28_000 });
  });

  it("staff check tickets but cannot cancel them; an admin cancelling for a customer refunds it all", async () => {
    const start = new Date(clock.now().getTime() + 3 * 3_600_000).toISOString();
    const showtimeId = await showtimeOnSale(server, admin, start, { cancellationPolicy: policy });
    const user = await registerUser(server);
    const booking = await bookWithDevProvider(server, user.accessToken, showtimeId, ["A1"]);
    const staff = await registerUser(server);
    await server.deps.db
      .update(users)
      .set({ roles: ["user", "staff"] })
      .where(eq(users.id, staff.user.id));
    const staffToken = (
      await server.http.post<Session>("/api/auth/login", {
        email: staff.user.email,
        password: staff.password,
      })
    ).body.accessToken;
    expect((await server.http.get(`/api/bookings/${booking.id}`, staffToken)).status).toBe(200);
    const refused = await server.http.post<ErrorBody>(
      `/api/bookings/${booking.id}/cancel`,
      undefined,
      staffToken,
    );
    expect(refused.status).toBe(403);
    expect(await seatStatus(showtimeId, "A1")).toBe("booked");
    // Three hours before the show the customer's own policy refunds nothing; an admin refunds it all.
    const quote = await server.http.get(`/api/bookings/${booking.id}/cancellation`, user.accessToken);
    expect(quote.body).toMatchObject({ refundPercent: 0, refundAmount: 0 });
    const byAdmin = await server.http.post<Booking>(`/api/bookings/${booking.id}/cancel`, undefined, admin);
    expect(byAdmin.body).toMatchObject({
      status: "refunded",
      refund: { amount: booking.amount, status: "processed" },
    });
  });

  it("a refund made in the provider's dashboard is not paid twice when the booking is cancelled", async () => {
    const start = new Date(clock.now().getTime() + 72 * 3_600_000).toISOString();
    const showtimeId = await showtimeOnSale(server, admin, start, { cancellationPolicy: policy });
    const user = await registerUser(server);
    const hold = await createHold(server, user.accessToken, showtimeId, ["C1"]);
    const order = await createOrder(server, user.accessToken, hold.id);
    const paid = await devPay(server, order.orderId, { deliver: false });
    const booking = (await confirm(server, user.accessToken, paid)).body;
    const partial = JSON.stringify({
      entity: "event",
      event: "refund.processed",
      contains: ["refund"],
      payload: {
        refund: { entity: { id: "rfnd_dash_partial", payment_id: paid.paymentId, amount: 5_000, notes: [] } },
      },
    });
    const dev = server.deps.devPayments;
    if (!dev) {
      throw new Error("the dev provider is not enabled");
    }
    const notice = await sendWebhook(server, {
      body: partial,
      headers: { "x-razorpay-signature": dev.sign(partial), "x-razorpay-event-id": "evt_dash_partial" },
    });
    expect(notice.body.outcome).toBe("external_refund");
    // A part went back outside boxoffice: the booking stands.
    expect(
      (await server.http.get<Booking>(`/api/bookings/${booking.id}`, user.accessToken)).body.status,
    ).toBe("confirmed");
    const cancelled = await server.http.post<Booking>(
      `/api/bookings/${booking.id}/cancel`,
      undefined,
      user.accessToken,
    );
    // The policy allows all of it back, but 5,000 already went: only the rest is refunded.
    expect(cancelled.body.refund).toMatchObject({ amount: booking.amount - 5_000, status: "processed" });
    const [payment] = await server.deps.db
      .select()
      .from(payments)
      .where(eq(payments.id, (await recordsOfOrder(server, order.orderId)).payments[0]?.id ?? ""));
    expect(payment).toMatchObject({ status: "refunded", refundedAmount: booking.amount });
  });

  it("after the show has started a booking cannot be cancelled (409)", async () => {
    const start = new Date(clock.now().getTime() + 2 * 3_600_000).toISOString();
    const showtimeId = await showtimeOnSale(server, admin, start);
    const user = await registerUser(server);
    const booking = await bookWithDevProvider(server, user.accessToken, showtimeId, ["C3"]);
    clock.advance(2 * 3_600_000 + 60_000);
    const res = await server.http.post<ErrorBody>(
      `/api/bookings/${booking.id}/cancel`,
      undefined,
      user.accessToken,
    );
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("CANCELLATION_CLOSED");
    expect(await seatStatus(showtimeId, "C3")).toBe("booked");
  });

  it("a showtime people hold tickets for cannot be moved (cancel it instead), but can be repriced", async () => {
    const start = new Date(clock.now().getTime() + 5 * 3_600_000);
    const showtimeId = await showtimeOnSale(server, admin, start.toISOString());
    const user = await registerUser(server);
    await bookWithDevProvider(server, user.accessToken, showtimeId, ["B1"]);
    const later = new Date(start.getTime() + 3_600_000).toISOString();
    const moved = await server.http.patch<ErrorBody>(
      `/api/admin/showtimes/${showtimeId}`,
      { startAt: later },
      admin,
    );
    expect(moved.status).toBe(409);
    expect(moved.body.error).toMatchObject({ code: "SEATS_IN_USE", details: { field: "startAt" } });
    const repriced = await server.http.patch<{ basePrice: number; startAt: string }>(
      `/api/admin/showtimes/${showtimeId}`,
      { basePrice: 30_000 },
      admin,
    );
    expect(repriced.status).toBe(200);
    expect(repriced.body).toMatchObject({ basePrice: 30_000, startAt: start.toISOString() });
  });

  it("an admin cancelling a showtime refunds every booking of it in full", async () => {
    const start = new Date(clock.now().getTime() + 3 * 3_600_000).toISOString();
    const showtimeId = await showtimeOnSale(server, admin, start);
    const a = await registerUser(server);
    const b = await registerUser(server);
    const first = await bookWithDevProvider(server, a.accessToken, showtimeId, ["A3"]);
    const second = await bookWithDevProvider(server, b.accessToken, showtimeId, ["A4", "B3"]);
    const res = await server.http.patch(`/api/admin/showtimes/${showtimeId}`, { status: "cancelled" }, admin);
    expect(res.status).toBe(200);
    // The API sends these refunds behind its answer; a refund it is sending is leased, so this pass may
    // find nothing to do and the wait is for the API's own sends to finish.
    await processRefunds(server.deps);
    await refundsSent(server, { bookingIds: [first.id, second.id] });
    for (const [booking, token] of [
      [first, a.accessToken],
      [second, b.accessToken],
    ] as const) {
      const now = await server.http.get<Booking>(`/api/bookings/${booking.id}`, token);
      expect(now.body).toMatchObject({
        status: "refunded",
        refund: { amount: booking.amount, status: "processed", reason: "showtime_cancelled" },
      });
    }
    const sent = await server.deps.db.select().from(refunds).where(eq(refunds.reason, "showtime_cancelled"));
    expect(sent.filter((r) => [first.id, second.id].includes(r.bookingId ?? ""))).toHaveLength(2);
  });
});
