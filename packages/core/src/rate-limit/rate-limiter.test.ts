import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { manualClock } from "../shared/clock.ts";
import { memoryRateLimiter, type RateLimiter, redisRateLimiter } from "./rate-limiter.ts";

async function exerciseWindow(limiter: RateLimiter, key: string) {
  const verdicts = [];
  for (let i = 0; i < 4; i++) {
    verdicts.push(await limiter.hit(key, 3, 60_000));
  }
  return verdicts;
}

describe("memory rate limiter", () => {
  it("allows `limit` hits per window per key, then refuses until the window ends", async () => {
    const clock = manualClock();
    const limiter = memoryRateLimiter(clock);
    const verdicts = await exerciseWindow(limiter, "ip-1");
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, false]);
    expect(verdicts[3]?.retryAfterSeconds).toBe(60);
    expect((await limiter.hit("ip-2", 3, 60_000)).allowed).toBe(true);
    clock.advance(60_001);
    expect((await limiter.hit("ip-1", 3, 60_000)).allowed).toBe(true);
  });
});

describe.runIf(process.env.REDIS_URL)("redis rate limiter", () => {
  const redis = new Redis(process.env.REDIS_URL ?? "", { maxRetriesPerRequest: null });
  const prefix = `test:${randomBytes(6).toString("hex")}:`;
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) {
      await redis.del(...keys);
    }
    await redis.quit();
  });

  it("counts across limiter instances sharing one Redis, and the key expires with the window", async () => {
    const a = redisRateLimiter(redis, prefix);
    const b = redisRateLimiter(redis, prefix);
    expect((await a.hit("ip", 2, 60_000)).allowed).toBe(true);
    expect((await b.hit("ip", 2, 60_000)).allowed).toBe(true);
    const third = await a.hit("ip", 2, 60_000);
    expect(third.allowed).toBe(false);
    expect(third.retryAfterSeconds).toBeGreaterThan(0);
    expect(await redis.pttl(`${prefix}rl:ip`)).toBeGreaterThan(0);
  });
});
