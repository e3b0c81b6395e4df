import * as c from "@boxoffice/contracts";
import { getMovie, getShowtime, getTheater, listMovies, listShowtimes, listTheaters } from "@boxoffice/core";
import { publicProcedure, router } from "../init.ts";

export const moviesRouter = router({
  list: publicProcedure
    .meta(c.listMovies.meta)
    .input(c.listMovies.input)
    .output(c.listMovies.output)
    .query(({ ctx, input }) => listMovies(ctx.deps, input)),
  get: publicProcedure
    .meta(c.getMovie.meta)
    .input(c.getMovie.input)
    .output(c.getMovie.output)
    .query(({ ctx, input }) => getMovie(ctx.deps, input.id)),
});

export const showtimesRouter = router({
  list: publicProcedure
    .meta(c.listShowtimes.meta)
    .input(c.listShowtimes.input)
    .output(c.listShowtimes.output)
    .query(({ ctx, input }) => listShowtimes(ctx.deps, input)),
  get: publicProcedure
    .meta(c.getShowtime.meta)
    .input(c.getShowtime.input)
    .output(c.getShowtime.output)
    .query(({ ctx, input }) => getShowtime(ctx.deps, input.id)),
});

export const theatersRouter = router({
  list: publicProcedure
    .meta(c.listTheaters.meta)
    .input(c.listTheaters.input)
    .output(c.listTheaters.output)
    .query(({ ctx, input }) => listTheaters(ctx.deps, input)),
  get: publicProcedure
    .meta(c.getTheater.meta)
    .input(c.getTheater.input)
    .output(c.getTheater.output)
    .query(({ ctx, input }) => getTheater(ctx.deps, input.id)),
});
