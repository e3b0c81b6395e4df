import { sql } from "drizzle-orm";
import { check, date, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { id, instant, timestamps } from "./columns.ts";

export interface CastMember {
  name: string;
  character?: string | undefined;
}

export const movies = pgTable(
  "movies",
  {
    id: id(),
    tmdbId: integer("tmdb_id"),
    title: text("title").notNull(),
    overview: text("overview").notNull().default(""),
    genres: text("genres").array().notNull().default(sql`'{}'::text[]`),
    runtimeMinutes: integer("runtime_minutes").notNull(),
    rating: text("rating"),
    posterUrl: text("poster_url"),
    backdropUrl: text("backdrop_url"),
    cast: jsonb("cast").$type<CastMember[]>().notNull().default([]),
    languages: text("languages").array().notNull().default(sql`'{}'::text[]`),
    releaseDate: date("release_date"),
    archivedAt: instant("archived_at"),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex("movies_tmdb_id_key").on(t.tmdbId),
    index("movies_title_idx").on(sql`lower(${t.title})`),
    check("movies_runtime_positive", sql`${t.runtimeMinutes} > 0`),
  ],
);

export type MovieRow = typeof movies.$inferSelect;
