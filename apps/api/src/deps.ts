import {
  AvailabilityReader,
  buildPaymentProviders,
  buildSmsProvider,
  type CancelSales,
  type Clock,
  type Config,
  cancelSalesOf,
  createDeviceTokens,
  createTokenService,
  type DevPaymentProvider,
  type HoldSettings,
  holdExpiryProducer,
  inProcessSeatBus,
  type Logger,
  memoryRateLimiter,
  type PasswordGuard,
  type PaymentProviders,
  processRefunds,
  type RateLimiter,
  type RevocationWatch,
  redisRateLimiter,
  redisSeatBus,
  type SeatBus,
  type SmsProvider,
  sweepExpiredHolds,
  systemClock,
  type TicketKey,
  type TokenService,
  ticketLinkKey,
  ticketSecret,
  watchRevocations,
} from "@boxoffice/core";
import { createDb, type Database, type DbHandle } from "@boxoffice/db";
import { Redis } from "ioredis";
import { SeatEventLog } from "./realtime/seat-event-log.ts";

/** Everything the API's procedures reach, built once at start and passed down explicitly. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  dbHandle: DbHandle;
  db: Database;
  redis: Redis | undefined;
  tokens: TokenService;
  /** Which access tokens were revoked before they expire; read from the database every second. */
  revocations: RevocationWatch;
  /** Undefined when no SMS provider is configured: phone sign-in answers 503 SMS_UNAVAILABLE. */
  sms: SmsProvider | undefined;
  rateLimiter: RateLimiter;
  /** Wrong passwords per account from unknown devices, and per known device (RATE_LIMIT_LOGIN_PER_ACCOUNT). */
  passwordGuard: PasswordGuard;
  /** Set when shutdown begins, so /readyz tells the load balancer to stop sending traffic. */
  lifecycle: { draining: boolean };
  bus: SeatBus;
  settings: HoldSettings;
  availability: AvailabilityReader;
  seatEvents: SeatEventLog;
  onHoldExpiry: (holdId: string, expiresAt: Date) => void;
  providers: PaymentProviders;
  /** Set when the dev provider is the configured one: its pay page and signed webhooks. */
  devPayments: DevPaymentProvider | undefined;
  /** Signs tickets' QR payloads. */
  ticketSecret: TicketKey;
  /** Signs the ticket PDF links in booking answers (tickets/ticket-link.ts). */
  ticketLinkKey: Buffer;
  /** What cancelling a showtime does to its bookings and holds (catalog's updateShowtime calls it). */
  cancelSales: CancelSales;
  /** Stops what buildDeps started in the background (sweeper, queue producer, bus). */
  stopBackground: () => Promise<void>;
}

/**
 * How often each API process reads the revocations other processes committed: the bound on how long a
 * signed-out session's or demoted user's access token still works elsewhere (about this plus one read).
 */
export const REVOCATION_READ_INTERVAL_MS = 1000;

export interface BuildDepsOptions {
  clock?: Clock;
  /** An already opened database (tests pass a fresh one). */
  dbHandle?: DbHandle;
  sms?: SmsProvider;
  /** Namespaces Redis keys, so test files sharing one Redis never count each other's hits. */
  redisKeyPrefix?: string;
  /** Keys the in-memory rate limiter counts exactly (tests fill a small table; the default is 100,000). */
  rateLimiterKeys?: number;
}

export async function buildDeps(
  config: Config,
  logger: Logger,
  options: BuildDepsOptions = {},
): Promise<AppDeps> {
  const clock = options.clock ?? systemClock;
  const dbHandle =
    options.dbHandle ??
    (await createDb(
      config.databaseUrl
        ? { kind: "postgres", url: config.databaseUrl }
        : { kind: "pglite", dataDir: config.dataDir },
    ));
  let redis: Redis | undefined;
  if (config.redisUrl) {
    // Request-path client: a command fails fast when Redis is away instead of queueing forever.
    redis = new Redis(config.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 1000,
    });
    redis.on("error", (err) => logger.warn({ err: err.message }, "redis connection error"));
    await redis.connect();
  }
  const prefix = options.redisKeyPrefix ?? config.redisPrefix;
  const onRedisError = (err: Error) => logger.warn({ err: err.message }, "redis unavailable");
  const bus = redis ? await redisSeatBus(redis, `${prefix}seats`, onRedisError) : inProcessSeatBus();
  const producer = redis
    ? holdExpiryProducer(redis.duplicate(), {
        prefix: `${prefix}bull`,
        now: () => clock.now(),
        onError: onRedisError,
      })
    : undefined;
  const seatEvents = new SeatEventLog(bus);
  const { providers, dev } = buildPaymentProviders(config.payments, config.jwtRefreshSecret);
  // Embedded mode has no worker: the API process sweeps lapsed holds and sends due refunds itself.
  let sweeping = false;
  const sweeper = redis
    ? undefined
    : setInterval(() => {
        if (sweeping) {
          return;
        }
        sweeping = true;
        sweepExpiredHolds({ db: dbHandle.db, clock, bus })
          .catch((err: unknown) => logger.error({ err }, "hold sweep failed"))
          .then(() => processRefunds({ db: dbHandle.db, clock, providers, logger }))
          .catch((err: unknown) => logger.error({ err }, "sending due refunds failed"))
          .finally(() => {
            sweeping = false;
          });
      }, config.holdSweepIntervalMs).unref();
  const sms = options.sms ?? buildSmsProvider(config.sms);
  const revocations = watchRevocations(
    { db: dbHandle.db, logger },
    {
      intervalMs: REVOCATION_READ_INTERVAL_MS,
      // A revoked session's access tokens have all expired one lifetime later (plus a refresh in flight).
      horizonSeconds: config.accessTokenTtlSeconds + 60,
      staleAfterMs: 10 * REVOCATION_READ_INTERVAL_MS,
    },
  );
  const rateLimiter = redis
    ? redisRateLimiter(redis, prefix, (err) =>
        logger.warn({ err: err.message }, "rate limiter unavailable: letting the request through"),
      )
    : memoryRateLimiter(clock, options.rateLimiterKeys);
  return {
    config,
    logger,
    clock,
    dbHandle,
    db: dbHandle.db,
    redis,
    tokens: createTokenService(
      {
        accessSecret: config.jwtAccessSecret,
        refreshSecret: config.jwtRefreshSecret,
        accessTokenTtlSeconds: config.accessTokenTtlSeconds,
        refreshTokenTtlDays: config.refreshTokenTtlDays,
      },
      clock,
      revocations,
    ),
    revocations,
    sms,
    rateLimiter,
    passwordGuard: {
      limiter: rateLimiter,
      devices: createDeviceTokens(config.jwtRefreshSecret, clock),
      limit: config.rateLimitLoginPerAccount,
    },
    lifecycle: { draining: false },
    bus,
    settings: {
      holdTtlSeconds: config.holdTtlSeconds,
      holdMaxLifetimeSeconds: config.holdMaxLifetimeSeconds,
      holdMaxSeats: config.holdMaxSeats,
    },
    availability: new AvailabilityReader({ db: dbHandle.db, clock }),
    seatEvents,
    onHoldExpiry: (holdId, expiresAt) => producer?.schedule(holdId, expiresAt),
    providers,
    devPayments: dev,
    ticketSecret: ticketSecret(config.ticketSigningSecret),
    ticketLinkKey: ticketLinkKey(config.ticketSigningSecret),
    cancelSales: cancelSalesOf({ db: dbHandle.db, clock, bus, providers, logger }),
    stopBackground: async () => {
      revocations.stop();
      clearInterval(sweeper);
      seatEvents.close();
      await producer?.close();
      await bus.close();
    },
  };
}

export async function closeDeps(deps: AppDeps): Promise<void> {
  await deps.stopBackground().catch(() => {});
  const redis = deps.redis;
  if (redis) {
    if (redis.status === "ready") {
      await Promise.race([redis.quit(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]).catch(
        () => {},
      );
    }
    redis.disconnect();
  }
  await deps.dbHandle.close();
}
