import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import type { ErrorBody, Session } from "@boxoffice/contracts";
import {
  type Clock,
  type Config,
  createLogger,
  DevSmsProvider,
  ensureAdmin,
  type Logger,
  loadConfig,
  systemClock,
} from "@boxoffice/core";
import { type DbHandle, otpCodes, refreshTokens, users } from "@boxoffice/db";
import { createTestDb } from "@boxoffice/db/testing";
import { createTRPCClient, httpLink } from "@trpc/client";
import { count } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";
import { type AppDeps, buildDeps } from "../deps.ts";
import { type RunningServer, startServer } from "../server.ts";
import type { AppRouter } from "../trpc/router.ts";

export interface TestServer {
  url: string;
  deps: AppDeps;
  sms: DevSmsProvider;
  http: HttpClient;
  trpc(token?: string): ReturnType<typeof createTRPCClient<AppRouter>>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  config?: Partial<Config>;
  clock?: Clock;
  /**
   * A database another test server uses too: two servers on one database are two API processes (each
   * with its own memory) behind one load balancer. The caller closes it.
   */
  sharedDb?: DbHandle;
  /** Keys the in-memory rate limiter counts exactly (its default is 100,000). */
  rateLimiterKeys?: number;
  /** Where the server logs (silent unless LOG_LEVEL is set); `captureLogs()` makes one to read. */
  logger?: Logger;
}

/**
 * The real API on an ephemeral port over a fresh database: PGlite in memory, or with DATABASE_URL a
 * schema of its own on that server; with REDIS_URL the rate limiter runs on that Redis under a key
 * prefix of its own. Nothing is mocked; only the SMS provider is the recording dev one.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { config: base } = loadConfig({
    NODE_ENV: "test",
    JWT_ACCESS_SECRET: randomBytes(32).toString("hex"),
    JWT_REFRESH_SECRET: randomBytes(32).toString("hex"),
    REDIS_URL: process.env.REDIS_URL,
    RATE_LIMIT_AUTH_PER_MIN: "0",
  });
  const config: Config = { ...base, ...options.config };
  const sms = new DevSmsProvider();
  const prefix = `test:${randomBytes(6).toString("hex")}:`;
  const shared = options.sharedDb;
  const deps = await buildDeps(config, options.logger ?? createLogger(process.env.LOG_LEVEL ?? "silent"), {
    dbHandle: shared ? { ...shared, close: async () => {} } : await createTestDb(),
    // The recording dev provider, where the configuration has one (SMS_PROVIDER=none has none).
    sms: config.sms.provider === "dev" ? sms : undefined,
    clock: options.clock ?? systemClock,
    redisKeyPrefix: prefix,
    ...(options.rateLimiterKeys ? { rateLimiterKeys: options.rateLimiterKeys } : {}),
  });
  const server: RunningServer = await startServer(deps, 0, "127.0.0.1");
  return {
    url: server.url,
    deps,
    sms,
    http: new HttpClient(server.url),
    trpc: (token) =>
      createTRPCClient<AppRouter>({
        links: [
          httpLink({
            url: `${server.url}/trpc`,
            headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
          }),
        ],
      }),
    close: async () => {
      // Delayed expiry jobs and counters this server left in a shared Redis go with it.
      const redis = deps.redis;
      if (redis?.status === "ready") {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) {
          await redis.del(...keys);
        }
      }
      await server.close();
    },
  };
}

/**
 * One server for the tests of a file: started before them (options may be a function, read then, when they
 * depend on something else the file starts first), closed after them. The handle forwards to the running
 * server, so a test reads `server.url` as if it had started the server itself.
 */
export function serverForFile(options: TestServerOptions | (() => TestServerOptions) = {}): TestServer {
  return forFile(() => startTestServer(typeof options === "function" ? options() : options), "test server");
}

/**
 * Anything a file's tests share that starts and closes (a provider's stand-in): started before them, in the
 * order of the calls, and closed after them in reverse. Reading the handle before its `beforeAll` has run is
 * a mistake in the test and throws.
 */
export function forFile<T extends { close(): Promise<void> }>(start: () => Promise<T>, what = "fixture"): T {
  let running: T | undefined;
  beforeAll(async () => {
    running = await start();
  }, 60_000);
  afterAll(async () => {
    await running?.close();
  });
  return new Proxy({} as T, {
    get(_target, key) {
      if (!running) {
        throw new Error(`the ${what} is not started yet (reading ${String(key)})`);
      }
      const value = Reflect.get(running, key);
      // Bound, so a method runs on the object itself (its private fields are not reachable through a proxy).
      return typeof value === "function" ? value.bind(running) : value;
    },
  });
}

/** A logger as the API's own (same redaction), whose JSON lines a test reads back, parsed. */
export function captureLogs(level = "info"): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: createLogger(level, "boxoffice", stream), lines };
}

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

type Json = Record<string, unknown>;

/** A plain HTTP client over the socket, as any non-TypeScript client would talk to the REST API. */
export class HttpClient {
  constructor(readonly baseUrl: string) {}

  async request<T = Json>(
    method: string,
    path: string,
    options: { body?: unknown; raw?: string; token?: string; headers?: Record<string, string> } = {},
  ): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) {
      headers.authorization = `Bearer ${options.token}`;
    }
    let body: string | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers["content-type"] ??= "application/json";
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    // A redirect is an answer to check, not one to follow.
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body, redirect: "manual" });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: the text itself is the body
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  get<T = Json>(path: string, token?: string) {
    return this.request<T>("GET", path, token ? { token } : {});
  }

  post<T = Json>(path: string, body?: unknown, token?: string) {
    return this.request<T>("POST", path, token ? { body, token } : { body });
  }

  patch<T = Json>(path: string, body?: unknown, token?: string) {
    return this.request<T>("PATCH", path, token ? { body, token } : { body });
  }
}

let sequence = 0;
/** An email no other test uses, even across files sharing one PostgreSQL server. */
export function uniqueEmail(prefix = "user"): string {
  sequence += 1;
  return `${prefix}-${sequence}-${randomBytes(4).toString("hex")}@example.com`;
}

export function uniquePhone(): string {
  return `+9198${randomBytes(4).readUInt32BE(0).toString().padStart(8, "0").slice(0, 8)}`;
}

export async function registerUser(
  server: TestServer,
  input: { email?: string; password?: string; name?: string } = {},
): Promise<Session & { password: string }> {
  const password = input.password ?? "correct horse battery";
  const res = await server.http.post<Session>("/api/auth/register", {
    email: input.email ?? uniqueEmail(),
    password,
    name: input.name ?? "Test User",
  });
  if (res.status !== 201) {
    throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return { ...res.body, password };
}

/** Signs in an account that has been given the admin role directly in the database. */
export async function registerAdmin(server: TestServer): Promise<Session> {
  const email = uniqueEmail("admin");
  const password = "admin password 123";
  await ensureAdmin(server.deps, { email, password });
  const res = await server.http.post<Session>("/api/auth/login", { email, password });
  if (res.status !== 200) {
    throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** Reads the code the dev SMS provider last "sent" to a phone. */
export function lastOtp(server: TestServer, phone: string): string {
  const message = server.sms.lastTo(phone);
  const code = message?.body.match(/\b(\d{6})\b/)?.[1];
  if (!code) {
    throw new Error(`no code was sent to ${phone}`);
  }
  return code;
}

/** Row counts of the account tables, to show a refused request changed nothing. */
export async function accountRowCounts(server: TestServer) {
  const n = async (table: typeof users | typeof refreshTokens | typeof otpCodes) =>
    (await server.deps.db.select({ n: count() }).from(table))[0]?.n ?? 0;
  return { users: await n(users), refreshTokens: await n(refreshTokens), otpCodes: await n(otpCodes) };
}

/** The validation issues of an error body (empty when there are none). */
export function issuesOf(body: ErrorBody): Array<{ path: string; message: string; code: string }> {
  return (body.error.details?.issues ?? []) as Array<{ path: string; message: string; code: string }>;
}

export function issuePaths(body: ErrorBody): string[] {
  return issuesOf(body).map((i) => i.path);
}

/** A small deterministic generator, so a failing race can be replayed from its seed. */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}
