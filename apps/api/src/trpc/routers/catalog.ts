import * as c from "@boxoffice/contracts";
import { getMovie, getShowtime, getTheater, listMovies, listShowtimes, listTheaters } from "@boxoffice/core";
import { implement } from "../implement.ts";
import { publicProcedure, router } from "../init.ts";

export const moviesRouter = router({
  list: implement(publicProcedure, c.listMovies).query(({ ctx, input }) => listMovies(ctx.deps, input)),
  get: implement(publicProcedure, c.getMovie).query(({ ctx, input }) => getMovie(ctx.deps, input.id)),
});

export const showtimesRouter = router({
  list: implement(publicProcedure, c.listShowtimes).query(({ ctx, input }) => listShowtimes(ctx.deps, input)),
  get: implement(publicProcedure, c.getShowtime).query(({ ctx, input }) => getShowtime(ctx.deps, input.id)),
});

export const theatersRouter = router({
  list: implement(publicProcedure, c.listTheaters).query(({ ctx, input }) => listTheaters(ctx.deps, input)),
  get: implement(publicProcedure, c.getTheater).query(({ ctx, input }) => getTheater(ctx.deps, input.id)),
});
