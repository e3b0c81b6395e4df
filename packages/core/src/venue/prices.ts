import type { SeatType } from "@boxoffice/contracts";

/** What each seat type costs relative to a standard seat, unless the showtime sets its own price. */
export const SEAT_TYPE_MULTIPLIERS: Record<SeatType, number> = {
  standard: 1,
  premium: 1.4,
  recliner: 2,
  wheelchair: 1,
  companion: 1,
  sofa: 1.8,
};

/** Minor units per seat type, for the types given (those present on the screen). */
export function seatTypePrices(
  showtime: { basePrice: number; seatTypePrices: Partial<Record<string, number>> },
  types: Iterable<SeatType>,
): Partial<Record<SeatType, number>> {
  const prices: Partial<Record<SeatType, number>> = {};
  for (const type of types) {
    prices[type] =
      showtime.seatTypePrices[type] ?? Math.round(showtime.basePrice * SEAT_TYPE_MULTIPLIERS[type]);
  }
  return prices;
}
