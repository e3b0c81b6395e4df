import type { Availability } from "@boxoffice/contracts";

/**
 * What a person picks on the seat map: `count` free seats side by side in one row, at random among the
 * rows that have them; or, failing that, any free seats. Empty when nothing is free.
 */
export function pickSeats(availability: Availability, count: number, random: () => number): string[] {
  const free = availability.seats.filter((s) => s.status === "available").map((s) => s.id);
  if (free.length === 0) {
    return [];
  }
  const byRow = new Map<string, number[]>();
  for (const id of free) {
    const match = /^([A-Z]+)(\d+)$/.exec(id);
    if (match?.[1] && match[2]) {
      const list = byRow.get(match[1]) ?? [];
      list.push(Number(match[2]));
      byRow.set(match[1], list);
    }
  }
  const runs: string[][] = [];
  for (const [row, numbers] of byRow) {
    numbers.sort((a, b) => a - b);
    for (let i = 0; i + count <= numbers.length; i++) {
      const first = numbers[i] ?? 0;
      if (numbers[i + count - 1] === first + count - 1) {
        runs.push(Array.from({ length: count }, (_, k) => `${row}${first + k}`));
      }
    }
  }
  if (runs.length > 0) {
    return runs[Math.floor(random() * runs.length)] ?? [];
  }
  const picked: string[] = [];
  const pool = [...free];
  while (picked.length < count && pool.length > 0) {
    picked.push(pool.splice(Math.floor(random() * pool.length), 1)[0] as string);
  }
  return picked;
}
