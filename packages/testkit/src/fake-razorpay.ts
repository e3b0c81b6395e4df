import { createHmac } from "node:crypto";
import { type RecordedRequest, type Reply, randomBase62, unixSeconds } from "./fake-http.ts";
import {
  type RazorpayCheckoutFailure,
  type RazorpayCheckoutSuccess,
  type RazorpayCollection,
  type RazorpayOrder,
  type RazorpayPayment,
  type RazorpayRefund,
  type RazorpayWebhook,
  type RazorpayWebhookEvent,
  type RazorpayWebhookEventName,
  razorpayError,
  razorpayNotes,
} from "./razorpay-entities.ts";
import { type Route, routeOf, type StandIn, startStandIn } from "./stand-in.ts";

export * from "./razorpay-entities.ts";

/**
 * A local stand-in for the parts of Razorpay's REST API that boxoffice uses, for the official SDK
 * pointed at `url` (see createRazorpaySdk's baseUrl), plus the customer's side of Checkout (`pay`,
 * `failPayment`) and webhooks signed as Razorpay signs them. Signatures are computed here with
 * node:crypto, independently of @boxoffice/core, so a test that verifies them with core's helpers
 * checks one implementation against another.
 */

export interface FakeRazorpayOptions {
  keyId?: string;
  keySecret?: string;
  webhookSecret?: string;
  accountId?: string;
  /** When set, events are POSTed here as they happen (off by default). */
  webhookUrl?: string;
  /** Which events automatic delivery sends (default: all the fake knows). */
  webhookEvents?: RazorpayWebhookEventName[];
  now?: () => Date;
}

export interface RazorpayPayOptions {
  /** Default: what is due on the order. A different amount simulates a tampered checkout. */
  amount?: number;
  currency?: string;
  /** Default true: the account's auto-capture. false leaves the payment `authorized`. */
  capture?: boolean;
  method?: "upi" | "card" | "netbanking" | "wallet";
}

export interface RazorpayWebhookIds {
  paymentId?: string;
  orderId?: string;
  refundId?: string;
}

/** `url` is the SDK seam: `createRazorpaySdk({ ..., baseUrl: fake.url })`. */
export interface FakeRazorpay extends StandIn<RazorpayWebhook> {
  keyId: string;
  keySecret: string;
  webhookSecret: string;
  accountId: string;
  orders: Map<string, RazorpayOrder>;
  payments: Map<string, RazorpayPayment>;
  refunds: Map<string, RazorpayRefund>;
  /** The customer pays in Checkout; returns what Checkout hands the page's `handler`. */
  pay(orderId: string, options?: RazorpayPayOptions): RazorpayCheckoutSuccess;
  /** The customer's payment fails in Checkout; returns what `payment.failed` listeners get. */
  failPayment(orderId: string, options?: { method?: RazorpayPayOptions["method"] }): RazorpayCheckoutFailure;
  /** Builds a webhook as Razorpay would send it now, for the entities named by `ids`. */
  webhook(event: RazorpayWebhookEventName, ids: RazorpayWebhookIds): RazorpayWebhook;
}

const ALL_EVENTS: RazorpayWebhookEventName[] = [
  "payment.authorized",
  "payment.captured",
  "payment.failed",
  "order.paid",
  "refund.processed",
];

/** A 4xx/5xx answer thrown from deep inside a handler. */
class ApiFailure {
  constructor(readonly reply: Reply) {}
}

const badRequest = (description: string, field?: string) =>
  new ApiFailure({ status: 400, body: razorpayError(description, { field }) });

const noSuchId = () => badRequest("The id provided does not exist");

export async function startFakeRazorpay(options: FakeRazorpayOptions = {}): Promise<FakeRazorpay> {
  const credentials = {
    keyId: options.keyId ?? `rzp_test_${randomBase62(14)}`,
    keySecret: options.keySecret ?? randomBase62(24),
    webhookSecret: options.webhookSecret ?? `whsec_${randomBase62(24)}`,
    accountId: options.accountId ?? `acc_${randomBase62(14)}`,
  };
  const { keyId, keySecret, webhookSecret, accountId } = credentials;
  const now = options.now ?? (() => new Date());

  const orders = new Map<string, RazorpayOrder>();
  const payments = new Map<string, RazorpayPayment>();
  const refunds = new Map<string, RazorpayRefund>();

  const find = <T>(map: Map<string, T>, id: string | undefined): T => {
    const found = id === undefined ? undefined : map.get(id);
    if (!found) {
      throw noSuchId();
    }
    return found;
  };

  // -------------------------------------------------------------------------------------------
  // State changes, shared by the API and the test controls
  // -------------------------------------------------------------------------------------------

  const newPayment = (
    order: RazorpayOrder,
    amount: number,
    currency: string,
    method: string,
  ): RazorpayPayment => ({
    id: `pay_${randomBase62(14)}`,
    entity: "payment",
    amount,
    currency,
    status: "created",
    order_id: order.id,
    invoice_id: null,
    international: false,
    method,
    amount_refunded: 0,
    refund_status: null,
    captured: false,
    description: null,
    card_id: method === "card" ? `card_${randomBase62(14)}` : null,
    bank: method === "netbanking" ? "HDFC" : null,
    wallet: method === "wallet" ? "paytm" : null,
    vpa: method === "upi" ? "success@razorpay" : null,
    email: "customer@example.com",
    contact: "+919000090000",
    notes: [],
    fee: null,
    tax: null,
    error_code: null,
    error_description: null,
    error_source: null,
    error_step: null,
    error_reason: null,
    acquirer_data: method === "upi" ? { rrn: randomDigits(12), upi_transaction_id: randomBase62(12) } : {},
    created_at: unixSeconds(now()),
  });

  const capture = (payment: RazorpayPayment) => {
    const order = find(orders, payment.order_id);
    payment.status = "captured";
    payment.captured = true;
    // 2% fee plus 18% GST on it, both in the smallest unit, as a captured payment reports them.
    payment.tax = Math.round(payment.amount * 0.02 * 0.18);
    payment.fee = Math.round(payment.amount * 0.02) + payment.tax;
    order.amount_paid += payment.amount;
    order.amount_due = Math.max(0, order.amount - order.amount_paid);
    order.status = order.amount_due === 0 ? "paid" : "attempted";
    emit("payment.captured", { paymentId: payment.id });
    if (order.status === "paid") {
      emit("order.paid", { orderId: order.id, paymentId: payment.id });
    }
  };

  const refund = (payment: RazorpayPayment, params: Record<string, unknown>): RazorpayRefund => {
    onlyKeys(params, ["amount", "speed", "notes", "receipt"]);
    if (!payment.captured) {
      throw badRequest("The payment has not been captured, so it cannot be refunded");
    }
    const refundable = payment.amount - payment.amount_refunded;
    if (refundable === 0) {
      throw badRequest("The payment has been fully refunded already");
    }
    const amount = params.amount === undefined ? refundable : amountParam(params.amount, "amount");
    if (amount < 100) {
      throw badRequest(`The amount must be at least ${payment.currency} 1.00`, "amount");
    }
    if (amount > refundable) {
      throw badRequest("The refund amount provided is greater than amount captured", "amount");
    }
    const speed = params.speed ?? "normal";
    if (speed !== "normal" && speed !== "optimum") {
      throw badRequest("The selected speed is invalid.", "speed");
    }
    const created: RazorpayRefund = {
      id: `rfnd_${randomBase62(14)}`,
      entity: "refund",
      amount,
      currency: payment.currency,
      payment_id: payment.id,
      notes: notesParam(params.notes),
      receipt: optionalString(params.receipt, "receipt", 40),
      acquirer_data: { arn: null },
      created_at: unixSeconds(now()),
      batch_id: null,
      status: "processed",
      speed_processed: "normal",
      speed_requested: speed,
    };
    refunds.set(created.id, created);
    payment.amount_refunded += amount;
    payment.refund_status = payment.amount_refunded === payment.amount ? "full" : "partial";
    if (payment.refund_status === "full") {
      payment.status = "refunded";
    }
    emit("refund.processed", { refundId: created.id });
    return created;
  };

  // -------------------------------------------------------------------------------------------
  // Webhooks
  // -------------------------------------------------------------------------------------------

  const buildWebhook = (event: RazorpayWebhookEventName, ids: RazorpayWebhookIds): RazorpayWebhook => {
    const payload: RazorpayWebhookEvent["payload"] = {};
    const contains: RazorpayWebhookEvent["contains"] = [];
    const snapshot = <T>(entity: T): { entity: T } => ({ entity: structuredClone(entity) });
    const mustFind = <T>(map: Map<string, T>, id: string | undefined, what: string): T => {
      const found = id === undefined ? undefined : map.get(id);
      if (!found) {
        throw new Error(`fake Razorpay: ${event} needs an existing ${what} (got ${String(id)})`);
      }
      return found;
    };
    if (event === "refund.processed") {
      const r = mustFind(refunds, ids.refundId, "refundId");
      payload.refund = snapshot(r);
      payload.payment = snapshot(mustFind(payments, r.payment_id, "payment"));
      contains.push("refund", "payment");
    } else if (event === "order.paid") {
      const order = mustFind(orders, ids.orderId, "orderId");
      const paymentId =
        ids.paymentId ?? [...payments.values()].find((p) => p.order_id === order.id && p.captured)?.id;
      payload.payment = snapshot(mustFind(payments, paymentId, "captured payment of the order"));
      payload.order = snapshot(order);
      contains.push("payment", "order");
    } else {
      payload.payment = snapshot(mustFind(payments, ids.paymentId, "paymentId"));
      contains.push("payment");
    }
    const body: RazorpayWebhookEvent = {
      entity: "event",
      account_id: accountId,
      event,
      contains,
      payload,
      created_at: unixSeconds(now()),
    };
    const text = JSON.stringify(body);
    return {
      event: body,
      body: text,
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "Razorpay-Webhook/v1",
        "X-Razorpay-Event-Id": randomBase62(14),
        "X-Razorpay-Signature": createHmac("sha256", webhookSecret).update(text).digest("hex"),
      },
    };
  };

  const emit = (event: RazorpayWebhookEventName, ids: RazorpayWebhookIds) =>
    stand.emit(event, () => buildWebhook(event, ids));

  // -------------------------------------------------------------------------------------------
  // The REST API
  // -------------------------------------------------------------------------------------------

  const createOrder = (params: Record<string, unknown>): RazorpayOrder => {
    onlyKeys(params, ["amount", "currency", "receipt", "notes", "partial_payment"]);
    if (params.amount === undefined) {
      throw badRequest("The amount field is required.", "amount");
    }
    const amount = amountParam(params.amount, "amount");
    const currency = params.currency ?? "INR";
    if (typeof currency !== "string" || !/^[A-Z]{3}$/.test(currency)) {
      throw badRequest("The currency is invalid.", "currency");
    }
    if (amount < 100) {
      throw badRequest(`The amount must be at least ${currency} 1.00`, "amount");
    }
    const order: RazorpayOrder = {
      id: `order_${randomBase62(14)}`,
      entity: "order",
      amount,
      amount_paid: 0,
      amount_due: amount,
      currency,
      receipt: optionalString(params.receipt, "receipt", 40),
      offer_id: null,
      status: "created",
      attempts: 0,
      notes: notesParam(params.notes),
      created_at: unixSeconds(now()),
    };
    orders.set(order.id, order);
    return order;
  };

  const routes: Route<[RecordedRequest]>[] = [
    ["POST", /^\/v1\/orders$/, (_, req) => createOrder(jsonBody(req))],
    ["GET", /^\/v1\/orders\/([^/]+)$/, ([id]) => find(orders, id)],
    [
      "GET",
      /^\/v1\/orders\/([^/]+)\/payments$/,
      ([id], req) => collection(payments, "order_id", find(orders, id).id, req),
    ],
    ["GET", /^\/v1\/payments\/([^/]+)$/, ([id]) => find(payments, id)],
    [
      "POST",
      /^\/v1\/payments\/([^/]+)\/capture$/,
      ([id], req) => {
        const payment = find(payments, id);
        const params = jsonBody(req);
        onlyKeys(params, ["amount", "currency"]);
        if (payment.status !== "authorized") {
          throw badRequest(
            payment.captured
              ? "This payment has already been captured"
              : "Only payments which have been authorized and not yet captured can be captured",
          );
        }
        if (params.amount === undefined) {
          throw badRequest("The amount field is required.", "amount");
        }
        if (amountParam(params.amount, "amount") !== payment.amount) {
          throw badRequest("Capture amount must be equal to the amount authorized", "amount");
        }
        if (params.currency !== undefined && params.currency !== payment.currency) {
          throw badRequest("Currency should be same as that of payment currency", "currency");
        }
        capture(payment);
        return payment;
      },
    ],
    ["POST", /^\/v1\/payments\/([^/]+)\/refund$/, ([id], req) => refund(find(payments, id), jsonBody(req))],
    [
      "GET",
      /^\/v1\/payments\/([^/]+)\/refunds$/,
      ([id], req) => collection(refunds, "payment_id", find(payments, id).id, req),
    ],
    [
      "GET",
      /^\/v1\/payments\/([^/]+)\/refunds\/([^/]+)$/,
      ([id, refundId]) => {
        const r = find(refunds, refundId);
        if (r.payment_id !== id) {
          throw noSuchId();
        }
        return r;
      },
    ],
    ["GET", /^\/v1\/refunds\/([^/]+)$/, ([id]) => find(refunds, id)],
  ];

  const handle = (req: RecordedRequest): Reply => {
    const route = routeOf(routes, req);
    if (!route) {
      return { status: 400, body: razorpayError("The requested URL was not found on the server.") };
    }
    try {
      return { status: 200, body: route.run(route.captures, req) };
    } catch (err) {
      if (err instanceof ApiFailure) {
        return err.reply;
      }
      throw err;
    }
  };

  const stand = await startStandIn<RazorpayWebhookEventName, RazorpayWebhook>({
    handle,
    authorizations: [`Basic ${Buffer.from(`${keyId}:${keySecret}`).toString("base64")}`],
    unauthorized: () => ({
      status: 401,
      body: razorpayError("Authentication failed", { source: "NA", step: "NA", reason: "NA" }),
    }),
    webhookUrl: options.webhookUrl,
    webhookEvents: options.webhookEvents ?? ALL_EVENTS,
    faultReply: (status, message) => ({
      status,
      body: razorpayError(
        message ??
          (status === 500
            ? "The server encountered an error. The incident has been reported to admins."
            : "Gateway error"),
        { code: status === 500 ? "SERVER_ERROR" : "GATEWAY_ERROR", source: "NA", step: "NA", reason: "NA" },
      ),
    }),
  });

  // -------------------------------------------------------------------------------------------
  // Test controls
  // -------------------------------------------------------------------------------------------

  const payableOrder = (orderId: string): RazorpayOrder => {
    const order = orders.get(orderId);
    if (!order) {
      throw new Error(`fake Razorpay: no order ${orderId}`);
    }
    if (order.status === "paid") {
      throw new Error(`fake Razorpay: order ${orderId} is already paid; Checkout refuses another payment`);
    }
    return order;
  };

  return {
    ...stand.standIn,
    ...credentials,
    orders,
    payments,
    refunds,

    pay(orderId, o = {}) {
      const order = payableOrder(orderId);
      const payment = newPayment(
        order,
        o.amount ?? order.amount_due,
        o.currency ?? order.currency,
        o.method ?? "upi",
      );
      payments.set(payment.id, payment);
      order.attempts += 1;
      order.status = "attempted";
      payment.status = "authorized";
      emit("payment.authorized", { paymentId: payment.id });
      if (o.capture ?? true) {
        capture(payment);
      }
      return {
        razorpay_order_id: order.id,
        razorpay_payment_id: payment.id,
        razorpay_signature: createHmac("sha256", keySecret).update(`${order.id}|${payment.id}`).digest("hex"),
      };
    },

    failPayment(orderId, o = {}) {
      const order = payableOrder(orderId);
      const payment = newPayment(order, order.amount_due, order.currency, o.method ?? "upi");
      Object.assign(payment, {
        status: "failed",
        error_code: "BAD_REQUEST_ERROR",
        error_description: "Payment failed because the customer's bank declined it",
        error_source: "bank",
        error_step: "payment_authorization",
        error_reason: "payment_failed",
      } satisfies Partial<RazorpayPayment>);
      payments.set(payment.id, payment);
      order.attempts += 1;
      order.status = "attempted";
      emit("payment.failed", { paymentId: payment.id });
      return {
        error: {
          code: "BAD_REQUEST_ERROR",
          description: payment.error_description ?? "Payment failed",
          source: "bank",
          step: "payment_authorization",
          reason: "payment_failed",
          metadata: { order_id: order.id, payment_id: payment.id },
        },
      };
    },

    webhook: buildWebhook,
  };
}

// ---------------------------------------------------------------------------------------------
// Request parsing, with Razorpay's validation messages
// ---------------------------------------------------------------------------------------------

function jsonBody(req: RecordedRequest): Record<string, unknown> {
  if (req.body.trim() === "") {
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(req.body);
  } catch {
    throw badRequest("The request body is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw badRequest("The request body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

/** Razorpay refuses fields it does not know, which catches typos in our requests. */
function onlyKeys(params: Record<string, unknown>, allowed: string[]) {
  const extra = Object.keys(params).filter((k) => !allowed.includes(k));
  if (extra.length > 0) {
    throw badRequest(`${extra.join(", ")} is/are not required and should not be sent`, extra[0]);
  }
}

/** Amounts are whole numbers of the smallest unit (paise); numeric strings are accepted too. */
function amountParam(value: unknown, field: string): number {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n)) {
    throw badRequest(`The ${field} must be an integer.`, field);
  }
  if (n <= 0) {
    throw badRequest(`The ${field} must be at least 1.`, field);
  }
  return n;
}

function optionalString(value: unknown, field: string, max: number): string | null {
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value !== "string") {
    throw badRequest(`The ${field} must be a string.`, field);
  }
  if (value.length > max) {
    throw badRequest(`The ${field} may not be greater than ${max} characters.`, field);
  }
  return value;
}

function notesParam(value: unknown): RazorpayOrder["notes"] {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
    return [];
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    throw badRequest("The notes must be an array.", "notes");
  }
  const entries = Object.entries(value);
  if (entries.length > 15) {
    throw badRequest("Number of fields in notes should be less than or equal to 15", "notes");
  }
  const notes: Record<string, string | number> = {};
  for (const [k, v] of entries) {
    if ((typeof v !== "string" && typeof v !== "number") || String(v).length > 256) {
      throw badRequest(`The notes.${k} must be a string of at most 256 characters.`, "notes");
    }
    notes[k] = v;
  }
  return razorpayNotes(notes);
}

/** The entities of `map` whose `parent` field is `parentId`, a page of them as `req` asks. */
function collection<T extends { created_at: number }>(
  map: Map<string, T>,
  parent: keyof T,
  parentId: string,
  req: RecordedRequest,
): RazorpayCollection<T> {
  const items = [...map.values()].filter((item) => item[parent] === parentId);
  const count = Math.min(Number(req.query.get("count") ?? 10) || 10, 100);
  const skip = Number(req.query.get("skip") ?? 0) || 0;
  // Newest first, as Razorpay lists them (insertion order breaks ties within one second).
  const sorted = items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => b.item.created_at - a.item.created_at || b.i - a.i);
  const page = sorted.slice(skip, skip + count).map((x) => x.item);
  return { entity: "collection", count: page.length, items: page };
}

function randomDigits(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    out += Math.floor(Math.random() * 10).toString();
  }
  return out;
}
