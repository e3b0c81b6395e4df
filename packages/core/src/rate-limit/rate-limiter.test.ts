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

  it("a flood of other keys never resets a window early: past 100,000 keys they are counted apart", async () => {
    const clock = manualClock();
    const limiter = memoryRateLimiter(clock);
    const key = "auth.login:account:the-target";
    for (let i = 0; i < 3; i++) {
      await limiter.hit(key, 3, 900_000);
    }
    expect((await limiter.hit(key, 3, 900_000)).allowed).toBe(false);
    // Made-up emails, one hit each: more keys than the exact table holds.
    for (let i = 0; i < 120_000; i++) {
      await limiter.hit(`auth.login:account:made-up-${i}`, 3, 900_000);
    }
    clock.advance(60_000);
    const still = await limiter.hit(key, 3, 900_000);
    expect(still.allowed).toBe(false);
    expect(still.retryAfterSeconds).toBe(840);
    clock.advance(840_000);
    expect((await limiter.hit(key, 3, 900_000)).allowed).toBe(true);
  });

  it("keys that find the table full are still limited (counted approximately, never under)", async () => {
    const clock = manualClock();
    const limiter = memoryRateLimiter(clock, 100);
    for (let i = 0; i < 100; i++) {
      await limiter.hit(`filler-${i}`, 3, 60_000);
    }
    const late = [];
    for (let i = 0; i < 5; i++) {
      late.push((await limiter.hit("late-comer", 3, 60_000)).allowed);
    }
    expect(late).toEqual([true, true, true, false, false]);
    const refused = await limiter.hit("late-comer", 3, 60_000);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(120);
    // Once the fillers' windows are over they make room again, and the table counts exactly.
    clock.advance(120_001);
    expect((await limiter.hit("late-comer", 3, 60_000)).allowed).toBe(true);
  });

  it("undo gives back one hit of the current window, never below zero, never into a new one", async () => {
    const clock = manualClock();
    const limiter = memoryRateLimiter(clock);
    for (let i = 0; i < 3; i++) {
      await limiter.hit("k", 3, 60_000);
    }
    await limiter.undo("k", 60_000);
    expect((await limiter.hit("k", 3, 60_000)).allowed).toBe(true);
    expect((await limiter.hit("k", 3, 60_000)).allowed).toBe(false);
    await limiter.undo("never-hit", 60_000);
    expect((await limiter.hit("never-hit", 1, 60_000)).allowed).toBe(true);
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

  it("undo takes one hit back, keeps the expiry, and never creates a key", async () => {
    const limiter = redisRateLimiter(redis, prefix);
    await limiter.hit("undo", 2, 60_000);
    await limiter.hit("undo", 2, 60_000);
    await limiter.undo("undo", 60_000);
    expect(await redis.get(`${prefix}rl:undo`)).toBe("1");
    expect(await redis.pttl(`${prefix}rl:undo`)).toBeGreaterThan(0);
    await limiter.undo("absent", 60_000);
    expect(await redis.exists(`${prefix}rl:absent`)).toBe(0);
  });
});
