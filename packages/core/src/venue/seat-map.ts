import type { ScreenLayout, SeatMap, SeatType } from "@boxoffice/contracts";

/** The derived seat map clients draw: each seat with its row, number, type and grid position. */
export function buildSeatMap(layout: ScreenLayout): SeatMap {
  const blocked = new Set(layout.blocked);
  const seats: SeatMap["seats"] = [];
  let width = 0;
  layout.rows.forEach((row, y) => {
    let x = 0;
    for (const cell of row.seats) {
      if ("gap" in cell) {
        x += cell.gap;
        continue;
      }
      const id = cell.id ?? `${row.label}${cell.number}`;
      seats.push({
        id,
        row: row.label,
        number: cell.number,
        type: (cell.type ?? "standard") as SeatType,
        blocked: blocked.has(id),
        x,
        y,
        ...(cell.pairWith ? { pairWith: cell.pairWith } : {}),
      });
      x += 1;
    }
    width = Math.max(width, x);
  });
  return { width, height: layout.rows.length, rows: layout.rows.map((r) => r.label), seats };
}

export function countSeats(layout: ScreenLayout): number {
  return layout.rows.reduce((n, row) => n + row.seats.filter((cell) => !("gap" in cell)).length, 0);
}
