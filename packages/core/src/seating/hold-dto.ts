import type { Hold, SeatType } from "@boxoffice/contracts";
import type { HoldRow } from "@boxoffice/db";
import type { SeatPlan } from "./seat-plan.ts";

export function toHold(row: HoldRow, plan: SeatPlan): Hold {
  return {
    id: row.id,
    showtimeId: row.showtimeId,
    seatIds: row.seatIds,
    seats: row.seatIds.map((seatId) => ({
      seatId,
      type: (plan.byId.get(seatId)?.type ?? "standard") as SeatType,
      price: row.prices[seatId] ?? 0,
    })),
    total: row.total,
    currency: row.currency,
    status: row.status,
    expiresAt: row.expiresAt.toISOString(),
    maxExpiresAt: row.maxExpiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}
