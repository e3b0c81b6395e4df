import type { SeatMap } from "@boxoffice/contracts";

/**
 * Seats that would be left as a lone empty seat between two taken ones (taken meaning claimed or
 * blocked) in the same row with no aisle between them. Seats at a row's end or beside an aisle never
 * count: someone can still reach and want them.
 */
export function orphanSeats(seatMap: SeatMap, taken: Set<string>, rows: Set<string>): string[] {
  const orphans: string[] = [];
  const byRow = new Map<string, SeatMap["seats"]>();
  for (const seat of seatMap.seats) {
    if (rows.has(seat.row)) {
      const list = byRow.get(seat.row) ?? [];
      list.push(seat);
      byRow.set(seat.row, list);
    }
  }
  for (const seats of byRow.values()) {
    seats.sort((a, b) => a.x - b.x);
    const occupied = (i: number) => {
      const seat = seats[i];
      return seat !== undefined && (seat.blocked || taken.has(seat.id));
    };
    for (let i = 1; i < seats.length - 1; i++) {
      const left = seats[i - 1];
      const seat = seats[i];
      const right = seats[i + 1];
      if (!left || !seat || !right || occupied(i)) {
        continue;
      }
      const touching = seat.x - left.x === 1 && right.x - seat.x === 1;
      if (touching && occupied(i - 1) && occupied(i + 1)) {
        orphans.push(seat.id);
      }
    }
  }
  return orphans;
}
