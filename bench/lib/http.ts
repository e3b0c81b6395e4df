import http from "node:http";

export interface JsonResponse {
  status: number;
  body: unknown;
}

/**
 * A lean keep-alive JSON client on node:http: the load generator should spend as little CPU per request
 * as it can, since it shares the machine with the API and PostgreSQL.
 */
export class JsonClient {
  private readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, maxSockets: number) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    // Idle sockets are dropped after 4 s, before the server's keep-alive timeout (Node's default, 5 s)
    // closes them: Node 20's agent ignores the server's Keep-Alive hint, and a socket the server closes
    // just as a request is sent on it fails that request ("socket hang up"), which happened when a side
    // sat idle for more than 5 s while the other side's round ran. Requests set their own 30 s timeout.
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, timeout: 4000 });
  }

  request(method: string, path: string, body?: unknown, token?: string): Promise<JsonResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { accept: "application/json" };
    if (payload !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = Buffer.byteLength(payload);
    }
    if (token) {
      headers.authorization = `Bearer ${token}`;
    }
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: this.host, port: this.port, method, path, headers, agent: this.agent, timeout: 30_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: keep the text, the caller reports it
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  post(path: string, body: unknown, token?: string): Promise<JsonResponse> {
    return this.request("POST", path, body, token);
  }

  /** Drops the pooled sockets, so the API can close without waiting for idle keep-alives. */
  close(): void {
    this.agent.destroy();
  }
}

/** The body of a 2xx answer as T, or an error naming what was being done and what came back. */
export function expectStatus<T>(res: JsonResponse, status: number, what: string): T {
  if (res.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body as T;
}
