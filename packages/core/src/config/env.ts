import { randomBytes } from "node:crypto";
import { z } from "zod";

const booleanish = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const optionalUrl = (protocols: RegExp, example: string) =>
  z
    .string()
    .trim()
    .transform((v) => (v === "" ? undefined : v))
    .pipe(z.url({ protocol: protocols, error: `must be a URL such as ${example}` }).optional())
    .optional();

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default("0.0.0.0"),
  // No default here: development's localhost origins are filled in below, production gets none.
  CLIENT_URL: z
    .string()
    .optional()
    .refine(
      (list) =>
        (list ?? "")
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
          .every((origin) => URL.canParse(origin) && new URL(origin).origin === origin),
      {
        error: "must be comma-separated origins such as https://app.example.com (no path, no trailing slash)",
      },
    ),
  PUBLIC_URL: optionalUrl(/^https?$/, "https://tickets.example.com").refine(
    (v) => v === undefined || new URL(v).origin === v.replace(/\/$/, ""),
    "must be an origin such as https://tickets.example.com (no path)",
  ),
  DATABASE_URL: optionalUrl(/^postgres(ql)?$/, "postgres://user@host:5432/db"),
  DATA_DIR: z.string().min(1).default("./data"),
  REDIS_URL: optionalUrl(/^rediss?$/, "redis://127.0.0.1:6379"),
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w.:-]{1,40}$/, { error: "must be 1-40 letters, digits, dots, colons or dashes" })
    .default("boxoffice:"),
  JWT_ACCESS_SECRET: z.string().optional(),
  JWT_REFRESH_SECRET: z.string().optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  RATE_LIMIT_AUTH_PER_MIN: z.coerce.number().int().min(0).default(20),
  RATE_LIMIT_HOLDS_PER_MIN: z.coerce.number().int().min(0).default(30),
  RATE_LIMIT_LOGIN_PER_ACCOUNT: z.coerce.number().int().min(0).default(10),
  HOLD_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(600),
  HOLD_MAX_LIFETIME_SECONDS: z.coerce
    .number()
    .int()
    .min(10)
    .max(4 * 3600)
    .default(1800),
  HOLD_MAX_SEATS: z.coerce.number().int().min(1).max(50).default(10),
  HOLD_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(102_400),
  TRUST_PROXY: booleanish.default(false),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SEED_DEMO_DATA: booleanish.optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  MONGO_URI: z.string().optional(),
  PAYMENT_PROVIDER: z.enum(["dev", "razorpay", "stripe"]).optional(),
  SMS_PROVIDER: z.enum(["dev", "none"]).optional(),
  RAZORPAY_KEY_ID: z.string().trim().min(1).optional(),
  RAZORPAY_KEY_SECRET: z.string().trim().min(1).optional(),
  RAZORPAY_WEBHOOK_SECRET: z.string().trim().min(1).optional(),
  RAZORPAY_API_BASE_URL: optionalUrl(/^https?$/, "http://127.0.0.1:4010"),
  STRIPE_SECRET_KEY: z.string().trim().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().trim().min(1).optional(),
  STRIPE_PUBLISHABLE_KEY: z.string().trim().min(1).optional(),
  STRIPE_API_BASE_URL: optionalUrl(/^https?$/, "http://127.0.0.1:4020").refine(
    (v) => v === undefined || (new URL(v).pathname === "/" && new URL(v).search === ""),
    "must be an origin such as http://127.0.0.1:4020, with no path: the Stripe SDK adds /v1 itself",
  ),
});

/** Every variable the configuration reads: a launcher that sets a process's configuration strips these. */
export const ENV_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

export interface Config {
  env: "development" | "test" | "production";
  port: number;
  host: string;
  /** Origins allowed to call with credentials from a browser; none unless CLIENT_URL says (production). */
  corsOrigins: string[];
  /** Where clients reach this API; links handed out start with it. Unset only outside production. */
  publicUrl: string | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  /** Every Redis key and channel starts with this, so deployments can share one Redis. */
  redisPrefix: string;
  jwtAccessSecret: string;
  jwtRefreshSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  rateLimitAuthPerMin: number;
  rateLimitHoldsPerMin: number;
  /** Password sign-ins per account per 15 minutes, from any address. */
  rateLimitLoginPerAccount: number;
  holdTtlSeconds: number;
  holdMaxLifetimeSeconds: number;
  holdMaxSeats: number;
  /** Embedded mode only: how often the API process sweeps lapsed holds (the worker does it with Redis). */
  holdSweepIntervalMs: number;
  bodyLimitBytes: number;
  trustProxy: boolean;
  logLevel: z.infer<typeof EnvSchema>["LOG_LEVEL"];
  seedDemoData: boolean;
  shutdownTimeoutMs: number;
  payments: PaymentsConfig;
  sms: SmsConfig;
}

/**
 * Who sends text messages (sign-in codes). `none` turns phone sign-in off (503 SMS_UNAVAILABLE). A real
 * provider (Twilio) becomes one more `provider` here, with its settings beside it.
 */
export interface SmsConfig {
  provider: "dev" | "none";
}

export interface RazorpayConfig {
  keyId: string;
  keySecret: string;
  webhookSecret: string;
  /** A stand-in for api.razorpay.com (tests, staging). */
  apiBaseUrl: string | undefined;
}

export interface StripeConfig {
  secretKey: string;
  webhookSecret: string;
  publishableKey: string | undefined;
  apiBaseUrl: string | undefined;
}

export interface PaymentsConfig {
  /** Takes new orders; every provider configured here also has its webhook served. */
  provider: "dev" | "razorpay" | "stripe";
  razorpay: RazorpayConfig | undefined;
  stripe: StripeConfig | undefined;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export interface LoadedConfig {
  config: Config;
  /** Things the operator should read at start; the caller logs them. */
  warnings: string[];
}

/** What the calling process needs: the API needs everything; the worker and command-line tools less. */
export interface LoadConfigOptions {
  needsSecrets?: boolean;
  needsPayments?: boolean;
  needsPublicUrl?: boolean;
}

const MIN_SECRET_LENGTH = 32;
/** Vite's and a typical dev server's origins, allowed outside production when CLIENT_URL is unset. */
const DEVELOPMENT_CLIENT_URL = "http://localhost:3000,http://localhost:5173";

/**
 * Reads and checks the environment once. Throws ConfigError naming every bad variable; in production a
 * missing or short secret is one of them, in development an ephemeral secret is generated instead.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  options: LoadConfigOptions = {},
): LoadedConfig {
  // Command-line tools (migrate, seed, admin:create) sign no tokens, so they neither need nor warn about secrets.
  const needsSecrets = options.needsSecrets ?? true;
  // `PORT=` in an env file means "not set", not zero.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  const warnings: string[] = [];
  const production = e.NODE_ENV === "production";

  const secret = (name: "JWT_ACCESS_SECRET" | "JWT_REFRESH_SECRET"): string => {
    const value = e[name];
    if ((value && value.length >= MIN_SECRET_LENGTH) || (!needsSecrets && !value)) {
      return value || randomBytes(48).toString("base64url");
    }
    if (production) {
      throw new ConfigError(
        value
          ? `${name} is too weak: use at least ${MIN_SECRET_LENGTH} random characters (openssl rand -base64 48)`
          : `${name} is required in production (openssl rand -base64 48)`,
      );
    }
    warnings.push(
      `${name} ${value ? "is shorter than 32 characters" : "is not set"}: using an ephemeral secret, so tokens stop working when the process restarts`,
    );
    return randomBytes(48).toString("base64url");
  };
  const jwtAccessSecret = secret("JWT_ACCESS_SECRET");
  const jwtRefreshSecret = secret("JWT_REFRESH_SECRET");
  if (jwtAccessSecret === jwtRefreshSecret) {
    throw new ConfigError("JWT_ACCESS_SECRET and JWT_REFRESH_SECRET must differ");
  }
  if (e.HOLD_MAX_LIFETIME_SECONDS < e.HOLD_TTL_SECONDS) {
    // Raising one silently would let holds outlive what the operator set; which one is meant is theirs to say.
    throw new ConfigError(
      `HOLD_MAX_LIFETIME_SECONDS (${e.HOLD_MAX_LIFETIME_SECONDS}) must be at least HOLD_TTL_SECONDS (${e.HOLD_TTL_SECONDS})`,
    );
  }
  if (e.MONGO_URI) {
    warnings.push(
      "MONGO_URI is set but boxoffice stores its data in PostgreSQL: set DATABASE_URL (or leave it unset for embedded PGlite under DATA_DIR). MONGO_URI is ignored.",
    );
  }
  // Command-line tools take no payments either; the API and the worker (which sends refunds) do.
  const payments = paymentsConfig(e, production && (options.needsPayments ?? true), warnings);
  const sms = smsConfig(e, production, warnings);
  if (production && e.SEED_DEMO_DATA) {
    throw new ConfigError(
      "SEED_DEMO_DATA=true cannot run in production: the demo data has an admin whose password is published. Unset SEED_DEMO_DATA and create admins with pnpm admin:create",
    );
  }
  // Only the API hands out links; the worker and the command-line tools do not need to know its address.
  if (production && !e.PUBLIC_URL && (options.needsPublicUrl ?? true)) {
    throw new ConfigError(
      "PUBLIC_URL is required in production: the https origin clients reach this API at (links it hands out start with it, never with a request's Host header)",
    );
  }
  const corsOrigins = (e.CLIENT_URL ?? (production ? "" : DEVELOPMENT_CLIENT_URL))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (production && corsOrigins.length === 0) {
    warnings.push(
      "CLIENT_URL is not set: no browser origin may call this API with credentials (no CORS). Set CLIENT_URL to your front end's origins",
    );
  }
  if (production && !e.REDIS_URL) {
    warnings.push(
      "REDIS_URL is not set: rate limits (sign-in guesses included) are counted in this process's memory, so each API process counts alone and a restart forgets them. Run production with Redis",
    );
  }
  if (production && !e.DATABASE_URL) {
    warnings.push(`DATABASE_URL is not set: using embedded PGlite under ${e.DATA_DIR}, one process only`);
  }

  return {
    config: {
      env: e.NODE_ENV,
      port: e.PORT,
      host: e.HOST,
      corsOrigins,
      publicUrl: e.PUBLIC_URL?.replace(/\/$/, ""),
      databaseUrl: e.DATABASE_URL,
      dataDir: e.DATA_DIR,
      redisUrl: e.REDIS_URL,
      redisPrefix: e.REDIS_PREFIX,
      jwtAccessSecret,
      jwtRefreshSecret,
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
      rateLimitAuthPerMin: e.RATE_LIMIT_AUTH_PER_MIN,
      rateLimitHoldsPerMin: e.RATE_LIMIT_HOLDS_PER_MIN,
      rateLimitLoginPerAccount: e.RATE_LIMIT_LOGIN_PER_ACCOUNT,
      holdTtlSeconds: e.HOLD_TTL_SECONDS,
      holdMaxLifetimeSeconds: e.HOLD_MAX_LIFETIME_SECONDS,
      holdMaxSeats: e.HOLD_MAX_SEATS,
      holdSweepIntervalMs: e.HOLD_SWEEP_INTERVAL_MS,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      trustProxy: e.TRUST_PROXY,
      logLevel: e.LOG_LEVEL,
      // Only the embedded default seeds itself: a server database gets demo data when asked (db:seed).
      seedDemoData: e.SEED_DEMO_DATA ?? (!production && !e.DATABASE_URL),
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      payments,
      sms,
    },
    warnings,
  };
}

type Env = z.infer<typeof EnvSchema>;

/**
 * The dev provider sends nothing (it prints codes on the terminal), so production refuses it; with no
 * real provider yet, production runs with phone sign-in off and says so.
 */
function smsConfig(e: Env, production: boolean, warnings: string[]): SmsConfig {
  if (production && e.SMS_PROVIDER === "dev") {
    throw new ConfigError(
      "SMS_PROVIDER=dev cannot run in production: it sends no SMS and prints sign-in codes. Leave SMS_PROVIDER unset (or none) to turn phone sign-in off",
    );
  }
  const provider = e.SMS_PROVIDER ?? (production ? "none" : "dev");
  if (production && provider === "none") {
    warnings.push(
      "No SMS provider is configured: phone sign-in is off (otp/request and phone codes answer 503 SMS_UNAVAILABLE); email sign-in works",
    );
  }
  return { provider };
}

/**
 * Razorpay and Stripe are enabled when their keys are all set, and the chosen provider must be. The dev
 * provider pays without money, so production refuses it.
 */
function paymentsConfig(e: Env, production: boolean, warnings: string[]): PaymentsConfig {
  const missing = (names: Array<keyof Env>) => names.filter((name) => !e[name]);
  const razorpayVars: Array<keyof Env> = [
    "RAZORPAY_KEY_ID",
    "RAZORPAY_KEY_SECRET",
    "RAZORPAY_WEBHOOK_SECRET",
  ];
  const stripeVars: Array<keyof Env> = ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"];
  const provider = e.PAYMENT_PROVIDER ?? (production ? undefined : "dev");
  // (`production` is false here for tools that take no payments, so they never need payment keys.)
  if (!provider || (provider === "dev" && production)) {
    throw new ConfigError(
      "PAYMENT_PROVIDER must be razorpay or stripe in production (the dev provider takes no money), with its keys",
    );
  }
  const required = provider === "razorpay" ? razorpayVars : provider === "stripe" ? stripeVars : [];
  const absent = missing(required);
  if (absent.length > 0) {
    throw new ConfigError(`PAYMENT_PROVIDER=${provider} needs ${absent.join(", ")}`);
  }
  for (const name of ["RAZORPAY_API_BASE_URL", "STRIPE_API_BASE_URL"] as const) {
    if (e[name]) {
      warnings.push(`${name} is set: payments go to ${e[name]}, not to the provider itself`);
    }
  }
  return {
    provider,
    razorpay:
      e.RAZORPAY_KEY_ID && e.RAZORPAY_KEY_SECRET && e.RAZORPAY_WEBHOOK_SECRET
        ? {
            keyId: e.RAZORPAY_KEY_ID,
            keySecret: e.RAZORPAY_KEY_SECRET,
            webhookSecret: e.RAZORPAY_WEBHOOK_SECRET,
            apiBaseUrl: e.RAZORPAY_API_BASE_URL,
          }
        : undefined,
    stripe:
      e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET
        ? {
            secretKey: e.STRIPE_SECRET_KEY,
            webhookSecret: e.STRIPE_WEBHOOK_SECRET,
            publishableKey: e.STRIPE_PUBLISHABLE_KEY,
            apiBaseUrl: e.STRIPE_API_BASE_URL,
          }
        : undefined,
  };
}
