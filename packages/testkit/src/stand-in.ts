import {
  type DeliveryResult,
  type FakeHttpOptions,
  type Faults,
  headerValue,
  postWebhook,
  type RecordedRequest,
  type Reply,
  startFakeHttpServer,
  webhookQueue,
} from "./fake-http.ts";

/**
 * The machinery every provider stand-in (fake-razorpay.ts, fake-stripe.ts) shares around its own
 * logic: the HTTP server with its request log and injected faults, automatic webhooks for the events
 * a test subscribed to, delivered in order, and the routing of a request to its endpoint.
 */

/** What a test holds of any stand-in, whatever the provider. */
export interface StandIn<Webhook extends { body: string; headers: Record<string, string> }> extends Faults {
  /** Base URL for the SDK seam (the SDK factory's `baseUrl`). */
  url: string;
  requests: RecordedRequest[];
  /** POSTs a webhook; delivering the same one twice is a redelivery (same event id). */
  deliver(url: string, webhook: Webhook): Promise<DeliveryResult>;
  /** Where automatic webhooks go from now on (undefined: nowhere). */
  setWebhookUrl(url: string | undefined): void;
  /** Waits for automatic deliveries queued so far; returns every one made. */
  webhooksSettled(): Promise<DeliveryResult[]>;
  /** Waits for queued webhooks, then stops the server. */
  close(): Promise<void>;
}

export interface StandInOptions<Event extends string> extends FakeHttpOptions {
  /** The Authorization header values the provider accepts; any other gets `unauthorized`'s answer. */
  authorizations: string[];
  unauthorized(request: RecordedRequest): Reply;
  /** When set, subscribed events are POSTed here as they happen. */
  webhookUrl?: string;
  /** Which events automatic delivery sends. */
  webhookEvents: Iterable<Event>;
}

export async function startStandIn<
  Event extends string,
  Webhook extends { body: string; headers: Record<string, string> },
>(
  options: StandInOptions<Event>,
): Promise<{
  standIn: StandIn<Webhook>;
  /** Queues `build()` for automatic delivery when `event` is subscribed and a webhook URL is set. */
  emit(event: Event, build: () => Webhook): void;
}> {
  const subscribed = new Set(options.webhookEvents);
  let webhookUrl = options.webhookUrl;
  const queue = webhookQueue();
  const server = await startFakeHttpServer({
    ...options,
    handle: (req) =>
      options.authorizations.includes(headerValue(req.headers, "authorization") ?? "")
        ? options.handle(req)
        : options.unauthorized(req),
  });
  return {
    emit(event, build) {
      if (webhookUrl !== undefined && subscribed.has(event)) {
        // Built now: a webhook carries the entity as it was when the event happened.
        queue.enqueue(webhookUrl, build());
      }
    },
    standIn: {
      url: server.url,
      requests: server.requests,
      failNext: server.failNext,
      hangNext: server.hangNext,
      loseAnswerNext: server.loseAnswerNext,
      clearFaults: server.clearFaults,
      deliver: (url, webhook) => postWebhook(url, webhook),
      setWebhookUrl(url) {
        webhookUrl = url;
      },
      webhooksSettled: () => queue.settled(),
      async close() {
        await queue.settled();
        await server.close();
      },
    },
  };
}

/** An endpoint: its method, its path pattern, and what runs it with the pattern's decoded captures. */
export type Route<Args extends unknown[]> = [
  method: string,
  pattern: RegExp,
  run: (captures: string[], ...args: Args) => unknown,
];

/** The route a request is for, with its captures decoded; undefined when no endpoint matches. */
export function routeOf<Args extends unknown[]>(
  routes: Route<Args>[],
  req: RecordedRequest,
): { run: Route<Args>[2]; captures: string[] } | undefined {
  for (const [method, pattern, run] of routes) {
    const match = pattern.exec(req.path);
    if (match && method === req.method) {
      return { run, captures: match.slice(1).map(decodeURIComponent) };
    }
  }
  return undefined;
}
