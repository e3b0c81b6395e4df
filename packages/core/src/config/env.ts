import { randomBytes } from "node:crypto";
import { z } from "zod";
import { ConfigError } from "./config-error.ts";
import { developmentSecrets, type SecretName } from "./development-secrets.ts";
import { fromRepoRoot } from "./paths.ts";

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

/** What the README's configuration table says of a variable: its default as shown, and what it means. */
export interface VariableDoc {
  shownDefault: string;
  meaning: string;
}

const docs = new Map<z.ZodType, VariableDoc>();

/** A variable, declared once: how it is read, its default as the README shows it, and what it means. */
function variable<T extends z.ZodType>(schema: T, shownDefault: string, meaning: string): T {
  docs.set(schema, { shownDefault, meaning });
  return schema;
}

const secretVariable = (meaning: string) =>
  variable(
    z.string().optional(),
    "generated in development and kept in `DATA_DIR/development-secrets.json`",
    meaning,
  );

const EnvSchema = z.object({
  NODE_ENV: variable(
    z.enum(["development", "test", "production"]).default("development"),
    "`development`",
    "`development`, `test` or `production`. Production requires strong secrets, a real payment provider and `PUBLIC_URL`, and refuses demo data.",
  ),
  PORT: variable(
    z.coerce.number().int().min(0).max(65535).default(8080),
    "`8080`",
    "HTTP port (`0` picks a free one).",
  ),
  HOST: variable(
    z.string().min(1).optional(),
    "`127.0.0.1`; `0.0.0.0` in production",
    "Interface to listen on. Outside production only this machine can connect by default, since the demo admin's password is published; set `0.0.0.0` to open it to the network.",
  ),
  CLIENT_URL: variable(
    z
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
          error:
            "must be comma-separated origins such as https://app.example.com (no path, no trailing slash)",
        },
      ),
    "`http://localhost:3000,http://localhost:5173` outside production; none in production",
    "Comma-separated CORS allow-list (credentials allowed); also the only origins whose pages may refresh or sign out with the `boxoffice_refresh` cookie. Production without it allows no browser origin, and says so at start.",
  ),
  PUBLIC_URL: variable(
    optionalUrl(/^https?$/, "https://tickets.example.com").refine(
      (v) => v === undefined || new URL(v).origin === v.replace(/\/$/, ""),
      "must be an origin such as https://tickets.example.com (no path)",
    ),
    "the address the API listens on, outside production; required in production",
    "The origin clients reach the API at (`https://tickets.example.com`, no path). Links the API hands out (the dev provider's pay page) start with it, never with a request's `Host` header.",
  ),
  DATABASE_URL: variable(
    optionalUrl(/^postgres(ql)?$/, "postgres://user@host:5432/db"),
    "unset",
    "`postgres://…`. Unset: embedded PGlite under `DATA_DIR`.",
  ),
  DATA_DIR: variable(
    z.string().min(1).default("./data"),
    "`./data`",
    "Where embedded PGlite keeps its files (`DATA_DIR/pglite`) and development its generated secrets. A relative path is read from the repository's root whatever folder a command runs in; the API prints the absolute path at start.",
  ),
  REDIS_URL: variable(
    optionalUrl(/^rediss?$/, "redis://127.0.0.1:6379"),
    "unset",
    "`redis://…`. Set: rate limits are shared through Redis (if Redis stops answering, requests are let through and a warning logged, so an outage never locks users out) and jobs go to the worker. Production without it starts with a warning: each process would count rate limits alone.",
  ),
  REDIS_PREFIX: variable(
    z
      .string()
      .regex(/^[\w.:-]{1,40}$/, { error: "must be 1-40 letters, digits, dots, colons or dashes" })
      .default("boxoffice:"),
    "`boxoffice:`",
    "Start of every Redis key and channel, so deployments can share a Redis.",
  ),
  JWT_ACCESS_SECRET: secretVariable("HS256 key for access tokens. Production: required, ≥ 32 characters."),
  JWT_REFRESH_SECRET: secretVariable(
    "Key for hashing refresh tokens, OTP codes and device tokens. Production: required, ≥ 32 characters, different from the access secret.",
  ),
  TICKET_SIGNING_SECRET: secretVariable(
    "Key that signs ticket QR payloads (HKDF-derived). Production: required, ≥ 32 characters, different from both JWT secrets, so rotating those leaves tickets sold valid. Rotating it makes the door refuse tickets signed before.",
  ),
  ACCESS_TOKEN_TTL_SECONDS: variable(
    z.coerce.number().int().min(60).max(86_400).default(900),
    "`900`",
    "Access token lifetime. Signing out, a reused refresh token or a role change stops a token sooner (within about a second on every API process).",
  ),
  REFRESH_TOKEN_TTL_DAYS: variable(
    z.coerce.number().int().min(1).max(365).default(30),
    "`30`",
    "Refresh token lifetime (each rotation starts a new one).",
  ),
  RATE_LIMIT_AUTH_PER_MIN: variable(
    z.coerce.number().int().min(0).default(20),
    "`20`",
    "Requests per minute per client address on each auth route (login, register, OTP request and refresh count separately); `0` turns it off.",
  ),
  RATE_LIMIT_LOGIN_PER_ACCOUNT: variable(
    z.coerce.number().int().min(0).default(10),
    "`10`",
    "Wrong passwords per 15 minutes for an account (its email) from devices it has never signed in from, however many addresses send them; past it those devices get 429 with `Retry-After` without their password being checked. A device that has signed in before (its `deviceToken` or `boxoffice_device` cookie) has a budget of its own, so the owner still gets in. Right passwords never count. `0` turns it off.",
  ),
  RATE_LIMIT_HOLDS_PER_MIN: variable(
    z.coerce.number().int().min(0).default(30),
    "`30`",
    "Seat holds per minute, counted per user and per client address; `0` turns it off.",
  ),
  HOLD_TTL_SECONDS: variable(
    z.coerce.number().int().min(10).max(3600).default(600),
    "`600`",
    "How long a hold lasts, and what a refresh extends it to.",
  ),
  HOLD_MAX_LIFETIME_SECONDS: variable(
    z.coerce
      .number()
      .int()
      .min(10)
      .max(4 * 3600)
      .default(1800),
    "`1800`",
    'The longest one user\'s holds on one showtime last together: no refresh, and no new hold made less than `HOLD_TTL_SECONDS` after the last one ended, goes past this age of the first (see "How long seats can be held"). Must be at least `HOLD_TTL_SECONDS` (start-up refuses otherwise).',
  ),
  HOLD_MAX_SEATS: variable(
    z.coerce.number().int().min(1).max(50).default(10),
    "`10`",
    "Most seats in one hold.",
  ),
  HOLD_SWEEP_INTERVAL_MS: variable(
    z.coerce.number().int().min(100).max(60_000).default(2000),
    "`2000`",
    "Embedded mode only: how often the API sweeps lapsed holds (with Redis the worker does it).",
  ),
  BODY_LIMIT_BYTES: variable(
    z.coerce.number().int().min(1024).default(102_400),
    "`102400`",
    "Largest request body; larger ones get 413.",
  ),
  TRUST_PROXY: variable(
    booleanish.default(false),
    "`false`",
    "Take the client address from the last `X-Forwarded-For` entry, the one your proxy appended (only behind a proxy you control).",
  ),
  LOG_LEVEL: variable(
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    "`info`",
    "pino level (`silent` in tests).",
  ),
  SEED_DEMO_DATA: variable(
    booleanish.optional(),
    "`true` on embedded PGlite outside production, else `false`",
    "Load demo data at start when the database is empty. Production refuses `true` (the demo admin's password is in this README).",
  ),
  SHUTDOWN_TIMEOUT_MS: variable(
    z.coerce.number().int().min(0).default(10_000),
    "`10000`",
    "How long SIGTERM waits for in-flight requests before closing connections.",
  ),
  MONGO_URI: variable(z.string().optional(), "unset", "Not used: a warning points to `DATABASE_URL`."),
  SMS_PROVIDER: variable(
    z.enum(["dev", "none"]).optional(),
    "`dev` outside production, `none` in production",
    "Who sends sign-in codes. `dev` sends nothing and prints each message on stderr (production refuses to start with it); `none` turns phone sign-in off: `otp/request`, phone register/login and a phone change answer 503 `SMS_UNAVAILABLE`. A real provider (Twilio) comes with the notifications work.",
  ),
  PAYMENT_PROVIDER: variable(
    z.enum(["dev", "razorpay", "stripe"]).optional(),
    "`dev` outside production; required in production",
    "`razorpay`, `stripe` or `dev`: who takes new payments. Production refuses `dev` (it takes no money). Any other provider whose keys are set keeps its webhooks and refunds working (payments started before a switch).",
  ),
  RAZORPAY_KEY_ID: variable(
    z.string().trim().min(1).optional(),
    "unset",
    "Razorpay's API key id; with the next two, required with `PAYMENT_PROVIDER=razorpay`. Turn on automatic capture in the dashboard (authorized payments are also captured on confirmation).",
  ),
  RAZORPAY_KEY_SECRET: variable(z.string().trim().min(1).optional(), "unset", "Razorpay's API key secret."),
  RAZORPAY_WEBHOOK_SECRET: variable(
    z.string().trim().min(1).optional(),
    "unset",
    "The webhook secret set in Razorpay's dashboard.",
  ),
  RAZORPAY_API_BASE_URL: variable(
    optionalUrl(/^https?$/, "http://127.0.0.1:4010"),
    "`https://api.razorpay.com`",
    "Another host for the Razorpay SDK (a stand-in for tests or staging); a warning is logged when set.",
  ),
  STRIPE_SECRET_KEY: variable(
    z.string().trim().min(1).optional(),
    "unset",
    "Stripe's secret key; with `STRIPE_WEBHOOK_SECRET`, required with `PAYMENT_PROVIDER=stripe`.",
  ),
  STRIPE_WEBHOOK_SECRET: variable(
    z.string().trim().min(1).optional(),
    "unset",
    "The webhook endpoint's signing secret (`whsec_…`).",
  ),
  STRIPE_PUBLISHABLE_KEY: variable(
    z.string().trim().min(1).optional(),
    "unset",
    "Handed to clients with each PaymentIntent, for Stripe.js.",
  ),
  STRIPE_API_BASE_URL: variable(
    optionalUrl(/^https?$/, "http://127.0.0.1:4020").refine(
      (v) => v === undefined || (new URL(v).pathname === "/" && new URL(v).search === ""),
      "must be an origin such as http://127.0.0.1:4020, with no path: the Stripe SDK adds /v1 itself",
    ),
    "`https://api.stripe.com`",
    "Another host for the Stripe SDK (an origin, no path); a warning is logged when set.",
  ),
});

/** Every variable the configuration reads: a launcher that sets a process's configuration strips these. */
export const ENV_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

/** Every variable with what the README says of it, in declaration order: the README's table is made from this. */
export function environmentVariables(): Array<{ name: string } & VariableDoc> {
  return Object.entries(EnvSchema.shape).map(([name, schema]) => {
    const doc = docs.get(schema);
    if (!doc) {
      throw new Error(`${name} is declared without variable(): it has no documentation`);
    }
    return { name, ...doc };
  });
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

/** The configuration every part reads: the variables above, checked together and named for use. */
export type Config = ReturnType<typeof readConfig>;
export { ConfigError };

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
  /**
   * Development only: keep generated secrets in the data folder, so a restart keeps sessions and tickets
   * valid. The API process asks for it; tests and tools get ephemeral secrets and write nothing.
   */
  keepDevelopmentSecrets?: boolean;
}

const MIN_SECRET_LENGTH = 32;
/** Vite's and a typical dev server's origins, allowed outside production when CLIENT_URL is unset. */
const DEVELOPMENT_CLIENT_URL = "http://localhost:3000,http://localhost:5173";

/**
 * Reads and checks the environment once. Throws ConfigError naming every bad variable; in production a
 * missing or short secret is one of them, in development a generated one is used instead (kept in the data folder when asked).
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  options: LoadConfigOptions = {},
): LoadedConfig {
  // `PORT=` in an env file means "not set", not zero.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n  ${lines.join("\n  ")}`);
  }
  const warnings: string[] = [];
  return { config: readConfig(parsed.data, options, warnings), warnings };
}

/** The rules between variables (production's above all), and the names the code uses. */
function readConfig(e: Env, options: LoadConfigOptions, warnings: string[]) {
  // Command-line tools (migrate, seed, admin:create) sign no tokens, so they neither need nor warn about secrets.
  const needsSecrets = options.needsSecrets ?? true;
  const production = e.NODE_ENV === "production";

  const dataDir = fromRepoRoot(e.DATA_DIR);
  let kept: ReturnType<typeof developmentSecrets> | undefined;
  const secret = (name: SecretName): string => {
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
    const problem = value ? "is shorter than 32 characters" : "is not set";
    if (e.NODE_ENV === "test" || !options.keepDevelopmentSecrets) {
      warnings.push(
        `${name} ${problem}: using an ephemeral secret, so what it signs stops working when the process restarts`,
      );
      return randomBytes(48).toString("base64url");
    }
    kept ??= developmentSecrets(dataDir);
    warnings.push(`${name} ${problem}: using the development secret kept in ${kept.file}`);
    return kept.secrets[name];
  };
  const jwtAccessSecret = secret("JWT_ACCESS_SECRET");
  const jwtRefreshSecret = secret("JWT_REFRESH_SECRET");
  const ticketSigningSecret = secret("TICKET_SIGNING_SECRET");
  if (jwtAccessSecret === jwtRefreshSecret) {
    throw new ConfigError("JWT_ACCESS_SECRET and JWT_REFRESH_SECRET must differ");
  }
  if (ticketSigningSecret === jwtAccessSecret || ticketSigningSecret === jwtRefreshSecret) {
    throw new ConfigError("TICKET_SIGNING_SECRET must differ from JWT_ACCESS_SECRET and JWT_REFRESH_SECRET");
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
    warnings.push(`DATABASE_URL is not set: using embedded PGlite under ${dataDir}, one process only`);
  }

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST ?? (production ? "0.0.0.0" : "127.0.0.1"),
    corsOrigins,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ""),
    databaseUrl: e.DATABASE_URL,
    dataDir,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    jwtAccessSecret,
    jwtRefreshSecret,
    ticketSigningSecret,
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
