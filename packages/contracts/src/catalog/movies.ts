import { z } from "zod";
import {
  IdSchema,
  LocalDateSchema,
  lineOfText,
  OkSchema,
  PagingInputSchema,
  pageOf,
  paragraphOfText,
} from "../common.ts";
import { contract } from "../meta.ts";

const text = lineOfText;

export const MovieSchema = z
  .object({
    id: IdSchema,
    tmdbId: z.number().int().nullable(),
    title: z.string(),
    overview: z.string(),
    genres: z.array(z.string()),
    runtimeMinutes: z.number().int(),
    rating: z.string().nullable(),
    posterUrl: z.string().nullable(),
    backdropUrl: z.string().nullable(),
    cast: z.array(z.object({ name: z.string(), character: z.string().optional() })),
    languages: z.array(z.string()),
    releaseDate: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "Movie" });
export type Movie = z.infer<typeof MovieSchema>;

export const listMovies = contract({
  meta: {
    errors: [],
    openapi: {
      method: "GET",
      path: "/movies",
      summary: "Search movies by title fragment, genre and the day they play",
      description:
        "`date` means a showtime on that day in the showing theater's own time zone. Ordered by title, then id.",
      tags: ["catalog"],
      protect: false,
    },
  },
  input: z
    .strictObject({
      title: lineOfText(100).optional(),
      genre: lineOfText(50).optional(),
      date: LocalDateSchema.optional(),
      ...PagingInputSchema,
    })
    .default({ limit: 20, offset: 0 }),
  output: pageOf(MovieSchema),
});

export const ShowtimeBriefSchema = z
  .object({
    id: IdSchema,
    startAt: z.iso.datetime(),
    endAt: z.iso.datetime(),
    screenId: IdSchema,
    screenName: z.string(),
    language: z.string(),
    format: z.string(),
    basePrice: z.number().int().min(0),
    currency: z.string(),
    status: z.string(),
  })
  .meta({ id: "ShowtimeBrief" });
export type ShowtimeBrief = z.infer<typeof ShowtimeBriefSchema>;

export const getMovie = contract({
  meta: {
    errors: ["NOT_FOUND"],
    openapi: {
      method: "GET",
      path: "/movies/{id}",
      summary: "A movie with its upcoming showtimes grouped by theater",
      tags: ["catalog"],
      protect: false,
    },
  },
  input: z.strictObject({ id: IdSchema }),
  output: MovieSchema.extend({
    theaters: z.array(
      z.object({
        theater: z.object({ id: IdSchema, name: z.string(), city: z.string(), timeZone: z.string() }),
        showtimes: z.array(ShowtimeBriefSchema),
      }),
    ),
  }).meta({ id: "MovieDetail" }),
});

const urlSchema = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(500);

const movieFields = {
  // The column is a PostgreSQL integer: past 2^31 - 1 the insert itself would fail.
  tmdbId: z.number().int().positive().max(2_147_483_647).nullable(),
  title: text(200),
  overview: paragraphOfText(5000),
  genres: z.array(text(40)).max(10),
  runtimeMinutes: z.number().int().min(1).max(600),
  rating: text(10).nullable(),
  posterUrl: urlSchema.nullable(),
  backdropUrl: urlSchema.nullable(),
  cast: z.array(z.strictObject({ name: text(120), character: text(120).optional() })).max(50),
  languages: z.array(text(40)).max(20),
  releaseDate: LocalDateSchema.nullable(),
};

export const MovieInputSchema = z.strictObject({
  ...movieFields,
  tmdbId: movieFields.tmdbId.optional(),
  overview: movieFields.overview.default(""),
  genres: movieFields.genres.default([]),
  rating: movieFields.rating.optional(),
  posterUrl: movieFields.posterUrl.optional(),
  backdropUrl: movieFields.backdropUrl.optional(),
  cast: movieFields.cast.default([]),
  languages: movieFields.languages.default([]),
  releaseDate: movieFields.releaseDate.optional(),
});
export type MovieInput = z.infer<typeof MovieInputSchema>;

export const createMovie = contract({
  meta: {
    errors: ["FORBIDDEN", "CONFLICT"],
    openapi: {
      method: "POST",
      path: "/admin/movies",
      summary: "Add a movie (admin)",
      tags: ["admin"],
      protect: true,
    },
    successStatus: 201,
  },
  input: MovieInputSchema,
  output: MovieSchema,
});

/** Only the fields sent change; no defaults, so an omitted field is never reset. */
export const MoviePatchSchema = z.strictObject(movieFields).partial().extend({ id: IdSchema });
export type MoviePatch = z.infer<typeof MoviePatchSchema>;

export const updateMovie = contract({
  meta: {
    errors: ["FORBIDDEN", "NOT_FOUND", "CONFLICT"],
    openapi: {
      method: "PATCH",
      path: "/admin/movies/{id}",
      summary: "Change a movie (admin)",
      tags: ["admin"],
      protect: true,
    },
  },
  input: MoviePatchSchema,
  output: MovieSchema,
});

export const deleteMovie = contract({
  meta: {
    errors: ["FORBIDDEN", "NOT_FOUND", "HAS_DEPENDENTS"],
    openapi: {
      method: "DELETE",
      path: "/admin/movies/{id}",
      summary: "Delete a movie that has no showtimes (admin)",
      tags: ["admin"],
      protect: true,
    },
  },
  input: z.strictObject({ id: IdSchema }),
  output: OkSchema,
});
