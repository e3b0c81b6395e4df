import type { Availability, Booking, ErrorBody, Hold, PaymentOrder } from "@boxoffice/contracts";
import { type Answer, type LoadClient, type RequestOptions, sleep } from "@boxoffice/testkit";
import type { ProofUser } from "./setup.ts";

export interface SignedWebhook {
  body: string;
  headers: Record<string, string>;
}

/** What the dev provider's Pay button answers with `deliver: false`: Checkout's fields and the webhook. */
export interface DevPaid {
  orderId: string;
  paymentId: string;
  signature: string;
  webhook: SignedWebhook;
}

type Maybe<T> = T & Partial<ErrorBody>;

export const errorCode = (answer: Answer<unknown>): string | undefined =>
  (answer.body as Partial<ErrorBody> | undefined)?.error?.code;

/**
 * One user's side of the booking flow over REST, as a browser or app would call it. Each call goes to
 * the API the load balancer picks (round-robin), or to `api` when given.
 */
export class Customer {
  constructor(
    readonly http: LoadClient,
    readonly user: ProofUser,
    /** An address of the user's own, sent as X-Forwarded-For (APIs started with TRUST_PROXY only). */
    private readonly address?: string,
  ) {}

  /** One call as this user, to the API the balancer picks or to `api`. */
  private send<T>(
    request: Pick<RequestOptions, "op" | "method" | "path" | "body">,
    options: { api?: number | undefined; headers?: Record<string, string>; anonymous?: boolean } = {},
  ): Promise<Answer<Maybe<T>>> {
    return this.http.request({
      ...request,
      ...(options.anonymous ? {} : { token: this.user.token }),
      headers: this.address
        ? { "x-forwarded-for": this.address, ...options.headers }
        : { ...options.headers },
      ...(options.api === undefined ? {} : { api: options.api }),
    });
  }

  availability(showtimeId: string, api?: number) {
    const path = `/api/seats/availability?showtimeId=${showtimeId}`;
    return this.send<Availability>({ op: "availability", method: "GET", path }, { api });
  }

  hold(
    showtimeId: string,
    seats: string[] | number,
    options: { idempotencyKey?: string; api?: number } = {},
  ) {
    const body = typeof seats === "number" ? { showtimeId, count: seats } : { showtimeId, seatIds: seats };
    const headers: Record<string, string> = options.idempotencyKey
      ? { "idempotency-key": options.idempotencyKey }
      : {};
    return this.send<Hold>(
      { op: "hold", method: "POST", path: "/api/seats/hold", body },
      { api: options.api, headers },
    );
  }

  refresh(holdId: string) {
    return this.send<Hold>({ op: "refresh", method: "PATCH", path: `/api/seats/hold/${holdId}/refresh` });
  }

  release(holdId: string) {
    const path = `/api/seats/hold/${holdId}`;
    return this.send<{ ok: boolean; released: boolean }>({ op: "release", method: "DELETE", path });
  }

  createOrder(holdId: string, api?: number) {
    const request = {
      op: "create-order",
      method: "POST",
      path: "/api/payments/create-order",
      body: { holdId },
    } as const;
    return this.send<PaymentOrder>(request, { api });
  }

  /** Presses the dev provider's Pay button and takes the signed webhook home instead of having it sent. */
  pay(orderId: string, options: { amount?: number; api?: number } = {}) {
    const body = { deliver: false, ...(options.amount === undefined ? {} : { amount: options.amount }) };
    const path = `/api/payments/dev/pay/${orderId}`;
    return this.send<DevPaid>(
      { op: "pay", method: "POST", path, body },
      { api: options.api, anonymous: true },
    );
  }

  confirm(paid: Pick<DevPaid, "orderId" | "paymentId" | "signature">, api?: number) {
    const body = { orderId: paid.orderId, paymentId: paid.paymentId, signature: paid.signature };
    return this.send<Booking>(
      { op: "confirm", method: "POST", path: "/api/bookings/confirm", body },
      { api },
    );
  }
}

/**
 * Retries `attempt` while it gets no answer or a 5xx (what a client, and a provider delivering a webhook,
 * do when a server is restarting or a dependency is away), with backoff, until `deadline`.
 */
export async function persist<T>(
  attempt: (tries: number) => Promise<Answer<T>>,
  deadline: number,
  signal?: AbortSignal,
): Promise<Answer<T>> {
  let tries = 0;
  for (;;) {
    const answer = await attempt(tries);
    tries += 1;
    const retriable = answer.status === 0 || answer.status >= 500;
    if (!retriable || Date.now() >= deadline || signal?.aborted) {
      return answer;
    }
    await sleep(Math.min(2_000, 100 * 2 ** Math.min(tries, 5)));
  }
}

/**
 * The payment provider's webhook sender: each delivery is POSTed to an API (the provider knows only the
 * public URL; the load balancer picks the process) and retried until the API accepts or refuses it, as
 * Razorpay retries for a day. `drain` waits until every delivery has its answer.
 */
export class WebhookCourier {
  readonly outcomes = new Map<string, number>();
  readonly statuses = new Map<number, number>();
  private readonly pending = new Set<Promise<unknown>>();
  deliveries = 0;
  /** Deliveries still unanswered (no answer or 5xx) when their deadline passed. */
  gaveUp = 0;

  constructor(
    private readonly http: LoadClient,
    private readonly path = "/api/payments/webhook/dev",
  ) {}

  /** Sends `webhook` after `delayMs`, retrying until an answer or `deadline`; resolves with the answer. */
  deliver(webhook: SignedWebhook, options: { delayMs?: number; deadline: number }): Promise<Answer<unknown>> {
    this.deliveries += 1;
    const sending = (async () => {
      if (options.delayMs) {
        await sleep(options.delayMs);
      }
      const answer = await persist(
        () =>
          this.http.request({
            op: "webhook",
            method: "POST",
            path: this.path,
            raw: webhook.body,
            headers: webhook.headers,
          }),
        options.deadline,
      );
      this.statuses.set(answer.status, (this.statuses.get(answer.status) ?? 0) + 1);
      if (answer.status === 0 || answer.status >= 500) {
        this.gaveUp += 1;
      }
      const outcome = (answer.body as { outcome?: string } | undefined)?.outcome;
      if (outcome) {
        this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
      }
      return answer;
    })();
    this.pending.add(sending);
    void sending.finally(() => this.pending.delete(sending));
    return sending;
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) {
      await Promise.allSettled([...this.pending]);
    }
  }
}
