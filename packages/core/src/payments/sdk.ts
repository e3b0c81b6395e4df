import Razorpay from "razorpay";
import Stripe from "stripe";

/**
 * The official provider SDKs, built in one place so that every client has a request timeout, bounded
 * retries, and (in tests) a base URL pointing at a local stand-in instead of the real API.
 */

/** Long enough for a slow provider, short enough that a booking request fails instead of hanging. */
export const PAYMENT_SDK_TIMEOUT_MS = 10_000;

export interface RazorpaySdkOptions {
  keyId: string;
  keySecret: string;
  /** Where requests go instead of https://api.razorpay.com (e.g. a test stand-in). */
  baseUrl?: string;
  timeoutMs?: number;
}

/**
 * What the axios instance inside the Razorpay SDK looks like, as far as this seam uses it. The SDK
 * does not type it (its `api` is declared without `rq`), so it is checked at run time below.
 */
interface AxiosLike {
  defaults: { baseURL?: string; timeout?: number };
  interceptors: { response: { use(onFulfilled: undefined, onRejected: (err: unknown) => unknown): number } };
}

function isAxiosLike(value: unknown): value is AxiosLike {
  if (typeof value !== "function" && (typeof value !== "object" || value === null)) {
    return false;
  }
  const v = value as { defaults?: unknown; interceptors?: { response?: { use?: unknown } } };
  return typeof v.defaults === "object" && typeof v.interceptors?.response?.use === "function";
}

/**
 * razorpay 2.9 hard-codes `hostUrl: 'https://api.razorpay.com'` in its constructor and has no option to
 * change it. The seam is the axios instance it creates from that (`instance.api.rq`, built by
 * `axios.create({ baseURL, auth, headers })` in dist/api.js): every resource call goes through it with
 * a path relative to `baseURL`, so setting `defaults.baseURL` redirects all of them and keeps the
 * SDK's own auth, headers and error handling. An HTTP-level interceptor (nock, a global dispatcher)
 * would be process-wide; this is per client. If a new SDK version moves the instance, this throws at
 * construction instead of silently calling the real API from a test.
 *
 * axios has no timeout by default (a hung connection hangs the booking forever) and never retries,
 * so this sets the timeout and adds no retries: creating an order or a refund twice is not safe.
 */
export function createRazorpaySdk(options: RazorpaySdkOptions): Razorpay {
  const sdk = new Razorpay({ key_id: options.keyId, key_secret: options.keySecret });
  const rq: unknown = (sdk.api as unknown as { rq?: unknown }).rq;
  if (!isAxiosLike(rq)) {
    throw new Error("razorpay SDK internals changed: no axios instance at .api.rq; update payments/sdk.ts");
  }
  if (options.baseUrl !== undefined) {
    rq.defaults.baseURL = new URL(options.baseUrl).toString().replace(/\/$/, "");
  }
  rq.defaults.timeout = options.timeoutMs ?? PAYMENT_SDK_TIMEOUT_MS;
  rq.interceptors.response.use(undefined, normalizeTransportError);
  return sdk;
}

/** What the Razorpay SDK rejects with (its `normalizeError` builds `{ statusCode, error }`). */
export interface RazorpayApiError {
  /** The HTTP status, or 0 when no response came (timeout, refused or reset connection). */
  statusCode: number;
  error: {
    code: string;
    description: string;
    source?: string;
    step?: string;
    reason?: string;
    field?: string;
    metadata?: Record<string, unknown>;
  };
}

/** `error.code` when Razorpay never answered: the outcome of a POST is then unknown. */
export const RAZORPAY_NETWORK_ERROR = "NETWORK_ERROR";

export function isRazorpayApiError(err: unknown): err is RazorpayApiError {
  if (typeof err !== "object" || err === null) {
    return false;
  }
  const e = err as { statusCode?: unknown; error?: { code?: unknown } | null };
  return typeof e.statusCode === "number" && typeof e.error?.code === "string";
}

/**
 * The SDK's `normalizeError` reads `err.response.status` and `err.response.data.error`; on a timeout or
 * a refused connection there is no response and it throws a bare TypeError ("Cannot read properties of
 * undefined"), losing the cause. Giving such errors a synthetic response keeps every SDK rejection in
 * the one `{ statusCode, error: { code, description } }` shape, with status 0 meaning "no answer".
 * A response that is not Razorpay's JSON (a proxy's HTML 502) gets an error object the same way.
 */
function normalizeTransportError(err: unknown): Promise<never> {
  if (typeof err === "object" && err !== null) {
    const e = err as {
      message?: unknown;
      code?: unknown;
      response?: { status?: unknown; data?: unknown };
    };
    const message = typeof e.message === "string" ? e.message : "request failed";
    if (e.response === undefined) {
      e.response = {
        status: 0,
        data: {
          error: {
            code: RAZORPAY_NETWORK_ERROR,
            description: `Razorpay did not answer: ${message}`,
            reason: typeof e.code === "string" ? e.code : "unknown",
          },
        },
      };
    } else if (!hasErrorObject(e.response.data)) {
      e.response.data = {
        error: {
          code: "UNEXPECTED_RESPONSE",
          description: `HTTP ${String(e.response.status)} without a Razorpay error body`,
        },
      };
    }
  }
  return Promise.reject(err);
}

function hasErrorObject(data: unknown): boolean {
  return (
    typeof data === "object" &&
    data !== null &&
    "error" in data &&
    typeof data.error === "object" &&
    data.error !== null
  );
}

export interface StripeSdkOptions {
  secretKey: string;
  /** Where requests go instead of https://api.stripe.com, e.g. `http://127.0.0.1:4242`. */
  baseUrl?: string;
  timeoutMs?: number;
  /**
   * Retries after a connection error, a 409 or a 5xx. Safe for POSTs because the SDK gives every POST
   * an Idempotency-Key and reuses it on retry. Default 1 (the SDK's is 2), with its own backoff.
   */
  maxNetworkRetries?: number;
}

/**
 * stripe's constructor takes `host`, `port` and `protocol`, which is the documented way to point it at
 * a mock server (stripe-mock); `baseUrl` is split into those. Its base path `/v1/` is fixed, so a
 * base URL with a path is refused rather than ignored.
 */
export function createStripeSdk(options: StripeSdkOptions): Stripe {
  const config: Stripe.StripeConfig = {
    timeout: options.timeoutMs ?? PAYMENT_SDK_TIMEOUT_MS,
    maxNetworkRetries: options.maxNetworkRetries ?? 1,
  };
  if (options.baseUrl !== undefined) {
    const url = new URL(options.baseUrl);
    if (url.pathname !== "/" || url.search !== "") {
      throw new Error(`createStripeSdk: baseUrl must be an origin, got ${options.baseUrl}`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new Error(`createStripeSdk: baseUrl must be http or https, got ${options.baseUrl}`);
    }
    const protocol = url.protocol === "http:" ? "http" : "https";
    config.protocol = protocol;
    // URL keeps IPv6 brackets in `hostname`; node's http.request wants the bare address.
    config.host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    config.port = url.port === "" ? (protocol === "http" ? 80 : 443) : Number(url.port);
  }
  return new Stripe(options.secretKey, config);
}
