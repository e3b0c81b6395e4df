import type {
  listTheaters as listTheatersContract,
  Theater,
  TheaterInput,
  TheaterPatch,
} from "@boxoffice/contracts";
import { type Database, screens, theaters } from "@boxoffice/db";
import { and, asc, count, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Clock } from "../shared/clock.ts";
import { AppError, invalidField } from "../shared/errors.ts";
import { findTheater } from "./find.ts";
import { toTheater } from "./to-dto.ts";

type Deps = { db: Database; clock: Clock };
type ListInput = z.output<typeof listTheatersContract.input>;

/**
 * The zone must be one PostgreSQL knows too: date filters run `AT TIME ZONE` in SQL, and a zone only the
 * JavaScript side accepts would break every search that touches the theater.
 */
async function assertZoneKnownToDatabase(db: Database, timeZone: string): Promise<void> {
  try {
    await db.execute(sql`select now() at time zone ${timeZone}`);
  } catch {
    throw invalidField("timeZone", `time zone ${timeZone} is not known to the database`);
  }
}

export async function createTheater(deps: Deps, input: TheaterInput): Promise<Theater> {
  await assertZoneKnownToDatabase(deps.db, input.timeZone);
  const now = deps.clock.now();
  const [row] = await deps.db
    .insert(theaters)
    .values({
      name: input.name,
      address: input.address,
      latitude: input.location.lat,
      longitude: input.location.lng,
      contact: input.contact,
      timeZone: input.timeZone,
      cancellationPolicy: input.cancellationPolicy,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) {
    throw new Error("insert returned no row");
  }
  return toTheater(row);
}

export async function updateTheater(deps: Deps, input: TheaterPatch): Promise<Theater> {
  const { id, location, ...rest } = input;
  if (rest.timeZone) {
    await assertZoneKnownToDatabase(deps.db, rest.timeZone);
  }
  const [row] = await deps.db
    .update(theaters)
    .set({
      ...rest,
      ...(location ? { latitude: location.lat, longitude: location.lng } : {}),
      updatedAt: deps.clock.now(),
    })
    .where(eq(theaters.id, id))
    .returning();
  if (!row) {
    throw new AppError("NOT_FOUND", "No such theater", { field: "id", id });
  }
  return toTheater(row);
}

/**
 * Deletes a theater with no screens. One with screens keeps its history: it is archived (hidden from
 * listings) when the caller asks, and refused otherwise.
 */
export async function deleteTheater(
  deps: Deps,
  input: { id: string; archive?: boolean | undefined },
): Promise<{ archived: boolean }> {
  return deps.db.transaction(async (tx) => {
    const theater = await findTheater(tx, input.id);
    const [row] = await tx.select({ n: count() }).from(screens).where(eq(screens.theaterId, theater.id));
    const screenCount = row?.n ?? 0;
    if (input.archive) {
      await tx
        .update(theaters)
        .set({ archivedAt: theater.archivedAt ?? deps.clock.now(), updatedAt: deps.clock.now() })
        .where(eq(theaters.id, theater.id));
      return { archived: true };
    }
    if (screenCount > 0) {
      throw new AppError("HAS_DEPENDENTS", "This theater has screens: archive it instead (archive=true)", {
        screens: screenCount,
      });
    }
    await tx.delete(theaters).where(eq(theaters.id, theater.id));
    return { archived: false };
  });
}

export async function getTheater(deps: { db: Database }, id: string) {
  const theater = await findTheater(deps.db, id);
  const rows = await deps.db
    .select({ id: screens.id, name: screens.name, seatCount: screens.seatCount })
    .from(screens)
    .where(eq(screens.theaterId, id))
    .orderBy(asc(screens.name));
  return { ...toTheater(theater), screens: rows };
}

/** Degrees rounded to 7 decimals: about a centimetre. */
const GRID = 1e7;

/**
 * Great-circle distance in km from the theater to a point (haversine; no PostGIS needed). Both points are
 * taken on a 1e-7 degree grid first: PostgreSQL raises "value out of range: underflow" when a square
 * rounds to zero (a theater at 1e-200 and a search at 0), and two distinct grid points are never that close.
 */
function distanceKm(lat: number, lng: number): SQL<number> {
  const pointLat = Math.round(lat * GRID) / GRID;
  const pointLng = Math.round(lng * GRID) / GRID;
  const theaterLat = sql`round(${theaters.latitude}::numeric, 7)::float8`;
  const theaterLng = sql`round(${theaters.longitude}::numeric, 7)::float8`;
  return sql<number>`(6371 * 2 * asin(sqrt(
    power(sin(radians(${theaterLat} - ${pointLat}) / 2), 2) +
    cos(radians(${pointLat})) * cos(radians(${theaterLat})) * power(sin(radians(${theaterLng} - ${pointLng}) / 2), 2)
  )))`;
}

export async function listTheaters(deps: { db: Database }, input: ListInput) {
  const conditions: SQL[] = [isNull(theaters.archivedAt) as SQL];
  if (input.city) {
    conditions.push(sql`lower(${theaters.address}->>'city') = lower(${input.city})`);
  }
  const distance = input.near ? distanceKm(input.near.lat, input.near.lng) : undefined;
  if (distance) {
    conditions.push(sql`${distance} <= ${input.radiusKm}`);
  }
  const where = and(...conditions);
  const [totalRow] = await deps.db.select({ n: count() }).from(theaters).where(where);
  const rows = await deps.db
    .select({ theater: theaters, distanceKm: distance ?? sql<null>`null` })
    .from(theaters)
    .where(where)
    .orderBy(...(distance ? [asc(distance)] : []), asc(theaters.name), asc(theaters.id))
    .limit(input.limit)
    .offset(input.offset);
  return {
    items: rows.map((r) => ({
      ...toTheater(r.theater),
      ...(r.distanceKm !== null ? { distanceKm: Math.round(Number(r.distanceKm) * 100) / 100 } : {}),
    })),
    total: totalRow?.n ?? 0,
    limit: input.limit,
    offset: input.offset,
  };
}
