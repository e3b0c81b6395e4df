import { createHash, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Clock } from "../shared/clock.ts";

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  /** Seconds until the window ends, rounded up; what a 429 sends as Retry-After. */
  retryAfterSeconds: number;
}

/** Fixed-window counting: `limit` hits per `windowMs` per key. */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  /**
   * Takes back one hit of the key's current window, for a budget that counts only failures: the attempt
   * is counted before it runs (so concurrent attempts cannot all slip under the limit) and given back
   * when it succeeds. Never takes a count below zero; may do nothing (the count then errs high).
   */
  undo(key: string, windowMs: number): Promise<void>;
}

function result(count: number, limit: number, msLeft: number): RateLimitResult {
  return {
    allowed: count <= limit,
    remaining: Math.max(0, limit - count),
    retryAfterSeconds: Math.max(1, Math.ceil(msLeft / 1000)),
  };
}

/** Counters per row of a sketch, and rows: 4 × 2^14 × 4 bytes = 256 KiB per generation. */
const SKETCH_WIDTH = 1 << 14;
const SKETCH_DEPTH = 4;

/**
 * Approximate counts for the keys that find the exact table full, in fixed memory: a count-min sketch
 * per window length, in two generations aligned to that length. A key's estimate is the sum of both
 * generations, which covers at least the last whole window: it can only be too high (keys sharing
 * counters), never too low, so no key's window is ever cut short. Under a flood big enough to fill
 * the table, new keys may be limited early; the keys already counted exactly are not touched. The hash
 * is keyed with a random secret, so nobody can aim collisions at someone else's key.
 */
class OverflowSketch {
  private readonly seed = randomBytes(16);
  private generations = new Map<number, { start: number; current: Uint32Array; previous: Uint32Array }>();

  hit(key: string, limit: number, windowMs: number, now: number): RateLimitResult {
    const gen = this.generation(windowMs, now);
    const cells = this.cells(key);
    let current = Number.POSITIVE_INFINITY;
    let previous = Number.POSITIVE_INFINITY;
    for (const cell of cells) {
      gen.current[cell] = (gen.current[cell] ?? 0) + 1;
      current = Math.min(current, gen.current[cell] ?? 0);
      previous = Math.min(previous, gen.previous[cell] ?? 0);
    }
    // Over the limit on this generation alone, the key is clear once this generation has aged out;
    // otherwise once the previous one has.
    const clearAt = current > limit ? gen.start + 2 * windowMs : gen.start + windowMs;
    return result(current + previous, limit, clearAt - now);
  }

  private generation(windowMs: number, now: number) {
    const start = Math.floor(now / windowMs) * windowMs;
    const fresh = () => new Uint32Array(SKETCH_WIDTH * SKETCH_DEPTH);
    let gen = this.generations.get(windowMs);
    if (!gen) {
      gen = { start, current: fresh(), previous: fresh() };
      this.generations.set(windowMs, gen);
    } else if (gen.start < start) {
      // One window on, the last generation is still in view; more than one, and neither is.
      gen.previous = gen.start === start - windowMs ? gen.current : fresh();
      gen.current = fresh();
      gen.start = start;
    }
    return gen;
  }

  private cells(key: string): number[] {
    const digest = createHash("sha256").update(this.seed).update(key).digest();
    return Array.from(
      { length: SKETCH_DEPTH },
      (_, row) => row * SKETCH_WIDTH + (digest.readUInt32LE(row * 4) % SKETCH_WIDTH),
    );
  }
}

/**
 * One process only: each API instance counts on its own (production runs with Redis, and says so at
 * start when it does not). Up to `maxKeys` keys are counted exactly; a window is never dropped before it
 * ends, however many other keys arrive (a flood of made-up emails must not reset the count of guesses
 * against a real one): past the cap, new keys are counted in a fixed-size sketch that can only
 * overcount.
 */
export function memoryRateLimiter(clock: Clock, maxKeys = 100_000): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  const overflow = new OverflowSketch();
  let nextSweep = 0;
  let nextFullSweep = 0;
  const sweep = (now: number) => {
    for (const [k, w] of windows) {
      if (w.resetAt <= now) {
        windows.delete(k);
      }
    }
  };
  return {
    async hit(key, limit, windowMs) {
      const now = clock.now().getTime();
      let window = windows.get(key);
      if (!window || window.resetAt <= now) {
        // Expired windows are swept at most once per window, so a flood of new keys costs O(1) each.
        if (now >= nextSweep) {
          nextSweep = now + windowMs;
          sweep(now);
        }
        windows.delete(key);
        if (windows.size >= maxKeys && now >= nextFullSweep) {
          // Full: whatever has expired since the last sweep makes room (at most once a second).
          nextFullSweep = now + 1000;
          sweep(now);
        }
        if (windows.size >= maxKeys) {
          return overflow.hit(key, limit, windowMs, now);
        }
        window = { count: 0, resetAt: now + windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      return result(window.count, limit, window.resetAt - now);
    },
    async undo(key) {
      const window = windows.get(key);
      if (window && window.resetAt > clock.now().getTime() && window.count > 0) {
        window.count -= 1;
      }
    },
  };
}

// INCR and the first PEXPIRE in one step, so a crash between them cannot leave a key that never expires.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
`;

// DECR only a live count above zero: never creates a key, never goes negative, keeps the expiry.
const UNDO_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
return count
`;

/**
 * Shared by every API instance on the same Redis. If Redis cannot answer, the request is let through
 * (and `onUnavailable` told): a Redis outage must not lock everyone out of signing in.
 */
export function redisRateLimiter(
  redis: Redis,
  prefix: string,
  onUnavailable?: (err: Error) => void,
): RateLimiter {
  const unavailable = (err: unknown) => onUnavailable?.(err instanceof Error ? err : new Error(String(err)));
  return {
    async hit(key, limit, windowMs) {
      try {
        const reply = (await redis.eval(HIT_SCRIPT, 1, `${prefix}rl:${key}`, windowMs)) as [number, number];
        return result(reply[0], limit, reply[1]);
      } catch (err) {
        unavailable(err);
        return { allowed: true, remaining: limit, retryAfterSeconds: 0 };
      }
    },
    async undo(key) {
      try {
        await redis.eval(UNDO_SCRIPT, 1, `${prefix}rl:${key}`);
      } catch (err) {
        unavailable(err);
      }
    },
  };
}
