import { createRequire } from "node:module";
// Like pg, ioredis is not resolvable from bench/ by name: use the copy the API itself runs on.
import type { Redis as RedisClient, RedisOptions } from "../../apps/api/node_modules/ioredis";

const requireFromApi = createRequire(new URL("../../apps/api/package.json", import.meta.url));
const { Redis } = requireFromApi("ioredis") as {
  Redis: new (url: string, options: RedisOptions) => RedisClient;
};

/**
 * Deletes every Redis key under the run's prefix (BullMQ's delayed hold-expiry jobs, mostly), so a run
 * with REDIS_URL leaves Redis as it found it. Keys of anything else on that Redis are not touched.
 */
export async function deleteRedisKeys(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let deleted = 0;
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) {
        deleted += await redis.del(...keys);
      }
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  return deleted;
}
