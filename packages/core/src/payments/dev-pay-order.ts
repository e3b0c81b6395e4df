import { type Database, holds, movies, paymentOrders, showtimes, theaters } from "@boxoffice/db";
import { and, eq } from "drizzle-orm";
import { AppError } from "../shared/errors.ts";

/** What the dev provider's pay page shows of an order: what is paid for, and how much. */
export interface DevPayOrder {
  providerOrderId: string;
  amount: number;
  currency: string;
  /** created until a payment for it is recorded, then paid. */
  status: "created" | "paid";
  movieTitle: string;
  theaterName: string;
  timeZone: string;
  startAt: Date;
  seatIds: string[];
}

/**
 * A dev provider's order by its id, as its pay page needs it; 404 for anything else. The page is public
 * (the order id is the secret a provider's checkout page would have too), so nothing personal is read.
 */
export async function devPayOrder(deps: { db: Database }, providerOrderId: string): Promise<DevPayOrder> {
  const [order] = await deps.db
    .select({
      providerOrderId: paymentOrders.providerOrderId,
      amount: paymentOrders.amount,
      currency: paymentOrders.currency,
      status: paymentOrders.status,
      movieTitle: movies.title,
      theaterName: theaters.name,
      timeZone: theaters.timeZone,
      startAt: showtimes.startAt,
      seatIds: holds.seatIds,
    })
    .from(paymentOrders)
    .innerJoin(holds, eq(holds.id, paymentOrders.holdId))
    .innerJoin(showtimes, eq(showtimes.id, paymentOrders.showtimeId))
    .innerJoin(movies, eq(movies.id, showtimes.movieId))
    .innerJoin(theaters, eq(theaters.id, showtimes.theaterId))
    .where(and(eq(paymentOrders.provider, "dev"), eq(paymentOrders.providerOrderId, providerOrderId)));
  if (!order) {
    throw new AppError("NOT_FOUND", "No such order", { field: "orderId", id: providerOrderId });
  }
  return order;
}
