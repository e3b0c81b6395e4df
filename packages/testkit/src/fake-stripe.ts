import { createHmac } from "node:crypto";
import Stripe from "stripe";
import {
  headerValue,
  type RecordedRequest,
  type Reply,
  randomBase62,
  unixSeconds,
  type WebhookRequest,
} from "./fake-http.ts";
import { type Route, routeOf, type StandIn, startStandIn } from "./stand-in.ts";
import { FormError, type FormObject, type FormValue, parseStripeForm } from "./stripe-form.ts";
import { newCharge, newPaymentIntent, newRefund, stripeError } from "./stripe-objects.ts";

/**
 * A local stand-in for the parts of Stripe's REST API that boxoffice uses, for the official SDK
 * pointed at `url` (see createStripeSdk's baseUrl): form-encoded requests, Bearer auth, Stripe's error
 * bodies, Idempotency-Key replay, and webhooks with a real `Stripe-Signature`, computed here with
 * node:crypto independently of @boxoffice/core.
 */

export type FakeStripeEventType =
  | "payment_intent.succeeded"
  | "payment_intent.payment_failed"
  | "charge.refunded";

export interface FakeStripeOptions {
  secretKey?: string;
  webhookSecret?: string;
  /** The `api_version` of events (default: the version the installed SDK pins). */
  apiVersion?: string;
  /** When set, events are POSTed here as they happen (off by default). */
  webhookUrl?: string;
  webhookEvents?: FakeStripeEventType[];
  now?: () => Date;
}

export type StripeWebhook = WebhookRequest<Stripe.Event>;

/** `url` is the SDK seam: `createStripeSdk({ ..., baseUrl: fake.url })`. */
export interface FakeStripe extends StandIn<StripeWebhook> {
  secretKey: string;
  webhookSecret: string;
  apiVersion: string;
  paymentIntents: Map<string, Stripe.PaymentIntent>;
  charges: Map<string, Stripe.Charge>;
  refunds: Map<string, Stripe.Refund>;
  /** The customer completes the payment (Stripe.js confirm succeeded). */
  succeed(paymentIntentId: string, options?: { amount?: number }): Stripe.PaymentIntent;
  /** The customer's card is declined; the intent goes back to `requires_payment_method`. */
  fail(paymentIntentId: string): Stripe.PaymentIntent;
  /**
   * Builds a webhook as Stripe would send it now. `id` is the PaymentIntent for `payment_intent.*`, and
   * the Charge (or its PaymentIntent) for `charge.refunded`.
   */
  webhook(type: FakeStripeEventType, id: string): StripeWebhook;
}

const ALL_EVENTS: FakeStripeEventType[] = [
  "payment_intent.succeeded",
  "payment_intent.payment_failed",
  "charge.refunded",
];

class ApiFailure {
  constructor(
    readonly reply: Reply,
    /** Parameter errors happen before the endpoint runs: Stripe does not store them for replay. */
    readonly beforeExecution = false,
  ) {}
}

const invalid = (message: string, param?: string, code?: string) =>
  new ApiFailure(stripeError(400, { type: "invalid_request_error", message, param, code }), true);

interface RequestOrigin {
  id: string;
  idempotency_key: string | null;
}

export async function startFakeStripe(options: FakeStripeOptions = {}): Promise<FakeStripe> {
  const secretKey = options.secretKey ?? `sk_test_${randomBase62(24)}`;
  const webhookSecret = options.webhookSecret ?? `whsec_${randomBase62(32)}`;
  const apiVersion = options.apiVersion ?? Stripe.API_VERSION;
  const now = options.now ?? (() => new Date());

  const paymentIntents = new Map<string, Stripe.PaymentIntent>();
  const charges = new Map<string, Stripe.Charge>();
  const refunds = new Map<string, Stripe.Refund>();
  const idempotent = new Map<string, { fingerprint: string; reply: Reply }>();
  /** The request that last changed each object, for an event's `request` field. */
  const origins = new Map<string, RequestOrigin>();
  /** What `charge.refunded` reports as `previous_attributes`. */
  const previousRefundState = new Map<string, Partial<Stripe.Charge>>();

  const missing = (kind: string, id: string, param: string) =>
    new ApiFailure(
      stripeError(404, {
        type: "invalid_request_error",
        code: "resource_missing",
        message: `No such ${kind}: '${id}'`,
        param,
      }),
    );

  const intentOf = (id: string, param = "intent") => {
    const pi = paymentIntents.get(id);
    if (!pi) {
      throw missing("payment_intent", id, param);
    }
    return pi;
  };

  // -------------------------------------------------------------------------------------------
  // Webhooks
  // -------------------------------------------------------------------------------------------

  const buildWebhook = (type: FakeStripeEventType, id: string): StripeWebhook => {
    let object: Stripe.PaymentIntent | Stripe.Charge;
    let previous: Partial<Stripe.Charge> | undefined;
    if (type === "charge.refunded") {
      const chargeId = charges.has(id) ? id : paymentIntents.get(id)?.latest_charge;
      const charge = typeof chargeId === "string" ? charges.get(chargeId) : undefined;
      if (!charge) {
        throw new Error(`fake Stripe: charge.refunded needs a charge or a paid PaymentIntent (got ${id})`);
      }
      object = charge;
      previous = previousRefundState.get(charge.id);
    } else {
      const pi = paymentIntents.get(id);
      if (!pi) {
        throw new Error(`fake Stripe: ${type} needs an existing PaymentIntent (got ${id})`);
      }
      object = pi;
    }
    const created = unixSeconds(now());
    const event = {
      id: `evt_${randomBase62(24)}`,
      object: "event",
      api_version: apiVersion,
      created,
      data: {
        object: structuredClone(object),
        ...(previous === undefined ? {} : { previous_attributes: previous }),
      },
      livemode: false,
      pending_webhooks: 1,
      request: origins.get(object.id) ?? { id: null, idempotency_key: null },
      type,
    } as Stripe.Event;
    // Stripe sends events pretty-printed: a handler that re-serialises the parsed body before
    // verifying computes a different MAC, as it would in production.
    const body = JSON.stringify(event, null, 2);
    const v1 = createHmac("sha256", webhookSecret).update(`${created}.${body}`).digest("hex");
    return {
      event,
      body,
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        "Stripe-Signature": `t=${created},v1=${v1}`,
      },
    };
  };

  const emit = (type: FakeStripeEventType, id: string) => stand.emit(type, () => buildWebhook(type, id));

  // -------------------------------------------------------------------------------------------
  // The REST API
  // -------------------------------------------------------------------------------------------

  const createPaymentIntent = (params: FormObject, origin: RequestOrigin): Stripe.PaymentIntent => {
    onlyKeys(params, [
      "amount",
      "currency",
      "metadata",
      "automatic_payment_methods",
      "payment_method_types",
      "description",
      "receipt_email",
      "capture_method",
      "expand",
    ]);
    const amount = integerParam(params.amount, "amount");
    if (amount < 50) {
      throw invalid("Amount must be at least 50 in the smallest currency unit", "amount", "amount_too_small");
    }
    if (amount > 99_999_999) {
      throw invalid("Amount must be no more than 99999999", "amount", "amount_too_large");
    }
    const currency = requiredString(params.currency, "currency").toLowerCase();
    if (!/^[a-z]{3}$/.test(currency)) {
      throw invalid(`Invalid currency: ${currency}.`, "currency");
    }
    if (params.automatic_payment_methods !== undefined && params.payment_method_types !== undefined) {
      throw invalid(
        "You may only specify one of these parameters: automatic_payment_methods, payment_method_types.",
        "automatic_payment_methods",
      );
    }
    const apm = params.automatic_payment_methods;
    if (apm !== undefined && (typeof apm !== "object" || Array.isArray(apm) || apm.enabled !== "true")) {
      throw invalid(
        "automatic_payment_methods[enabled] must be true when given",
        "automatic_payment_methods",
      );
    }
    const types = params.payment_method_types;
    if (types !== undefined && (!Array.isArray(types) || !types.every((t) => typeof t === "string"))) {
      throw invalid("Invalid array", "payment_method_types");
    }
    const captureMethod = params.capture_method ?? "automatic_async";
    if (captureMethod !== "automatic" && captureMethod !== "automatic_async" && captureMethod !== "manual") {
      throw invalid("Invalid capture_method", "capture_method");
    }
    const pi = newPaymentIntent({
      amount,
      currency,
      metadata: metadataParam(params.metadata),
      description: optionalString(params.description, "description"),
      receiptEmail: optionalString(params.receipt_email, "receipt_email"),
      paymentMethodTypes: types as string[] | undefined,
      captureMethod,
      created: unixSeconds(now()),
    });
    paymentIntents.set(pi.id, pi);
    origins.set(pi.id, origin);
    return pi;
  };

  /** GET /v1/refunds?payment_intent=…: newest first, as Stripe lists (no paging past 100 here). */
  const listRefunds = (query: FormObject) => {
    onlyKeys(query, ["payment_intent", "charge", "limit"]);
    const intent =
      query.payment_intent === undefined ? undefined : requiredString(query.payment_intent, "payment_intent");
    const charge = query.charge === undefined ? undefined : requiredString(query.charge, "charge");
    const data = [...refunds.values()]
      .filter(
        (r) =>
          (intent === undefined || r.payment_intent === intent) &&
          (charge === undefined || r.charge === charge),
      )
      .sort((a, b) => b.created - a.created);
    return { object: "list", data, has_more: false, url: "/v1/refunds" };
  };

  const createRefund = (params: FormObject, origin: RequestOrigin): Stripe.Refund => {
    onlyKeys(params, ["payment_intent", "charge", "amount", "reason", "metadata", "expand"]);
    if (params.payment_intent !== undefined && params.charge !== undefined) {
      throw invalid("You may only specify one of these parameters: charge, payment_intent.", "charge");
    }
    let charge: Stripe.Charge | undefined;
    if (params.payment_intent !== undefined) {
      const pi = intentOf(requiredString(params.payment_intent, "payment_intent"), "payment_intent");
      charge = typeof pi.latest_charge === "string" ? charges.get(pi.latest_charge) : undefined;
      if (charge?.status !== "succeeded") {
        throw new ApiFailure(
          stripeError(400, {
            type: "invalid_request_error",
            message: `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
            param: "payment_intent",
          }),
        );
      }
    } else if (params.charge !== undefined) {
      const chargeId = requiredString(params.charge, "charge");
      charge = charges.get(chargeId);
      if (!charge) {
        throw missing("charge", chargeId, "charge");
      }
    } else {
      throw invalid(
        "One of the following params should be provided for this request: payment_intent or charge.",
        undefined,
        "parameter_missing",
      );
    }
    const refundable = charge.amount_captured - charge.amount_refunded;
    if (refundable === 0) {
      throw new ApiFailure(
        stripeError(400, {
          type: "invalid_request_error",
          code: "charge_already_refunded",
          message: `Charge ${charge.id} has already been refunded.`,
        }),
      );
    }
    const amount = params.amount === undefined ? refundable : integerParam(params.amount, "amount");
    if (amount <= 0) {
      throw invalid("Invalid positive integer", "amount", "parameter_invalid_integer");
    }
    if (amount > refundable) {
      throw new ApiFailure(
        stripeError(400, {
          type: "invalid_request_error",
          code: "amount_too_large",
          message: `Refund amount (${amount}) is greater than unrefunded amount on charge (${refundable})`,
          param: "amount",
        }),
      );
    }
    const reason = params.reason ?? null;
    if (
      reason !== null &&
      reason !== "duplicate" &&
      reason !== "fraudulent" &&
      reason !== "requested_by_customer"
    ) {
      throw invalid(
        "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer",
        "reason",
      );
    }
    const created = newRefund(charge, {
      amount,
      reason,
      metadata: metadataParam(params.metadata),
      created: unixSeconds(now()),
    });
    refunds.set(created.id, created);
    previousRefundState.set(charge.id, {
      amount_refunded: charge.amount_refunded,
      refunded: charge.refunded,
    });
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount_captured;
    origins.set(charge.id, origin);
    origins.set(created.id, origin);
    emit("charge.refunded", charge.id);
    return created;
  };

  const retrieveIntent = (id: string, query: FormObject): Stripe.PaymentIntent => {
    const pi = intentOf(id);
    const expand = query.expand;
    if (expand === undefined) {
      return pi;
    }
    const fields = Array.isArray(expand) ? expand : [expand];
    if (fields.some((f) => f !== "latest_charge")) {
      throw invalid(`This property cannot be expanded (${fields.join(", ")}).`, "expand");
    }
    const charge = typeof pi.latest_charge === "string" ? charges.get(pi.latest_charge) : undefined;
    return { ...pi, latest_charge: charge ?? null };
  };

  const routes: Route<[FormObject, RequestOrigin]>[] = [
    ["POST", /^\/v1\/payment_intents$/, (_, params, origin) => createPaymentIntent(params, origin)],
    ["GET", /^\/v1\/payment_intents\/([^/]+)$/, ([id], query) => retrieveIntent(id ?? "", query)],
    ["POST", /^\/v1\/refunds$/, (_, params, origin) => createRefund(params, origin)],
    ["GET", /^\/v1\/refunds$/, (_, query) => listRefunds(query)],
    [
      "GET",
      /^\/v1\/refunds\/([^/]+)$/,
      ([id]) => refunds.get(id ?? "") ?? raise(missing("refund", id ?? "", "id")),
    ],
    [
      "GET",
      /^\/v1\/charges\/([^/]+)$/,
      ([id]) => charges.get(id ?? "") ?? raise(missing("charge", id ?? "", "charge")),
    ],
  ];

  /** Runs the endpoint; `storable` is false when it never started (unknown URL, bad parameters). */
  const execute = (req: RecordedRequest, origin: RequestOrigin): { reply: Reply; storable: boolean } => {
    const route = routeOf(routes, req);
    if (!route) {
      const reply = stripeError(404, {
        type: "invalid_request_error",
        message: `Unrecognized request URL (${req.method}: ${req.path}).`,
      });
      return { reply, storable: false };
    }
    try {
      const params = parseStripeForm(req.method === "GET" ? req.query.toString() : req.body);
      return { reply: { status: 200, body: route.run(route.captures, params, origin) }, storable: true };
    } catch (err) {
      if (err instanceof ApiFailure) {
        return { reply: err.reply, storable: !err.beforeExecution };
      }
      if (err instanceof FormError) {
        return { reply: invalid(err.message).reply, storable: false };
      }
      throw err;
    }
  };

  const answerHeaders = (req: RecordedRequest, requestId = `req_${randomBase62(14)}`) => ({
    "Request-Id": requestId,
    "Stripe-Version": headerValue(req.headers, "stripe-version") ?? apiVersion,
  });

  const unauthorized = (req: RecordedRequest): Reply => ({
    ...stripeError(401, {
      type: "invalid_request_error",
      message:
        headerValue(req.headers, "authorization") === undefined
          ? "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
          : "Invalid API Key provided.",
    }),
    headers: answerHeaders(req),
  });

  const handle = (req: RecordedRequest): Reply => {
    const requestId = `req_${randomBase62(14)}`;
    const headers: Record<string, string> = answerHeaders(req, requestId);
    // Stripe honours Idempotency-Key on POST only (GET and DELETE are idempotent anyway).
    const key = req.method === "POST" ? headerValue(req.headers, "idempotency-key") : undefined;
    if (key === undefined) {
      return { ...execute(req, { id: requestId, idempotency_key: null }).reply, headers };
    }
    headers["Idempotency-Key"] = key;
    // A retry must carry the parameters of the first request; their order does not matter.
    const fingerprint = `${req.method} ${req.path} ${canonical(safeParse(req.body))}`;
    const stored = idempotent.get(key);
    if (stored && stored.fingerprint !== fingerprint) {
      const reply = stripeError(400, {
        type: "idempotency_error",
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      });
      return { ...reply, headers };
    }
    if (stored) {
      return {
        ...stored.reply,
        headers: { ...stored.reply.headers, "Idempotent-Replayed": "true", "Request-Id": requestId },
      };
    }
    const { reply, storable } = execute(req, { id: requestId, idempotency_key: key });
    const answered = { ...reply, headers };
    if (storable) {
      idempotent.set(key, { fingerprint, reply: answered });
    }
    return answered;
  };

  const stand = await startStandIn<FakeStripeEventType, StripeWebhook>({
    handle,
    // curl -u sk_test_...: the Basic form is also accepted by Stripe.
    authorizations: [`Bearer ${secretKey}`, `Basic ${Buffer.from(`${secretKey}:`).toString("base64")}`],
    unauthorized,
    indent: 2,
    webhookUrl: options.webhookUrl,
    webhookEvents: options.webhookEvents ?? ALL_EVENTS,
    faultReply: (status, message) =>
      stripeError(status, { type: "api_error", message: message ?? "An unknown error occurred" }),
  });

  // -------------------------------------------------------------------------------------------
  // Test controls
  // -------------------------------------------------------------------------------------------

  const confirmable = (id: string): Stripe.PaymentIntent => {
    const pi = paymentIntents.get(id);
    if (!pi) {
      throw new Error(`fake Stripe: no PaymentIntent ${id}`);
    }
    if (pi.status === "succeeded" || pi.status === "canceled") {
      throw new Error(`fake Stripe: PaymentIntent ${id} is ${pi.status}; it cannot be confirmed again`);
    }
    return pi;
  };

  /** The customer confirms on Stripe.js: a charge for `amount`, then the intent as `outcome` leaves it. */
  const confirm = (
    id: string,
    amount: number | undefined,
    succeeded: boolean,
    outcome: (charge: Stripe.Charge) => Partial<Stripe.PaymentIntent>,
  ): Stripe.PaymentIntent => {
    const pi = confirmable(id);
    const paymentMethod = `pm_${randomBase62(24)}`;
    const charge = newCharge(pi, {
      amount: amount ?? pi.amount,
      succeeded,
      paymentMethod,
      created: unixSeconds(now()),
    });
    charges.set(charge.id, charge);
    Object.assign(pi, { latest_charge: charge.id }, outcome(charge));
    origins.set(pi.id, { id: `req_${randomBase62(14)}`, idempotency_key: null });
    emit(succeeded ? "payment_intent.succeeded" : "payment_intent.payment_failed", pi.id);
    return pi;
  };

  const credentials = { secretKey, webhookSecret, apiVersion };
  return {
    ...stand.standIn,
    ...credentials,
    paymentIntents,
    charges,
    refunds,
    succeed: (id, o = {}) =>
      confirm(id, o.amount, true, (charge) => ({
        status: "succeeded",
        amount_received: charge.amount,
        payment_method: charge.payment_method,
        last_payment_error: null,
      })),
    fail: (id) =>
      confirm(id, undefined, false, (charge) => ({
        status: "requires_payment_method",
        payment_method: null,
        last_payment_error: {
          type: "card_error",
          code: "card_declined",
          decline_code: "generic_decline",
          charge: charge.id,
          doc_url: "https://stripe.com/docs/error-codes/card-declined",
          message: "Your card was declined.",
        },
      })),
    webhook: buildWebhook,
  };
}

// ---------------------------------------------------------------------------------------------
// Parameter parsing, with Stripe's messages
// ---------------------------------------------------------------------------------------------

function raise(failure: ApiFailure): never {
  throw failure;
}

function onlyKeys(params: FormObject, allowed: string[]) {
  const unknown = Object.keys(params).find((k) => !allowed.includes(k));
  if (unknown !== undefined) {
    throw invalid(`Received unknown parameter: ${unknown}`, unknown, "parameter_unknown");
  }
}

function integerParam(value: FormValue | undefined, param: string): number {
  if (value === undefined) {
    throw invalid(`Missing required param: ${param}.`, param, "parameter_missing");
  }
  if (typeof value !== "string" || !/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw invalid(`Invalid integer: ${String(value)}`, param, "parameter_invalid_integer");
  }
  return Number(value);
}

function requiredString(value: FormValue | undefined, param: string): string {
  if (value === undefined || value === "") {
    throw invalid(`Missing required param: ${param}.`, param, "parameter_missing");
  }
  if (typeof value !== "string") {
    throw invalid(`Invalid string: ${param}`, param, "parameter_invalid_string");
  }
  return value;
}

function optionalString(value: FormValue | undefined, param: string): string | null {
  if (value === undefined || value === "") {
    return null;
  }
  if (typeof value !== "string") {
    throw invalid(`Invalid string: ${param}`, param, "parameter_invalid_string");
  }
  return value;
}

/** Up to 50 keys of at most 40 characters, values of at most 500; an empty value unsets its key. */
function metadataParam(value: FormValue | undefined): Stripe.Metadata {
  if (value === undefined || value === "") {
    return {};
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    throw invalid("Invalid object", "metadata");
  }
  const entries = Object.entries(value).filter(([, v]) => v !== "");
  if (entries.length > 50) {
    throw invalid("Metadata can have up to 50 keys", "metadata");
  }
  const metadata: Stripe.Metadata = {};
  for (const [k, v] of entries) {
    if (typeof v !== "string" || k.length > 40 || v.length > 500) {
      throw invalid(
        `Invalid metadata[${k}]: keys up to 40 characters, values strings up to 500`,
        `metadata[${k}]`,
      );
    }
    metadata[k] = v;
  }
  return metadata;
}

function safeParse(body: string): FormObject {
  try {
    return parseStripeForm(body);
  } catch {
    return { raw: body };
  }
}

/** Key-order-independent text of parsed parameters. */
function canonical(value: FormValue): string {
  if (typeof value === "string") {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(",")}]`;
  }
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k] as FormValue)}`).join(",")}}`;
}
