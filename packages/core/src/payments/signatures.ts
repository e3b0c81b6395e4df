import { createHmac, timingSafeEqual } from "node:crypto";
import type Stripe from "stripe";

/**
 * Signatures of the two payment providers, produced and checked here rather than with the SDKs'
 * helpers: Razorpay's `validatePaymentVerification` / `validateWebhookSignature` compare with `===`
 * (not timing-safe) and throw on missing arguments; Stripe's `constructEvent` accepts timestamps any
 * distance in the future and turns a tolerance of 0 into "no check at all". Tests prove both schemes
 * byte-compatible with the SDKs.
 */

export type RawBody = string | Uint8Array;

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

function hmacSha256(key: string, data: RawBody): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

/**
 * Compares a claimed hex signature with the expected MAC in constant time. Anything that is not
 * exactly 64 hex digits is refused before comparing: `Buffer.from(s, "hex")` would otherwise stop at
 * the first non-hex character and quietly compare a shorter prefix.
 */
function hexMatches(claimed: unknown, expected: Buffer): boolean {
  if (typeof claimed !== "string" || !HEX_SHA256.test(claimed)) {
    return false;
  }
  const given = Buffer.from(claimed, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// ---------------------------------------------------------------------------------------------
// Razorpay
// ---------------------------------------------------------------------------------------------

/** What Razorpay Checkout hands the browser after a payment: hex HMAC-SHA256 of `order|payment`. */
export function razorpayCheckoutSignature(orderId: string, paymentId: string, keySecret: string): string {
  if (!keySecret) {
    throw new TypeError("razorpayCheckoutSignature: keySecret is empty");
  }
  return createHmac("sha256", keySecret).update(`${orderId}|${paymentId}`).digest("hex");
}

/**
 * Checks the `razorpay_signature` that Checkout returned. Pass the order id stored with the booking,
 * not the one the browser sent: a signature is only proof of the order it was computed for, and a
 * customer could otherwise replay the (order, payment, signature) triple of a cheaper order.
 * Never throws: any malformed input is simply not a valid signature.
 */
export function verifyRazorpayCheckoutSignature(
  orderId: string,
  paymentId: string,
  signature: string | null | undefined,
  keySecret: string,
): boolean {
  if (!isId(orderId) || !isId(paymentId) || typeof keySecret !== "string" || keySecret === "") {
    return false;
  }
  return hexMatches(signature, hmacSha256(keySecret, `${orderId}|${paymentId}`));
}

/** Razorpay ids never contain "|", the separator of the signed text; refusing it keeps it unambiguous. */
function isId(value: unknown): value is string {
  return typeof value === "string" && value !== "" && !value.includes("|");
}

/** The `X-Razorpay-Signature` of a webhook: hex HMAC-SHA256 of the raw body with the webhook secret. */
export function razorpayWebhookSignature(rawBody: RawBody, secret: string): string {
  if (!secret) {
    throw new TypeError("razorpayWebhookSignature: secret is empty");
  }
  return hmacSha256(secret, rawBody).toString("hex");
}

/**
 * Checks `X-Razorpay-Signature` against the raw request body, exactly as received: a body parsed and
 * serialised again is not the text Razorpay signed. Never throws.
 */
export function verifyRazorpayWebhookSignature(
  rawBody: RawBody,
  signatureHeader: string | readonly string[] | null | undefined,
  secret: string,
): boolean {
  if (typeof secret !== "string" || secret === "" || !isRawBody(rawBody)) {
    return false;
  }
  return hexMatches(signatureHeader, hmacSha256(secret, rawBody));
}

function isRawBody(value: unknown): value is RawBody {
  return typeof value === "string" || value instanceof Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// Stripe
// ---------------------------------------------------------------------------------------------

export type WebhookSignatureFailure =
  | "missing_secret"
  | "missing_header"
  | "malformed_header"
  | "signature_mismatch"
  | "timestamp_out_of_tolerance"
  | "invalid_payload";

/** A webhook that must be refused (answer 400 and log `reason`; the provider will retry). */
export class WebhookSignatureError extends Error {
  override readonly name = "WebhookSignatureError";
  constructor(
    readonly reason: WebhookSignatureFailure,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A `Stripe-Signature` header as Stripe sends it: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>" keyed with the whole `whsec_...` string>`.
 */
export function stripeWebhookSignatureHeader(rawBody: RawBody, secret: string, timestamp: number): string {
  if (!secret) {
    throw new TypeError("stripeWebhookSignatureHeader: secret is empty");
  }
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TypeError("stripeWebhookSignatureHeader: timestamp must be whole unix seconds");
  }
  return `t=${timestamp},v1=${stripeMac(secret, timestamp, rawBody).toString("hex")}`;
}

function stripeMac(secret: string, timestamp: number, rawBody: RawBody): Buffer {
  const hmac = createHmac("sha256", secret).update(`${timestamp}.`);
  return hmac.update(rawBody).digest();
}

/**
 * Verifies a Stripe webhook and returns its event. Any `v1` entry may match (Stripe sends one per
 * active secret while a secret is rolled). The timestamp must lie within `toleranceSeconds` of `now`
 * on either side, after the signature matched, so a replayed delivery is refused and a forged one
 * learns nothing about the clock. Throws `WebhookSignatureError`.
 */
export function verifyStripeWebhook(
  rawBody: RawBody,
  signatureHeader: string | readonly string[] | null | undefined,
  secret: string,
  toleranceSeconds = 300,
  now: Date = new Date(),
): Stripe.Event {
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds <= 0) {
    // Stripe's SDK reads 0 as "skip the check"; here a window must be given.
    throw new RangeError("verifyStripeWebhook: toleranceSeconds must be a positive number");
  }
  if (typeof secret !== "string" || secret === "") {
    throw new WebhookSignatureError("missing_secret", "No webhook signing secret is configured");
  }
  if (typeof signatureHeader !== "string" || signatureHeader === "") {
    throw new WebhookSignatureError("missing_header", "No Stripe-Signature header");
  }
  if (!isRawBody(rawBody)) {
    throw new WebhookSignatureError("invalid_payload", "The raw request body is required");
  }
  const parsed = parseStripeSignatureHeader(signatureHeader);
  if (!parsed) {
    throw new WebhookSignatureError("malformed_header", "Stripe-Signature has no single t= and no v1=");
  }
  const expected = stripeMac(secret, parsed.timestamp, rawBody);
  // Compare against every candidate, without stopping early, so timing says nothing about which.
  let matched = false;
  for (const candidate of parsed.signatures) {
    matched = hexMatches(candidate, expected) || matched;
  }
  if (!matched) {
    throw new WebhookSignatureError("signature_mismatch", "No v1 signature matches this body");
  }
  const age = Math.floor(now.getTime() / 1000) - parsed.timestamp;
  if (Math.abs(age) > toleranceSeconds) {
    throw new WebhookSignatureError(
      "timestamp_out_of_tolerance",
      `Signed ${age} s from now; the tolerance is ${toleranceSeconds} s`,
    );
  }
  return parseStripeEvent(rawBody);
}

interface StripeSignatureHeader {
  timestamp: number;
  signatures: string[];
}

/** `t=...,v1=...[,v1=...][,v0=...]`; other schemes are ignored, as Stripe asks. */
export function parseStripeSignatureHeader(header: string): StripeSignatureHeader | undefined {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const item of header.split(",")) {
    const eq = item.indexOf("=");
    if (eq < 0) {
      continue;
    }
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (key === "t") {
      if (timestamp !== undefined || !/^\d{1,12}$/.test(value)) {
        return undefined;
      }
      timestamp = Number(value);
    } else if (key === "v1") {
      signatures.push(value);
    }
  }
  if (timestamp === undefined || signatures.length === 0) {
    return undefined;
  }
  return { timestamp, signatures };
}

function parseStripeEvent(rawBody: RawBody): Stripe.Event {
  const text = typeof rawBody === "string" ? rawBody : Buffer.from(rawBody).toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new WebhookSignatureError("invalid_payload", "The signed body is not JSON");
  }
  if (
    typeof value !== "object" ||
    value === null ||
    !("object" in value) ||
    value.object !== "event" ||
    !("id" in value) ||
    typeof value.id !== "string" ||
    !("type" in value) ||
    typeof value.type !== "string"
  ) {
    throw new WebhookSignatureError("invalid_payload", "The signed body is not a Stripe event");
  }
  // Shape checked above as far as routing needs; the rest is Stripe's, and it was signed.
  return value as Stripe.Event;
}
