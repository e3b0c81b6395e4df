import { Redis } from "ioredis";

/**
 * Deletes every key under a prefix (BullMQ's queues and schedulers, rate-limit counters), so a proof
 * scenario or a benchmark run leaves the shared Redis as it found it. Keys of anything else on that Redis are not touched.
 */
export async function deleteRedisKeys(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on("error", () => {});
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
