import * as c from "@boxoffice/contracts";
import { type DbHandle, seatClaims, users } from "@boxoffice/db";
import { createTestDb } from "@boxoffice/db/testing";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";
import { createMovie } from "../catalog/movies.ts";
import { createScreen } from "../catalog/screens.ts";
import { createShowtime } from "../catalog/showtimes.ts";
import { createTheater } from "../catalog/theaters.ts";
import type { PaymentsDeps } from "../payments/deps.ts";
import { devPaymentProvider } from "../payments/dev-provider.ts";
import { paymentProviders } from "../payments/provider.ts";
import { inProcessSeatBus } from "../seating/bus.ts";
import type { SeatingDeps } from "../seating/deps.ts";
import { type ManualClock, manualClock } from "../shared/clock.ts";
import { createLogger } from "../shared/logger.ts";
import { ticketSecret } from "../tickets/index.ts";

/** What the core's use cases need, on a fresh migrated database and a clock only the test moves. */
export interface SaleWorld {
  handle: DbHandle;
  clock: ManualClock;
  deps: PaymentsDeps & SeatingDeps;
  close(): Promise<void>;
}

export const HOLD_TTL_SECONDS = 600;

export async function saleWorld(start = "2030-01-01T10:00:00Z"): Promise<SaleWorld> {
  const handle = await createTestDb();
  const clock = manualClock(start);
  const bus = inProcessSeatBus();
  return {
    handle,
    clock,
    deps: {
      db: handle.db,
      clock,
      bus,
      logger: createLogger("silent"),
      providers: paymentProviders(devPaymentProvider("core test secret")),
      ticketSecret: ticketSecret("core test ticket secret"),
      settings: { holdTtlSeconds: HOLD_TTL_SECONDS, holdMaxLifetimeSeconds: 1800, holdMaxSeats: 10 },
    },
    async close() {
      await bus.close();
      await handle.close();
    },
  };
}

/** One world for a test file: made before its tests, closed after them. */
export function useSaleWorld(): SaleWorld {
  // Filled in by beforeAll: tests only touch it once that has run.
  const world = {} as SaleWorld;
  beforeAll(async () => {
    Object.assign(world, await saleWorld());
  });
  afterAll(async () => {
    await world.close?.();
  });
  return world;
}

let counter = 0;

/** A theater with one screen of rows A and B (six standard seats each), a movie and a showtime of it. */
export async function showtimeOnSale(
  world: SaleWorld,
  startAt = "2030-01-02T18:00:00Z",
): Promise<{ id: string; basePrice: number; salesCloseAt: Date; endAt: Date }> {
  const deps = { db: world.handle.db, clock: world.clock };
  const n = ++counter;
  const theater = await createTheater(
    deps,
    c.createTheater.input.parse({
      name: `Core Cinema ${n}`,
      address: { line1: "1 Test Road", city: "Mumbai", country: "IN" },
      location: { lat: 19.07, lng: 72.87 },
      timeZone: "Asia/Kolkata",
    }),
  );
  const seats = Array.from({ length: 6 }, (_, i) => ({ number: i + 1 }));
  const screen = await createScreen(
    deps,
    c.createScreen.input.parse({
      theaterId: theater.id,
      name: "Screen 1",
      layout: {
        rows: [
          { label: "A", seats },
          { label: "B", seats },
        ],
        blocked: [],
      },
    }),
  );
  const movie = await createMovie(
    deps,
    c.createMovie.input.parse({
      title: `Core Movie ${n}`,
      runtimeMinutes: 120,
      genres: ["Drama"],
      languages: ["English"],
    }),
  );
  const showtime = await createShowtime(
    deps,
    c.createShowtime.input.parse({
      theaterId: theater.id,
      screenId: screen.id,
      movieId: movie.id,
      startAt,
      language: "English",
      format: "2D",
      basePrice: 20_000,
    }),
  );
  return {
    id: showtime.id,
    basePrice: 20_000,
    salesCloseAt: new Date(showtime.salesCloseAt),
    endAt: new Date(showtime.endAt),
  };
}

/** A customer's row: holds and bookings name their user. */
export async function newUser(world: SaleWorld): Promise<string> {
  const [row] = await world.handle.db
    .insert(users)
    .values({ email: `core-${++counter}-${Date.now()}@example.com` })
    .returning({ id: users.id });
  if (!row) {
    throw new Error("no user row");
  }
  return row.id;
}

/** Every claim on the showtime's seats, by seat, as a reader of the table sees it. */
export async function claimsOf(world: SaleWorld, showtimeId: string) {
  return world.handle.db
    .select({
      seatId: seatClaims.seatId,
      holdId: seatClaims.holdId,
      bookingId: seatClaims.bookingId,
      userId: seatClaims.userId,
      expiresAt: seatClaims.expiresAt,
    })
    .from(seatClaims)
    .where(eq(seatClaims.showtimeId, showtimeId))
    .orderBy(asc(seatClaims.seatId));
}
