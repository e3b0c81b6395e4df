import http from "node:http";

export interface Answer<T = unknown> {
  /** The HTTP status, or 0 when no answer came (connection refused or reset, timeout). */
  status: number;
  body: T;
  ms: number;
  /** Which API URL (index into the URL list) answered. */
  api: number;
  /** Why no answer came, when status is 0. */
  error?: string;
}

export interface RequestOptions {
  /** What the request is for, e.g. "hold": latencies are kept per op. */
  op: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  body?: unknown;
  /** A body sent exactly as given (signed webhooks). */
  raw?: string;
  token?: string;
  headers?: Record<string, string>;
  /** Index of the API to send to; round-robin when absent (the load balancer). */
  api?: number;
  timeoutMs?: number;
}

/** Nearest-rank percentile of sorted values (NaN when there are none). */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/**
 * The one HTTP client of the proof and the benchmarks: a lean keep-alive JSON client on node:http for the
 * load generator, which shares two cores with the
 * processes it attacks. Spreads requests over the API URLs like a round-robin load balancer, and counts
 * every status, every request that got no answer, and each op's latencies as the client saw them.
 */
export class LoadClient {
  readonly statuses = new Map<number, number>();
  requests = 0;
  /** Requests that got no HTTP answer at all, by reason (ECONNREFUSED, ECONNRESET, timeout, ...). */
  readonly noAnswer = new Map<string, number>();
  private readonly agents = new Map<string, http.Agent>();
  private readonly latencies = new Map<string, number[]>();
  private readonly observers = new Set<
    (answer: Answer<unknown>, options: RequestOptions, sentAt: number) => void
  >();
  private cursor = 0;

  constructor(
    private readonly urls: () => string[],
    private readonly maxSocketsPerApi = 64,
  ) {}

  get apiCount(): number {
    return this.urls().length;
  }

  async request<T = Record<string, unknown>>(options: RequestOptions): Promise<Answer<T>> {
    const urls = this.urls();
    if (urls.length === 0) {
      throw new Error("no API process is running");
    }
    const api = options.api ?? this.cursor++ % urls.length;
    const base = new URL(urls[api % urls.length] as string);
    const payload =
      options.raw !== undefined
        ? options.raw
        : options.body !== undefined
          ? JSON.stringify(options.body)
          : undefined;
    const headers: Record<string, string | number> = { accept: "application/json", ...options.headers };
    if (payload !== undefined) {
      headers["content-type"] ??= "application/json";
      headers["content-length"] = Buffer.byteLength(payload);
    }
    if (options.token) {
      headers.authorization = `Bearer ${options.token}`;
    }
    const started = performance.now();
    const sentAt = Date.now();
    this.requests += 1;
    const answer = await new Promise<Answer<T>>((resolve) => {
      const req = http.request(
        {
          host: base.hostname,
          port: Number(base.port),
          method: options.method,
          path: options.path,
          headers,
          agent: this.agent(base.origin),
          timeout: options.timeoutMs ?? 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", (err) => resolve(this.failed<T>(err, started, api)));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let body: unknown = text;
            try {
              body = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: the text is the body
            }
            resolve({ status: res.statusCode ?? 0, body: body as T, ms: performance.now() - started, api });
          });
        },
      );
      req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
      req.on("error", (err) => resolve(this.failed<T>(err, started, api)));
      req.end(payload);
    });
    if (answer.status > 0) {
      this.statuses.set(answer.status, (this.statuses.get(answer.status) ?? 0) + 1);
    }
    const list = this.latencies.get(options.op) ?? [];
    list.push(answer.ms);
    this.latencies.set(options.op, list);
    for (const observer of this.observers) {
      observer(answer, options, sentAt);
    }
    return answer;
  }

  /** A POST with a JSON body, as `op` its path: what setting up data through the API takes. */
  post<T = Record<string, unknown>>(
    path: string,
    body?: unknown,
    token?: string,
    api?: number,
  ): Promise<Answer<T>> {
    return this.request<T>({
      op: path,
      method: "POST",
      path,
      body,
      ...(token ? { token } : {}),
      ...(api === undefined ? {} : { api }),
    });
  }

  /** Calls `observer` with every answer (and when its request was sent, Date.now() ms) until unsubscribed. */
  observe(observer: (answer: Answer<unknown>, options: RequestOptions, sentAt: number) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Count, p50 and p99 (ms) of one op's requests, answered or not. */
  latency(op: string): { count: number; p50: number; p99: number } {
    const sorted = Float64Array.from(this.latencies.get(op) ?? []).sort();
    return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  }

  /** All answered requests with a status in [from, to]. */
  countStatuses(from: number, to: number): number {
    let n = 0;
    for (const [status, count] of this.statuses) {
      if (status >= from && status <= to) {
        n += count;
      }
    }
    return n;
  }

  /** Drops pooled sockets (all of them, or those to one API that is about to be killed). */
  close(): void {
    for (const agent of this.agents.values()) {
      agent.destroy();
    }
    this.agents.clear();
  }

  private agent(origin: string): http.Agent {
    let agent = this.agents.get(origin);
    if (!agent) {
      // Idle sockets are dropped after 4 s, before the server's keep-alive timeout (Node's default, 5 s)
      // closes them: Node 20's agent ignores the server's Keep-Alive hint, and a socket the server closes
      // just as a request is sent on it fails that request ("socket hang up"), which the bench saw when a
      // side sat idle while the other side's round ran. Requests set their own timeout.
      agent = new http.Agent({
        keepAlive: true,
        timeout: 4000,
        maxSockets: this.maxSocketsPerApi,
        maxFreeSockets: this.maxSocketsPerApi,
      });
      this.agents.set(origin, agent);
    }
    return agent;
  }

  private failed<T>(err: Error, started: number, api: number): Answer<T> {
    const code = (err as { code?: string }).code ?? err.message;
    this.noAnswer.set(code, (this.noAnswer.get(code) ?? 0) + 1);
    return { status: 0, body: undefined as T, ms: performance.now() - started, api, error: code };
  }
}

/** The body of an answer as T when it has `status`, or an error naming what was being done and what came back. */
export function expectStatus<T>(res: Answer<unknown>, status: number, what: string): T {
  if (res.status !== status) {
    throw new Error(
      `${what}: expected ${status}, got ${res.status || res.error} ${JSON.stringify(res.body)}`,
    );
  }
  return res.body as T;
}
