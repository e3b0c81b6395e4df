import { sleep } from "@boxoffice/testkit";

/** Runs `work` over `items` with at most `width` in flight, results in order. */
export async function pool<T, R>(items: T[], width: number, work: (item: T, i: number) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T, i);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Polls `probe` every `everyMs` until it returns true or `timeoutMs` passes; says which. */
export async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) {
      return true;
    }
    if (Date.now() > deadline) {
      return false;
    }
    await sleep(everyMs);
  }
}

export const round = (n: number, digits = 0) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : Number.NaN);
