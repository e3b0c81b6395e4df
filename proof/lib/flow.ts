import type { Availability, Booking, ErrorBody, Hold, PaymentOrder } from "@boxoffice/contracts";
import { type Answer, type LoadClient, sleep } from "@boxoffice/testkit";
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

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.address ? { "x-forwarded-for": this.address, ...extra } : extra;
  }

  availability(showtimeId: string, api?: number): Promise<Answer<Maybe<Availability>>> {
    return this.http.request({
      op: "availability",
      method: "GET",
      path: `/api/seats/availability?showtimeId=${showtimeId}`,
      token: this.user.token,
      headers: this.headers(),
      ...(api === undefined ? {} : { api }),
    });
  }

  hold(
    showtimeId: string,
    seats: string[] | number,
    options: { idempotencyKey?: string; api?: number } = {},
  ): Promise<Answer<Maybe<Hold>>> {
    return this.http.request({
      op: "hold",
      method: "POST",
      path: "/api/seats/hold",
      body: typeof seats === "number" ? { showtimeId, count: seats } : { showtimeId, seatIds: seats },
      token: this.user.token,
      headers: this.headers(options.idempotencyKey ? { "idempotency-key": options.idempotencyKey } : {}),
      ...(options.api === undefined ? {} : { api: options.api }),
    });
  }

  refresh(holdId: string): Promise<Answer<Maybe<Hold>>> {
    return this.http.request({
      op: "refresh",
      method: "PATCH",
      path: `/api/seats/hold/${holdId}/refresh`,
      token: this.user.token,
      headers: this.headers(),
    });
  }

  release(holdId: string): Promise<Answer<Maybe<{ ok: boolean; released: boolean }>>> {
    return this.http.request({
      op: "release",
      method: "DELETE",
      path: `/api/seats/hold/${holdId}`,
      token: this.user.token,
      headers: this.headers(),
    });
  }

  createOrder(holdId: string, api?: number): Promise<Answer<Maybe<PaymentOrder>>> {
    return this.http.request({
      op: "create-order",
      method: "POST",
      path: "/api/payments/create-order",
      body: { holdId },
      token: this.user.token,
      headers: this.headers(),
      ...(api === undefined ? {} : { api }),
    });
  }

  /** Presses the dev provider's Pay button and takes the signed webhook home instead of having it sent. */
  pay(orderId: string, options: { amount?: number; api?: number } = {}): Promise<Answer<Maybe<DevPaid>>> {
    return this.http.request({
      op: "pay",
      method: "POST",
      path: `/api/payments/dev/pay/${orderId}`,
      body: { deliver: false, ...(options.amount === undefined ? {} : { amount: options.amount }) },
      headers: this.headers(),
      ...(options.api === undefined ? {} : { api: options.api }),
    });
  }

  confirm(paid: Pick<DevPaid, "orderId" | "paymentId" | "signature">, api?: number) {
    return this.http.request<Maybe<Booking>>({
      op: "confirm",
      method: "POST",
      path: "/api/bookings/confirm",
      body: { orderId: paid.orderId, paymentId: paid.paymentId, signature: paid.signature },
      token: this.user.token,
      headers: this.headers(),
      ...(api === undefined ? {} : { api }),
    });
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
