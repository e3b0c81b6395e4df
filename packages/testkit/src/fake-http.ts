import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * What the provider stand-ins share: a node:http server on 127.0.0.1 and an ephemeral port, a log of
 * every request, injected outages, and webhook delivery. The provider logic lives in fake-razorpay.ts
 * and fake-stripe.ts.
 */

export interface RecordedRequest {
  method: string;
  /** The path without its query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The raw body as received. */
  body: string;
  /** The status answered; undefined while hanging or if the client gave up first. */
  status?: number;
  /** Set when an injected fault answered instead of the fake. */
  fault?: "error" | "hang" | "lost";
}

export interface Reply {
  status: number;
  /** Serialised as JSON unless already a string. */
  body: unknown;
  headers?: Record<string, string>;
}

export type PathMatcher = string | RegExp;

export interface FaultOptions {
  /** How many matching requests the fault takes (default 1). */
  times?: number;
  /** Only requests with this method (default any). */
  method?: string;
}

export interface FailOptions extends FaultOptions {
  /** 5xx status to answer (default 500). */
  status?: number;
  /**
   * The provider's error text in the answer (its usual words by default): a test gives a distinctive one
   * to follow where provider text goes (the log, never a client's response).
   */
  message?: string;
}

export interface Faults {
  /** The next `times` requests matching `path` get a 5xx in the provider's error shape. */
  failNext(path: PathMatcher, options?: FailOptions): void;
  /** The next `times` requests matching `path` never get an answer (until the client times out). */
  hangNext(path: PathMatcher, options?: FaultOptions): void;
  /**
   * The next `times` requests matching `path` are carried out, but the answer is lost on the way back:
   * the client sees a 5xx (a proxy timing out after the provider acted). Its outcome is unknown to it.
   */
  loseAnswerNext(path: PathMatcher, options?: FailOptions): void;
  /** Forgets pending faults. */
  clearFaults(): void;
}

export interface FakeHttpServer extends Faults {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

interface Fault {
  kind: "error" | "hang" | "lost";
  path: PathMatcher;
  method?: string;
  status: number;
  message?: string;
  remaining: number;
}

export interface FakeHttpOptions {
  handle(request: RecordedRequest): Reply;
  /** The provider's own 5xx body for an injected failure, with `message` as its text when given. */
  faultReply(status: number, message?: string): Reply;
  /** How reply bodies are serialised (Stripe pretty-prints, Razorpay does not). */
  indent?: number;
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function startFakeHttpServer(options: FakeHttpOptions): Promise<FakeHttpServer> {
  const requests: RecordedRequest[] = [];
  let faults: Fault[] = [];

  const takeFault = (req: RecordedRequest): Fault | undefined => {
    const fault = faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.method === undefined || f.method.toUpperCase() === req.method) &&
        (typeof f.path === "string" ? f.path === req.path : f.path.test(req.path)),
    );
    if (fault) {
      fault.remaining -= 1;
      faults = faults.filter((f) => f.remaining > 0);
    }
    return fault;
  };

  const send = (res: ServerResponse, recorded: RecordedRequest, reply: Reply) => {
    const text =
      typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body, null, options.indent);
    recorded.status = reply.status;
    res.writeHead(reply.status, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(text),
      ...reply.headers,
    });
    res.end(text);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
      }
    });
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake.invalid");
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      if (size > MAX_BODY_BYTES) {
        send(res, recorded, { status: 413, body: { error: { message: "request body too large" } } });
        return;
      }
      // Faults stand for the network or a load balancer in front of the API: they come before
      // authentication and are never stored as an idempotent result.
      const fault = takeFault(recorded);
      if (fault?.kind === "hang") {
        recorded.fault = "hang";
        return;
      }
      if (fault?.kind === "error") {
        recorded.fault = "error";
        send(res, recorded, options.faultReply(fault.status, fault.message));
        return;
      }
      let reply: Reply;
      try {
        reply = options.handle(recorded);
      } catch (err) {
        // A bug in the fake itself: answer loudly rather than hang the test.
        reply = { status: 599, body: { error: { message: `fake crashed: ${String(err)}` } } };
      }
      if (fault?.kind === "lost") {
        recorded.fault = "lost";
        send(res, recorded, options.faultReply(fault.status, fault.message));
        return;
      }
      send(res, recorded, reply);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const addFault = (kind: Fault["kind"], path: PathMatcher, o: FailOptions = {}) => {
    const times = o.times ?? 1;
    const status = o.status ?? 500;
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError("times must be a positive integer");
    }
    if (kind !== "hang" && (status < 500 || status > 599)) {
      throw new RangeError("an injected failure is a 5xx");
    }
    faults.push({ kind, path, method: o.method, status, message: o.message, remaining: times });
  };

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (path, o) => addFault("error", path, o),
    hangNext: (path, o) => addFault("hang", path, o),
    loseAnswerNext: (path, o) => addFault("lost", path, o),
    clearFaults: () => {
      faults = [];
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // SDK clients keep connections alive, and hung requests never end by themselves.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Webhooks
// ---------------------------------------------------------------------------------------------

/** A webhook request as the provider would send it: the exact body bytes and the headers. */
export interface WebhookRequest<Event> {
  /** The parsed body, for assertions. */
  event: Event;
  /** The raw body: what is signed, and what must reach the handler unchanged. */
  body: string;
  headers: Record<string, string>;
}

export interface DeliveryResult {
  url: string;
  /** Undefined when no answer came (connection refused, timeout). */
  status?: number;
  responseBody?: string;
  error?: string;
}

/** POSTs a webhook to `url` like the provider does; resolves with the answer, never rejects. */
export async function postWebhook(
  url: string,
  webhook: { body: string; headers: Record<string, string> },
  timeoutMs = 5_000,
): Promise<DeliveryResult> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: webhook.headers,
      body: webhook.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { url, status: res.status, responseBody: await res.text() };
  } catch (err) {
    return { url, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Sends automatic webhooks one after another, in the background, and lets a test wait for them.
 * Providers deliver asynchronously; keeping them in order here makes tests deterministic.
 */
export function webhookQueue() {
  let tail: Promise<void> = Promise.resolve();
  const delivered: DeliveryResult[] = [];
  return {
    delivered,
    enqueue(url: string, webhook: { body: string; headers: Record<string, string> }) {
      tail = tail.then(async () => {
        delivered.push(await postWebhook(url, webhook));
      });
    },
    /** Resolves once every webhook queued so far has been answered (or failed). */
    async settled(): Promise<DeliveryResult[]> {
      await tail;
      return delivered;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Ids and time
// ---------------------------------------------------------------------------------------------

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Random base62 characters, as the providers' ids use (`order_` + 14, `pi_` + 24...). */
export function randomBase62(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) {
    out += BASE62[byte % 62];
  }
  return out;
}

export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** A header's single value (node gives string[] for repeated ones). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
