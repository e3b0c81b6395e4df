import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./env.ts";
import { fromRepoRoot } from "./paths.ts";

const strong = (c: string) => c.repeat(40);

/** What every production start needs besides a payment provider. */
const productionBase = {
  NODE_ENV: "production",
  JWT_ACCESS_SECRET: strong("a"),
  JWT_REFRESH_SECRET: strong("r"),
  TICKET_SIGNING_SECRET: strong("t"),
  PUBLIC_URL: "https://tickets.example.com",
};

const razorpayKeys = {
  PAYMENT_PROVIDER: "razorpay",
  RAZORPAY_KEY_ID: "rzp_test_k",
  RAZORPAY_KEY_SECRET: "ks",
  RAZORPAY_WEBHOOK_SECRET: "ws",
};

describe("loadConfig", () => {
  it("gives the documented defaults on an empty environment, with ephemeral secrets and a warning", () => {
    const { config, warnings } = loadConfig({});
    expect(config).toMatchObject({
      env: "development",
      port: 8080,
      dataDir: fromRepoRoot("./data"),
      databaseUrl: undefined,
      redisUrl: undefined,
      rateLimitAuthPerMin: 20,
      accessTokenTtlSeconds: 900,
      seedDemoData: true,
    });
    expect(config.jwtAccessSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.jwtAccessSecret).not.toBe(config.jwtRefreshSecret);
    expect(warnings.join("\n")).toMatch(/JWT_ACCESS_SECRET is not set: using an ephemeral secret/);
    expect(config.host).toBe("127.0.0.1");
  });

  it("keeps development's generated secrets in the data folder when asked, and reads them back", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "boxoffice-secrets-"));
    try {
      const first = loadConfig({ DATA_DIR: dataDir }, { keepDevelopmentSecrets: true });
      const again = loadConfig({ DATA_DIR: dataDir }, { keepDevelopmentSecrets: true });
      expect(again.config.jwtAccessSecret).toBe(first.config.jwtAccessSecret);
      expect(again.config.ticketSigningSecret).toBe(first.config.ticketSigningSecret);
      expect(first.config.jwtAccessSecret).not.toBe(first.config.jwtRefreshSecret);
      expect(first.warnings.join("\n")).toContain(join(dataDir, "development-secrets.json"));
      // A variable that is set still wins over the kept file.
      const set = loadConfig(
        { DATA_DIR: dataDir, JWT_ACCESS_SECRET: strong("a") },
        { keepDevelopmentSecrets: true },
      );
      expect(set.config.jwtAccessSecret).toBe(strong("a"));
      expect(set.config.jwtRefreshSecret).toBe(first.config.jwtRefreshSecret);
      // Tests and tools never write one.
      const tool = loadConfig({ DATA_DIR: join(dataDir, "tool") });
      expect(existsSync(join(dataDir, "tool"))).toBe(false);
      expect(tool.config.jwtAccessSecret).not.toBe(first.config.jwtAccessSecret);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("listens on every interface by default only in production", () => {
    expect(loadConfig({ NODE_ENV: "test" }).config.host).toBe("127.0.0.1");
    expect(loadConfig({ ...productionBase, ...razorpayKeys }).config.host).toBe("0.0.0.0");
    expect(loadConfig({ HOST: "0.0.0.0" }).config.host).toBe("0.0.0.0");
  });

  it("splits CLIENT_URL into the CORS allow-list", () => {
    const { config } = loadConfig({ CLIENT_URL: "https://a.example, https://b.example" });
    expect(config.corsOrigins).toEqual(["https://a.example", "https://b.example"]);
  });

  it("in production, a missing or weak secret stops start-up naming the variable", () => {
    expect(() => loadConfig({ NODE_ENV: "production", JWT_REFRESH_SECRET: strong("r") })).toThrow(
      /JWT_ACCESS_SECRET is required in production/,
    );
    expect(() =>
      loadConfig({ NODE_ENV: "production", JWT_ACCESS_SECRET: strong("a"), JWT_REFRESH_SECRET: "tiny" }),
    ).toThrow(/JWT_REFRESH_SECRET is too weak/);
    const { config } = loadConfig({
      ...productionBase,
      DATABASE_URL: "postgres://db.internal/boxoffice",
      ...razorpayKeys,
    });
    expect(config.seedDemoData).toBe(false);
  });

  it("production takes money through a real provider with all its keys; elsewhere dev is the default", () => {
    const secrets = productionBase;
    expect(() => loadConfig(secrets)).toThrow(/PAYMENT_PROVIDER must be razorpay or stripe in production/);
    expect(() => loadConfig({ ...secrets, PAYMENT_PROVIDER: "dev" })).toThrow(/PAYMENT_PROVIDER/);
    expect(() =>
      loadConfig({ ...secrets, PAYMENT_PROVIDER: "razorpay", RAZORPAY_KEY_ID: "rzp_live_x" }),
    ).toThrow(/RAZORPAY_KEY_SECRET, RAZORPAY_WEBHOOK_SECRET/);
    expect(() => loadConfig({ PAYMENT_PROVIDER: "stripe" })).toThrow(
      /STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET/,
    );
    expect(() => loadConfig({ PAYMENT_PROVIDER: "paypal" })).toThrow(/PAYMENT_PROVIDER/);
    const { config } = loadConfig({ ...secrets, ...razorpayKeys });
    expect(config.payments).toEqual({
      provider: "razorpay",
      razorpay: { keyId: "rzp_test_k", keySecret: "ks", webhookSecret: "ws", apiBaseUrl: undefined },
      stripe: undefined,
    });
    expect(loadConfig({}).config.payments.provider).toBe("dev");
  });

  it("production has no dev SMS provider: phone sign-in is off unless a real one is configured", () => {
    const production = {
      ...productionBase,
      DATABASE_URL: "postgres://db.internal/boxoffice",
      REDIS_URL: "redis://cache.internal:6379",
      ...razorpayKeys,
    };
    expect(() => loadConfig({ ...production, SMS_PROVIDER: "dev" })).toThrow(
      /SMS_PROVIDER=dev cannot run in production/,
    );
    const off = loadConfig(production);
    expect(off.config.sms).toEqual({ provider: "none" });
    expect(off.warnings.join("\n")).toMatch(/phone sign-in is off/);
    expect(loadConfig({ ...production, SMS_PROVIDER: "none" }).config.sms).toEqual({ provider: "none" });
    expect(loadConfig({}).config.sms).toEqual({ provider: "dev" });
    expect(loadConfig({ SMS_PROVIDER: "none" }).config.sms).toEqual({ provider: "none" });
    expect(() => loadConfig({ SMS_PROVIDER: "carrier-pigeon" })).toThrow(/SMS_PROVIDER/);
  });

  it("warns when production runs without Redis: each process would count rate limits alone", () => {
    const production = {
      ...productionBase,
      DATABASE_URL: "postgres://db.internal/boxoffice",
      ...razorpayKeys,
    };
    expect(loadConfig(production).warnings.join("\n")).toMatch(/REDIS_URL is not set: rate limits/);
    const withRedis = loadConfig({ ...production, REDIS_URL: "redis://cache.internal:6379" });
    expect(withRedis.warnings.join("\n")).not.toMatch(/REDIS_URL/);
    expect(loadConfig({}).warnings.join("\n")).not.toMatch(/REDIS_URL/);
  });

  it("tickets are signed with a secret of their own, so rotating the JWT secrets leaves them valid", () => {
    const production = { ...productionBase, ...razorpayKeys };
    const { TICKET_SIGNING_SECRET: _, ...noTicketSecret } = production;
    expect(() => loadConfig(noTicketSecret)).toThrow(/TICKET_SIGNING_SECRET is required in production/);
    expect(() => loadConfig({ ...production, TICKET_SIGNING_SECRET: production.JWT_REFRESH_SECRET })).toThrow(
      /TICKET_SIGNING_SECRET must differ/,
    );
    const before = loadConfig(production).config;
    const rotated = loadConfig({
      ...production,
      JWT_REFRESH_SECRET: strong("s"),
      JWT_ACCESS_SECRET: strong("b"),
    });
    expect(rotated.config.ticketSigningSecret).toBe(before.ticketSigningSecret);
    expect(before.ticketSigningSecret).toBe(strong("t"));
  });

  it("production refuses demo data and a missing PUBLIC_URL, and allows no browser origin unless CLIENT_URL says", () => {
    const production = { ...productionBase, ...razorpayKeys };
    expect(() => loadConfig({ ...production, SEED_DEMO_DATA: "true" })).toThrow(
      /SEED_DEMO_DATA=true cannot run in production/,
    );
    expect(loadConfig({ ...production, SEED_DEMO_DATA: "false" }).config.seedDemoData).toBe(false);
    const { PUBLIC_URL: _, ...noPublicUrl } = production;
    expect(() => loadConfig(noPublicUrl)).toThrow(/PUBLIC_URL is required in production/);
    // The worker hands out no links, so it starts without one.
    expect(loadConfig(noPublicUrl, { needsPublicUrl: false }).config.publicUrl).toBeUndefined();
    expect(() => loadConfig({ ...production, PUBLIC_URL: "https://tickets.example.com/app" })).toThrow(
      /PUBLIC_URL: must be an origin/,
    );
    expect(loadConfig({ ...production, PUBLIC_URL: "https://tickets.example.com/" }).config.publicUrl).toBe(
      "https://tickets.example.com",
    );

    const noCors = loadConfig(production);
    expect(noCors.config.corsOrigins).toEqual([]);
    expect(noCors.warnings.join("\n")).toMatch(/CLIENT_URL is not set: no browser origin/);
    const withCors = loadConfig({ ...production, CLIENT_URL: "https://app.example.com" });
    expect(withCors.config.corsOrigins).toEqual(["https://app.example.com"]);
    expect(withCors.warnings.join("\n")).not.toMatch(/CLIENT_URL/);
    // Development keeps its localhost front ends.
    expect(loadConfig({}).config.corsOrigins).toEqual(["http://localhost:3000", "http://localhost:5173"]);
  });

  it("warns that payments go elsewhere when a provider's API base URL is overridden", () => {
    const { warnings } = loadConfig({ ...razorpayKeys, RAZORPAY_API_BASE_URL: "http://127.0.0.1:4010" });
    expect(warnings.join("\n")).toMatch(
      /RAZORPAY_API_BASE_URL is set: payments go to http:\/\/127.0.0.1:4010/,
    );
    expect(() => loadConfig({ STRIPE_API_BASE_URL: "ftp://x" })).toThrow(/STRIPE_API_BASE_URL/);
    // The SDK adds /v1 itself: a path would be dropped or doubled, so start-up refuses it by name.
    expect(() => loadConfig({ STRIPE_API_BASE_URL: "http://127.0.0.1:4020/v1" })).toThrow(
      /STRIPE_API_BASE_URL: must be an origin/,
    );
  });

  it("refuses a hold's maximum life shorter than its time to live, naming both", () => {
    expect(() => loadConfig({ HOLD_TTL_SECONDS: "900", HOLD_MAX_LIFETIME_SECONDS: "600" })).toThrow(
      new ConfigError("HOLD_MAX_LIFETIME_SECONDS (600) must be at least HOLD_TTL_SECONDS (900)"),
    );
    expect(loadConfig({ HOLD_TTL_SECONDS: "900" }).config.holdMaxLifetimeSeconds).toBe(1800);
  });

  it("names each malformed variable", () => {
    try {
      loadConfig({ PORT: "eighty", DATABASE_URL: "mysql://x", RATE_LIMIT_AUTH_PER_MIN: "-1" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as Error).message;
      expect(message).toContain("PORT");
      expect(message).toContain("DATABASE_URL");
      expect(message).toContain("RATE_LIMIT_AUTH_PER_MIN");
    }
  });

  it("tells an operator who set MONGO_URI to use DATABASE_URL", () => {
    const { warnings } = loadConfig({ MONGO_URI: "mongodb://x/y" });
    expect(warnings.join("\n")).toMatch(/stores its data in PostgreSQL: set DATABASE_URL/);
  });

  it("an empty variable means unset, so its default applies (PORT= is not port 0)", () => {
    const { config } = loadConfig({
      PORT: "",
      RATE_LIMIT_AUTH_PER_MIN: "",
      SHUTDOWN_TIMEOUT_MS: "",
      DATABASE_URL: "",
    });
    expect(config).toMatchObject({
      port: 8080,
      rateLimitAuthPerMin: 20,
      shutdownTimeoutMs: 10_000,
      databaseUrl: undefined,
    });
  });

  it("CLIENT_URL entries must be bare origins, which is what browsers send", () => {
    expect(() => loadConfig({ CLIENT_URL: "https://app.example/" })).toThrow(/CLIENT_URL/);
    expect(() => loadConfig({ CLIENT_URL: "app.example" })).toThrow(/CLIENT_URL/);
  });

  it("seeds demo data by itself only on the embedded database outside production", () => {
    expect(loadConfig({}).config.seedDemoData).toBe(true);
    expect(loadConfig({ DATABASE_URL: "postgres://db/x" }).config.seedDemoData).toBe(false);
    expect(loadConfig({ DATABASE_URL: "postgres://db/x", SEED_DEMO_DATA: "true" }).config.seedDemoData).toBe(
      true,
    );
  });

  it("RATE_LIMIT_AUTH_PER_MIN=0 turns the limit off rather than failing", () => {
    expect(loadConfig({ RATE_LIMIT_AUTH_PER_MIN: "0" }).config.rateLimitAuthPerMin).toBe(0);
  });
});
