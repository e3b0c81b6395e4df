import type { SeatMap, SeatType } from "@boxoffice/contracts";

/**
 * The best `count` adjacent free seats in one row: nearest the screen's sweet spot (two thirds of the
 * way back, centred), never leaving a single free seat stranded beside the group. Returns candidates
 * best first, so a caller that loses a race can try the next.
 */
export function bestAvailable(
  seatMap: SeatMap,
  taken: Set<string>,
  count: number,
  seatType?: SeatType,
  limit = 5,
): string[][] {
  const sweetY = (seatMap.height - 1) * (2 / 3);
  const sweetX = (seatMap.width - 1) / 2;
  const rows = new Map<string, SeatMap["seats"]>();
  for (const seat of seatMap.seats) {
    const list = rows.get(seat.row) ?? [];
    list.push(seat);
    rows.set(seat.row, list);
  }
  const candidates: Array<{ ids: string[]; score: number }> = [];
  for (const seats of rows.values()) {
    seats.sort((a, b) => a.x - b.x);
    // Runs of free, touching seats of the wanted type.
    let run: SeatMap["seats"] = [];
    const flush = () => {
      for (let start = 0; start + count <= run.length; start++) {
        const before = start;
        const after = run.length - start - count;
        if (before === 1 || after === 1) {
          continue;
        }
        const group = run.slice(start, start + count);
        const first = group[0];
        const last = group[group.length - 1];
        if (!first || !last) {
          continue;
        }
        const cx = (first.x + last.x) / 2;
        const score = Math.abs(first.y - sweetY) * 2 + Math.abs(cx - sweetX);
        candidates.push({ ids: group.map((s) => s.id), score });
      }
      run = [];
    };
    for (const seat of seats) {
      const free = !seat.blocked && !taken.has(seat.id) && (!seatType || seat.type === seatType);
      const prev = run[run.length - 1];
      if (!free || (prev && seat.x - prev.x !== 1)) {
        flush();
      }
      if (free) {
        run.push(seat);
      }
    }
    flush();
  }
  candidates.sort((a, b) => a.score - b.score);
  return candidates.slice(0, limit).map((c) => c.ids);
}
