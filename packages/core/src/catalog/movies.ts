import type {
  listMovies as listMoviesContract,
  Movie,
  MovieInput,
  MoviePatch,
  ShowtimeBrief,
} from "@boxoffice/contracts";
import {
  type Database,
  movies,
  PG_UNIQUE_VIOLATION,
  pgErrorOf,
  screens,
  showtimes,
  theaters,
} from "@boxoffice/db";
import { and, asc, count, eq, gt, isNull, type SQL, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Clock } from "../shared/clock.ts";
import { AppError } from "../shared/errors.ts";
import { findMovie } from "./find.ts";
import { toMovie } from "./to-dto.ts";

type Deps = { db: Database; clock: Clock };
type ListInput = z.output<typeof listMoviesContract.input>;

function tmdbTaken(err: unknown): AppError | undefined {
  const pgErr = pgErrorOf(err);
  if (pgErr?.code === PG_UNIQUE_VIOLATION && pgErr.constraint === "movies_tmdb_id_key") {
    return new AppError("CONFLICT", "A movie with this tmdbId already exists", { field: "tmdbId" });
  }
  return undefined;
}

export async function createMovie(deps: Deps, input: MovieInput): Promise<Movie> {
  const now = deps.clock.now();
  try {
    const [row] = await deps.db
      .insert(movies)
      .values({ ...input, createdAt: now, updatedAt: now })
      .returning();
    if (!row) {
      throw new Error("insert returned no row");
    }
    return toMovie(row);
  } catch (err) {
    throw tmdbTaken(err) ?? err;
  }
}

export async function updateMovie(deps: Deps, input: MoviePatch): Promise<Movie> {
  const { id, ...patch } = input;
  try {
    const [row] = await deps.db
      .update(movies)
      .set({ ...patch, updatedAt: deps.clock.now() })
      .where(eq(movies.id, id))
      .returning();
    if (!row) {
      throw new AppError("NOT_FOUND", "No such movie", { field: "id", id });
    }
    return toMovie(row);
  } catch (err) {
    throw tmdbTaken(err) ?? err;
  }
}

export async function deleteMovie(deps: Deps, id: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const movie = await findMovie(tx, id);
    const [row] = await tx.select({ n: count() }).from(showtimes).where(eq(showtimes.movieId, movie.id));
    if ((row?.n ?? 0) > 0) {
      throw new AppError("HAS_DEPENDENTS", "This movie has showtimes", { showtimes: row?.n });
    }
    await tx.delete(movies).where(eq(movies.id, movie.id));
  });
}

/** A showtime that people can still look forward to: not cancelled or over, in a theater still open. */
export function liveShowtime(): SQL {
  return sql`${showtimes.status} IN ('scheduled', 'on_sale') AND ${theaters.archivedAt} IS NULL`;
}

/** The showtime starts on `date` in its theater's own time zone. */
export function onLocalDay(date: string): SQL {
  return sql`(${showtimes.startAt} AT TIME ZONE ${theaters.timeZone})::date = ${date}::date`;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function listMovies(deps: { db: Database }, input: ListInput) {
  const conditions: SQL[] = [isNull(movies.archivedAt) as SQL];
  if (input.title) {
    conditions.push(sql`${movies.title} ILIKE ${`%${escapeLike(input.title)}%`}`);
  }
  if (input.genre) {
    conditions.push(
      sql`EXISTS (SELECT 1 FROM unnest(${movies.genres}) AS g WHERE lower(g) = lower(${input.genre}))`,
    );
  }
  if (input.date) {
    conditions.push(sql`EXISTS (
      SELECT 1 FROM ${showtimes} JOIN ${theaters} ON ${theaters.id} = ${showtimes.theaterId}
      WHERE ${showtimes.movieId} = ${movies.id} AND ${liveShowtime()} AND ${onLocalDay(input.date)}
    )`);
  }
  const where = and(...conditions);
  const [totalRow] = await deps.db.select({ n: count() }).from(movies).where(where);
  const rows = await deps.db
    .select()
    .from(movies)
    .where(where)
    .orderBy(asc(movies.title), asc(movies.id))
    .limit(input.limit)
    .offset(input.offset);
  return { items: rows.map(toMovie), total: totalRow?.n ?? 0, limit: input.limit, offset: input.offset };
}

/** A movie with its upcoming showtimes, grouped by theater (by name), each group in start order. */
export async function getMovie(deps: { db: Database; clock: Clock }, id: string) {
  const movie = await findMovie(deps.db, id);
  const rows = await deps.db
    .select({ showtime: showtimes, theater: theaters, screenName: screens.name })
    .from(showtimes)
    .innerJoin(theaters, eq(theaters.id, showtimes.theaterId))
    .innerJoin(screens, eq(screens.id, showtimes.screenId))
    .where(and(eq(showtimes.movieId, movie.id), gt(showtimes.startAt, deps.clock.now()), liveShowtime()))
    .orderBy(asc(theaters.name), asc(theaters.id), asc(showtimes.startAt))
    .limit(500);
  const groups = new Map<
    string,
    { theater: { id: string; name: string; city: string; timeZone: string }; showtimes: ShowtimeBrief[] }
  >();
  for (const { showtime, theater, screenName } of rows) {
    let group = groups.get(theater.id);
    if (!group) {
      group = {
        theater: {
          id: theater.id,
          name: theater.name,
          city: theater.address.city,
          timeZone: theater.timeZone,
        },
        showtimes: [],
      };
      groups.set(theater.id, group);
    }
    group.showtimes.push({
      id: showtime.id,
      startAt: showtime.startAt.toISOString(),
      endAt: showtime.endAt.toISOString(),
      screenId: showtime.screenId,
      screenName,
      language: showtime.language,
      format: showtime.format,
      basePrice: showtime.basePrice,
      currency: showtime.currency,
      status: showtime.status,
    });
  }
  return { ...toMovie(movie), theaters: [...groups.values()] };
}
