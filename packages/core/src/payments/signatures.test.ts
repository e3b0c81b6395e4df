import {
  validateWebhookSignature as razorpayValidateWebhook,
  validatePaymentVerification,
} from "razorpay/dist/utils/razorpay-utils";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  razorpayCheckoutSignature,
  razorpayWebhookSignature,
  stripeWebhookSignatureHeader,
  verifyRazorpayCheckoutSignature,
  verifyRazorpayWebhookSignature,
  verifyStripeWebhook,
  WebhookSignatureError,
  type WebhookSignatureFailure,
} from "./signatures.ts";

// Known answers computed outside Node with `openssl dgst -sha256 -hmac <key>`.
const KEY_SECRET = "rzp_test_secret";
const ORDER = "order_DaZlswtdcn9UNV";
const PAYMENT = "pay_DESp9bgForNoUd";
const CHECKOUT_SIGNATURE = "b240a6308725a695d24d6c71ab6fa87301b0b8195e357715267b0290f2a7f8ee";

const STRIPE_SECRET = "whsec_test";
const STRIPE_T = 1_700_000_000;
const STRIPE_BODY = '{"id":"evt_1","object":"event","type":"payment_intent.succeeded"}';
const STRIPE_V1 = "b5d16909735dfcdc338e1f1e170cbb5d2ea57494fe5f638399aebcce132ec538";
const atStripeT = (offsetSeconds = 0) => new Date((STRIPE_T + offsetSeconds) * 1000);

/** Malformed variants of a genuine hex signature that must all be refused without throwing. */
function malformed(genuine: string): Record<string, unknown> {
  return {
    empty: "",
    undefined: undefined,
    null: null,
    truncated: genuine.slice(0, 63),
    "half length": genuine.slice(0, 32),
    "one hex digit too many": `${genuine}0`,
    "two hex digits too many": `${genuine}00`,
    "non-hex of the right length": `${genuine.slice(0, 62)}zz`,
    "valid prefix then junk": `${genuine.slice(0, 32)}${"x".repeat(32)}`,
    "base64 of the MAC": Buffer.from(genuine, "hex").toString("base64"),
    "with spaces": ` ${genuine} `,
    "all zeros": "0".repeat(64),
    "a number": 12345,
    "an array": [genuine],
    "an object": { signature: genuine },
  };
}

function flipLastHexDigit(hex: string): string {
  return `${hex.slice(0, -1)}${hex.endsWith("0") ? "1" : "0"}`;
}

describe("Razorpay Checkout signature", () => {
  it("is the hex HMAC-SHA256 of order|payment with the key secret", () => {
    expect(razorpayCheckoutSignature(ORDER, PAYMENT, KEY_SECRET)).toBe(CHECKOUT_SIGNATURE);
    expect(
      validatePaymentVerification({ order_id: ORDER, payment_id: PAYMENT }, CHECKOUT_SIGNATURE, KEY_SECRET),
    ).toBe(true);
  });

  it("accepts the genuine signature, in either hex case", () => {
    expect(verifyRazorpayCheckoutSignature(ORDER, PAYMENT, CHECKOUT_SIGNATURE, KEY_SECRET)).toBe(true);
    expect(
      verifyRazorpayCheckoutSignature(ORDER, PAYMENT, CHECKOUT_SIGNATURE.toUpperCase(), KEY_SECRET),
    ).toBe(true);
  });

  it("refuses a signature forged for another payment, order, secret or with one digit changed", () => {
    expect(verifyRazorpayCheckoutSignature(ORDER, "pay_DESp9bgForNoUe", CHECKOUT_SIGNATURE, KEY_SECRET)).toBe(
      false,
    );
    expect(
      verifyRazorpayCheckoutSignature("order_Other000000000", PAYMENT, CHECKOUT_SIGNATURE, KEY_SECRET),
    ).toBe(false);
    expect(verifyRazorpayCheckoutSignature(PAYMENT, ORDER, CHECKOUT_SIGNATURE, KEY_SECRET)).toBe(false);
    expect(verifyRazorpayCheckoutSignature(ORDER, PAYMENT, CHECKOUT_SIGNATURE, "another_secret")).toBe(false);
    expect(
      verifyRazorpayCheckoutSignature(ORDER, PAYMENT, flipLastHexDigit(CHECKOUT_SIGNATURE), KEY_SECRET),
    ).toBe(false);
    const forged = razorpayCheckoutSignature(ORDER, PAYMENT, "attacker_guess");
    expect(verifyRazorpayCheckoutSignature(ORDER, PAYMENT, forged, KEY_SECRET)).toBe(false);
  });

  it.each(Object.entries(malformed(CHECKOUT_SIGNATURE)))(
    "refuses a malformed signature (%s) without throwing",
    (_, sig) => {
      expect(verifyRazorpayCheckoutSignature(ORDER, PAYMENT, sig as string, KEY_SECRET)).toBe(false);
    },
  );

  it("refuses when the secret or an id is missing or ambiguous, without throwing", () => {
    expect(verifyRazorpayCheckoutSignature(ORDER, PAYMENT, CHECKOUT_SIGNATURE, "")).toBe(false);
    expect(verifyRazorpayCheckoutSignature("", PAYMENT, CHECKOUT_SIGNATURE, KEY_SECRET)).toBe(false);
    expect(verifyRazorpayCheckoutSignature(ORDER, "", CHECKOUT_SIGNATURE, KEY_SECRET)).toBe(false);
    expect(verifyRazorpayCheckoutSignature(undefined as unknown as string, PAYMENT, "x", KEY_SECRET)).toBe(
      false,
    );
    // "order_A|pay_B" + "" and "order_A" + "pay_B" would sign the same text.
    const sig = razorpayCheckoutSignature("order_A|pay_B", "x", KEY_SECRET);
    expect(verifyRazorpayCheckoutSignature("order_A|pay_B", "x", sig, KEY_SECRET)).toBe(false);
  });

  it("refuses to produce a signature with an empty secret", () => {
    expect(() => razorpayCheckoutSignature(ORDER, PAYMENT, "")).toThrow(TypeError);
  });
});

describe("Razorpay webhook signature", () => {
  const secret = "whsec_razorpay_test";
  const body =
    '{"entity":"event","event":"payment.captured","payload":{"payment":{"entity":{"id":"pay_1"}}}}';
  const signature = razorpayWebhookSignature(body, secret);

  it("is the hex HMAC-SHA256 of the raw body, as the SDK computes it", () => {
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(razorpayValidateWebhook(body, signature, secret)).toBe(true);
  });

  it("accepts the raw body as a string or as the bytes received", () => {
    expect(verifyRazorpayWebhookSignature(body, signature, secret)).toBe(true);
    expect(verifyRazorpayWebhookSignature(Buffer.from(body), signature, secret)).toBe(true);
    expect(verifyRazorpayWebhookSignature(new TextEncoder().encode(body), signature, secret)).toBe(true);
  });

  it("refuses a body changed by one byte or re-serialised with other spacing", () => {
    expect(verifyRazorpayWebhookSignature(`${body} `, signature, secret)).toBe(false);
    expect(verifyRazorpayWebhookSignature(body.replace("pay_1", "pay_2"), signature, secret)).toBe(false);
    expect(verifyRazorpayWebhookSignature(JSON.stringify(JSON.parse(body), null, 2), signature, secret)).toBe(
      false,
    );
  });

  it("refuses a forged signature or a wrong secret", () => {
    expect(verifyRazorpayWebhookSignature(body, razorpayWebhookSignature(body, "guess"), secret)).toBe(false);
    expect(verifyRazorpayWebhookSignature(body, signature, "other")).toBe(false);
    expect(verifyRazorpayWebhookSignature(body, flipLastHexDigit(signature), secret)).toBe(false);
  });

  it.each(Object.entries(malformed(signature)))(
    "refuses a malformed header (%s) without throwing",
    (_, sig) => {
      expect(verifyRazorpayWebhookSignature(body, sig as string, secret)).toBe(false);
    },
  );

  it("refuses, without throwing, when the secret is empty or the body is not raw", () => {
    expect(verifyRazorpayWebhookSignature(body, signature, "")).toBe(false);
    expect(verifyRazorpayWebhookSignature(JSON.parse(body) as string, signature, secret)).toBe(false);
    expect(verifyRazorpayWebhookSignature(undefined as unknown as string, signature, secret)).toBe(false);
  });
});

describe("Stripe webhook signature", () => {
  function failure(run: () => unknown): WebhookSignatureFailure | "no error" {
    try {
      run();
    } catch (err) {
      expect(err).toBeInstanceOf(WebhookSignatureError);
      return (err as WebhookSignatureError).reason;
    }
    return "no error";
  }
  const header = `t=${STRIPE_T},v1=${STRIPE_V1}`;

  it("produces the header Stripe sends: t=<unix>,v1=<hex HMAC of '<t>.<body>'>", () => {
    expect(stripeWebhookSignatureHeader(STRIPE_BODY, STRIPE_SECRET, STRIPE_T)).toBe(header);
    expect(
      Stripe.webhooks.generateTestHeaderString({
        payload: STRIPE_BODY,
        secret: STRIPE_SECRET,
        timestamp: STRIPE_T,
      }),
    ).toBe(header);
  });

  it("returns the event for a genuine delivery, and the SDK agrees", () => {
    const event = verifyStripeWebhook(STRIPE_BODY, header, STRIPE_SECRET, 300, atStripeT(10));
    expect(event).toMatchObject({ id: "evt_1", object: "event", type: "payment_intent.succeeded" });
    expect(verifyStripeWebhook(Buffer.from(STRIPE_BODY), header, STRIPE_SECRET, 300, atStripeT()).id).toBe(
      "evt_1",
    );
    const bySdk = Stripe.webhooks.constructEvent(
      STRIPE_BODY,
      header,
      STRIPE_SECRET,
      300,
      undefined,
      atStripeT(10).getTime(),
    );
    expect(bySdk.id).toBe("evt_1");
  });

  it("accepts a header with several v1 entries when one matches (secret being rolled)", () => {
    const other = stripeWebhookSignatureHeader(STRIPE_BODY, "whsec_old", STRIPE_T).split(",v1=")[1];
    const rolled = `t=${STRIPE_T},v1=${other},v1=${STRIPE_V1},v0=${"0".repeat(64)}`;
    expect(verifyStripeWebhook(STRIPE_BODY, rolled, STRIPE_SECRET, 300, atStripeT()).id).toBe("evt_1");
  });

  it("refuses forged, tampered, truncated, non-hex and wrong-length signatures", () => {
    const at = atStripeT();
    const verify =
      (h: string, body = STRIPE_BODY, secret = STRIPE_SECRET) =>
      () =>
        verifyStripeWebhook(body, h, secret, 300, at);
    expect(failure(verify(header, STRIPE_BODY, "whsec_other"))).toBe("signature_mismatch");
    expect(failure(verify(header, STRIPE_BODY.replace("evt_1", "evt_2")))).toBe("signature_mismatch");
    expect(failure(verify(`t=${STRIPE_T + 1},v1=${STRIPE_V1}`))).toBe("signature_mismatch");
    expect(failure(verify(`t=${STRIPE_T},v1=${flipLastHexDigit(STRIPE_V1)}`))).toBe("signature_mismatch");
    expect(failure(verify(`t=${STRIPE_T},v1=${STRIPE_V1.slice(0, 63)}`))).toBe("signature_mismatch");
    expect(failure(verify(`t=${STRIPE_T},v1=${STRIPE_V1}00`))).toBe("signature_mismatch");
    expect(failure(verify(`t=${STRIPE_T},v1=${STRIPE_V1.slice(0, 62)}zz`))).toBe("signature_mismatch");
    expect(failure(verify(`t=${STRIPE_T},v1=`))).toBe("signature_mismatch");
    const forged = stripeWebhookSignatureHeader(STRIPE_BODY, "whsec_guess", STRIPE_T);
    expect(failure(verify(forged))).toBe("signature_mismatch");
  });

  it("refuses missing and malformed headers", () => {
    const verify = (h: unknown) => () =>
      verifyStripeWebhook(STRIPE_BODY, h as string, STRIPE_SECRET, 300, atStripeT());
    expect(failure(verify(undefined))).toBe("missing_header");
    expect(failure(verify(""))).toBe("missing_header");
    expect(failure(verify([header]))).toBe("missing_header");
    expect(failure(verify(`v1=${STRIPE_V1}`))).toBe("malformed_header");
    expect(failure(verify(`t=${STRIPE_T}`))).toBe("malformed_header");
    expect(failure(verify(`t=${STRIPE_T},v0=${STRIPE_V1}`))).toBe("malformed_header");
    expect(failure(verify(`t=abc,v1=${STRIPE_V1}`))).toBe("malformed_header");
    expect(failure(verify(`t=${STRIPE_T}x,v1=${STRIPE_V1}`))).toBe("malformed_header");
    expect(failure(verify(`t=${STRIPE_T},t=${STRIPE_T + 1},v1=${STRIPE_V1}`))).toBe("malformed_header");
    expect(failure(verify("garbage"))).toBe("malformed_header");
  });

  it("refuses deliveries signed outside the tolerance, in the past or the future", () => {
    const verify =
      (offset: number, tolerance = 300) =>
      () =>
        verifyStripeWebhook(STRIPE_BODY, header, STRIPE_SECRET, tolerance, atStripeT(offset));
    expect(failure(verify(300))).toBe("no error");
    expect(failure(verify(301))).toBe("timestamp_out_of_tolerance");
    expect(failure(verify(-300))).toBe("no error");
    expect(failure(verify(-301))).toBe("timestamp_out_of_tolerance");
    expect(failure(verify(11, 10))).toBe("timestamp_out_of_tolerance");
    expect(failure(verify(86_400))).toBe("timestamp_out_of_tolerance");
  });

  it("checks the signature before the clock, so a forgery learns nothing about the window", () => {
    const forged = `t=${STRIPE_T},v1=${"0".repeat(64)}`;
    expect(failure(() => verifyStripeWebhook(STRIPE_BODY, forged, STRIPE_SECRET, 300, atStripeT(9999)))).toBe(
      "signature_mismatch",
    );
  });

  it("refuses a genuinely signed body that is not a Stripe event", () => {
    for (const body of ["not json", "[]", '{"object":"charge","id":"ch_1","type":"x"}']) {
      const h = stripeWebhookSignatureHeader(body, STRIPE_SECRET, STRIPE_T);
      expect(failure(() => verifyStripeWebhook(body, h, STRIPE_SECRET, 300, atStripeT()))).toBe(
        "invalid_payload",
      );
    }
  });

  it("refuses to run without a secret or with a tolerance that would disable the check", () => {
    expect(failure(() => verifyStripeWebhook(STRIPE_BODY, header, "", 300, atStripeT()))).toBe(
      "missing_secret",
    );
    expect(() => verifyStripeWebhook(STRIPE_BODY, header, STRIPE_SECRET, 0, atStripeT())).toThrow(RangeError);
    expect(() => verifyStripeWebhook(STRIPE_BODY, header, STRIPE_SECRET, Number.NaN, atStripeT())).toThrow(
      RangeError,
    );
  });

  it("verifies with the current time by default", () => {
    const now = Math.floor(Date.now() / 1000);
    const fresh = stripeWebhookSignatureHeader(STRIPE_BODY, STRIPE_SECRET, now);
    expect(verifyStripeWebhook(STRIPE_BODY, fresh, STRIPE_SECRET).id).toBe("evt_1");
    expect(failure(() => verifyStripeWebhook(STRIPE_BODY, header, STRIPE_SECRET))).toBe(
      "timestamp_out_of_tolerance",
    );
  });
});
