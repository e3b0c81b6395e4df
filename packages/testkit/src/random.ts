export type Rng = () => number;

/**
 * mulberry32: a small seeded generator, so a run can be replayed from its seed, and the two sides of a
 * benchmark draw the same sequence of showtimes and seats and differ only in what serves them.
 */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number from min to max, both included. */
export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pickOne<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) {
    throw new Error("pickOne: no items");
  }
  return item;
}

/** `count` distinct items; rejection sampling is cheapest when count is tiny next to items.length. */
export function pickDistinct<T>(rng: Rng, items: readonly T[], count: number): T[] {
  const chosen = new Set<T>();
  while (chosen.size < Math.min(count, items.length)) {
    chosen.add(pickOne(rng, items));
  }
  return [...chosen];
}

/** A shuffled copy of `items` (Fisher-Yates), the same order for the same generator state. */
export function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
