import { type DbOrTx, movies, screens, showtimes, theaters } from "@boxoffice/db";
import { eq } from "drizzle-orm";
import { AppError } from "../shared/errors.ts";

/** Loads one row by id or answers 404 naming the field the id came from. */
function finder<T>(load: (db: DbOrTx, id: string) => Promise<T | undefined>, what: string) {
  return async (db: DbOrTx, id: string, field = "id"): Promise<T> => {
    const row = await load(db, id);
    if (!row) {
      throw new AppError("NOT_FOUND", `No such ${what}`, { field, id });
    }
    return row;
  };
}

export const findTheater = finder(
  async (db, id) => (await db.select().from(theaters).where(eq(theaters.id, id)))[0],
  "theater",
);
export const findScreen = finder(
  async (db, id) => (await db.select().from(screens).where(eq(screens.id, id)))[0],
  "screen",
);
export const findMovie = finder(
  async (db, id) => (await db.select().from(movies).where(eq(movies.id, id)))[0],
  "movie",
);
export const findShowtime = finder(
  async (db, id) => (await db.select().from(showtimes).where(eq(showtimes.id, id)))[0],
  "showtime",
);
