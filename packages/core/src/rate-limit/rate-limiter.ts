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
}

function result(count: number, limit: number, msLeft: number): RateLimitResult {
  return {
    allowed: count <= limit,
    remaining: Math.max(0, limit - count),
    retryAfterSeconds: Math.max(1, Math.ceil(msLeft / 1000)),
  };
}

/** One process only: each API instance counts on its own. Use the Redis limiter when there are several. */
export function memoryRateLimiter(clock: Clock, maxKeys = 100_000): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let nextSweep = 0;
  return {
    async hit(key, limit, windowMs) {
      const now = clock.now().getTime();
      let window = windows.get(key);
      if (!window || window.resetAt <= now) {
        // Expired windows are swept at most once per window, so a flood of new keys costs O(1) each.
        if (now >= nextSweep) {
          nextSweep = now + windowMs;
          for (const [k, w] of windows) {
            if (w.resetAt <= now) {
              windows.delete(k);
            }
          }
        }
        // Past the cap the oldest windows go first (a Map iterates in insertion order).
        for (const k of windows.keys()) {
          if (windows.size < maxKeys) {
            break;
          }
          windows.delete(k);
        }
        windows.delete(key);
        window = { count: 0, resetAt: now + windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      return result(window.count, limit, window.resetAt - now);
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

/**
 * Shared by every API instance on the same Redis. If Redis cannot answer, the request is let through
 * (and `onUnavailable` told): a Redis outage must not lock everyone out of signing in.
 */
export function redisRateLimiter(
  redis: Redis,
  prefix: string,
  onUnavailable?: (err: Error) => void,
): RateLimiter {
  return {
    async hit(key, limit, windowMs) {
      try {
        const reply = (await redis.eval(HIT_SCRIPT, 1, `${prefix}rl:${key}`, windowMs)) as [number, number];
        return result(reply[0], limit, reply[1]);
      } catch (err) {
        onUnavailable?.(err instanceof Error ? err : new Error(String(err)));
        return { allowed: true, remaining: limit, retryAfterSeconds: 0 };
      }
    },
  };
}
