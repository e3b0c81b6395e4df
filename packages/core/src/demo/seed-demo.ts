import { DEFAULT_CANCELLATION_POLICY } from "@boxoffice/contracts";
import { type Database, movies, screens, showtimes, theaters, users } from "@boxoffice/db";
import { and, count, eq, inArray } from "drizzle-orm";
import { hashPassword } from "../auth/passwords.ts";
import { CLEANING_GAP_MINUTES, SALES_CUTOFF_AFTER_START_MINUTES } from "../catalog/showtimes.ts";
import type { Clock } from "../shared/clock.ts";
import { addDays, localDate, zonedTimeToInstant } from "../shared/time.ts";
import { countSeats } from "../venue/seat-map.ts";
import { DEMO_DAYS, DEMO_MOVIES, DEMO_SLOTS, DEMO_THEATERS } from "./demo-catalog.ts";

/** For local use only: the README states these so a developer can sign in at once. */
export const DEMO_ACCOUNTS = [
  {
    email: "admin@boxoffice.example",
    password: "boxoffice-admin",
    name: "Demo Admin",
    roles: ["user", "admin"],
  },
  {
    email: "staff@boxoffice.example",
    password: "boxoffice-staff",
    name: "Demo Staff",
    roles: ["user", "staff"],
  },
  { email: "user@boxoffice.example", password: "boxoffice-user", name: "Demo User", roles: ["user"] },
] as const;

export async function isDatabaseEmpty(deps: { db: Database }): Promise<boolean> {
  const [row] = await deps.db.select({ n: count() }).from(users);
  return (row?.n ?? 0) === 0;
}

export interface SeedResult {
  accounts: number;
  theaters: number;
  screens: number;
  movies: number;
  showtimes: number;
}

/**
 * Demo accounts, three theaters in two time zones, six screens, a dozen movies and a week of showtimes
 * from today in each theater's own time zone. Idempotent: what exists is left alone, so running it again
 * (or on a later day) only adds what is missing.
 */
export async function seedDemo(deps: { db: Database; clock: Clock }): Promise<SeedResult> {
  const now = deps.clock.now();
  const accountRows = await Promise.all(
    DEMO_ACCOUNTS.map(async (a) => ({
      email: a.email,
      name: a.name,
      roles: [...a.roles],
      passwordHash: await hashPassword(a.password),
      createdAt: now,
      updatedAt: now,
    })),
  );
  return deps.db.transaction(async (tx) => {
    const result: SeedResult = { accounts: 0, theaters: 0, screens: 0, movies: 0, showtimes: 0 };
    result.accounts = (
      await tx.insert(users).values(accountRows).onConflictDoNothing().returning({ id: users.id })
    ).length;

    result.movies = (
      await tx
        .insert(movies)
        .values(DEMO_MOVIES.map((m) => ({ ...m, createdAt: now, updatedAt: now })))
        .onConflictDoNothing()
        .returning({ id: movies.id })
    ).length;
    const movieRows = await tx
      .select({ id: movies.id, runtimeMinutes: movies.runtimeMinutes, languages: movies.languages })
      .from(movies)
      .where(
        inArray(
          movies.tmdbId,
          DEMO_MOVIES.map((m) => m.tmdbId ?? 0),
        ),
      );

    let slotIndex = 0;
    for (const demo of DEMO_THEATERS) {
      let [theater] = await tx.select().from(theaters).where(eq(theaters.name, demo.name)).limit(1);
      if (!theater) {
        [theater] = await tx
          .insert(theaters)
          .values({
            name: demo.name,
            address: demo.address,
            latitude: demo.location.lat,
            longitude: demo.location.lng,
            contact: demo.contact,
            timeZone: demo.timeZone,
            cancellationPolicy: demo.cancellationPolicy ?? DEFAULT_CANCELLATION_POLICY,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        result.theaters += 1;
      }
      if (!theater) {
        throw new Error("theater insert returned no row");
      }
      const today = localDate(now, demo.timeZone);
      for (const demoScreen of demo.screens) {
        const inserted = await tx
          .insert(screens)
          .values({
            theaterId: theater.id,
            name: demoScreen.name,
            layout: demoScreen.layout,
            seatCount: countSeats(demoScreen.layout),
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing()
          .returning({ id: screens.id });
        result.screens += inserted.length;
        const [screen] = await tx
          .select({ id: screens.id })
          .from(screens)
          .where(and(eq(screens.theaterId, theater.id), eq(screens.name, demoScreen.name)));
        if (!screen) {
          throw new Error("screen missing after insert");
        }
        const values = [];
        for (let day = 0; day < DEMO_DAYS; day++) {
          for (const slot of DEMO_SLOTS) {
            const movie = movieRows[slotIndex % movieRows.length];
            slotIndex += 1;
            if (!movie) {
              continue;
            }
            const startAt = zonedTimeToInstant(addDays(today, day), slot, demo.timeZone);
            values.push({
              movieId: movie.id,
              theaterId: theater.id,
              screenId: screen.id,
              startAt,
              endAt: new Date(startAt.getTime() + (movie.runtimeMinutes + CLEANING_GAP_MINUTES) * 60_000),
              salesCloseAt: new Date(startAt.getTime() + SALES_CUTOFF_AFTER_START_MINUTES * 60_000),
              language: movie.languages.includes(demoScreen.language)
                ? demoScreen.language
                : (movie.languages[0] ?? "English"),
              format: demoScreen.format,
              basePrice: demoScreen.basePrice,
              currency: demo.currency,
              status: "on_sale" as const,
              createdAt: now,
              updatedAt: now,
            });
          }
        }
        // The overlap constraint makes a re-run skip the slots already taken.
        result.showtimes += (
          await tx.insert(showtimes).values(values).onConflictDoNothing().returning({ id: showtimes.id })
        ).length;
      }
    }
    return result;
  });
}
