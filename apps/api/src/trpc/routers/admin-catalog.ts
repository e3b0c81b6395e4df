import * as c from "@boxoffice/contracts";
import {
  createMovie,
  createScreen,
  createShowtime,
  createTheater,
  deleteMovie,
  deleteScreen,
  deleteShowtime,
  deleteTheater,
  updateMovie,
  updateScreen,
  updateShowtime,
  updateTheater,
} from "@boxoffice/core";
import { adminProcedure, router } from "../init.ts";

const ok = { ok: true as const };

export const adminTheatersRouter = router({
  create: adminProcedure
    .meta(c.createTheater.meta)
    .input(c.createTheater.input)
    .output(c.createTheater.output)
    .mutation(({ ctx, input }) => createTheater(ctx.deps, input)),
  update: adminProcedure
    .meta(c.updateTheater.meta)
    .input(c.updateTheater.input)
    .output(c.updateTheater.output)
    .mutation(({ ctx, input }) => updateTheater(ctx.deps, input)),
  delete: adminProcedure
    .meta(c.deleteTheater.meta)
    .input(c.deleteTheater.input)
    .output(c.deleteTheater.output)
    .mutation(async ({ ctx, input }) => ({ ...ok, ...(await deleteTheater(ctx.deps, input)) })),
});

export const adminScreensRouter = router({
  create: adminProcedure
    .meta(c.createScreen.meta)
    .input(c.createScreen.input)
    .output(c.createScreen.output)
    .mutation(({ ctx, input }) => createScreen(ctx.deps, input)),
  update: adminProcedure
    .meta(c.updateScreen.meta)
    .input(c.updateScreen.input)
    .output(c.updateScreen.output)
    .mutation(({ ctx, input }) => updateScreen(ctx.deps, input)),
  delete: adminProcedure
    .meta(c.deleteScreen.meta)
    .input(c.deleteScreen.input)
    .output(c.deleteScreen.output)
    .mutation(async ({ ctx, input }) => {
      await deleteScreen(ctx.deps, input.id);
      return ok;
    }),
});

export const adminMoviesRouter = router({
  create: adminProcedure
    .meta(c.createMovie.meta)
    .input(c.createMovie.input)
    .output(c.createMovie.output)
    .mutation(({ ctx, input }) => createMovie(ctx.deps, input)),
  update: adminProcedure
    .meta(c.updateMovie.meta)
    .input(c.updateMovie.input)
    .output(c.updateMovie.output)
    .mutation(({ ctx, input }) => updateMovie(ctx.deps, input)),
  delete: adminProcedure
    .meta(c.deleteMovie.meta)
    .input(c.deleteMovie.input)
    .output(c.deleteMovie.output)
    .mutation(async ({ ctx, input }) => {
      await deleteMovie(ctx.deps, input.id);
      return ok;
    }),
});

export const adminShowtimesRouter = router({
  create: adminProcedure
    .meta(c.createShowtime.meta)
    .input(c.createShowtime.input)
    .output(c.createShowtime.output)
    .mutation(({ ctx, input }) => createShowtime(ctx.deps, input)),
  update: adminProcedure
    .meta(c.updateShowtime.meta)
    .input(c.updateShowtime.input)
    .output(c.updateShowtime.output)
    .mutation(({ ctx, input }) => updateShowtime(ctx.deps, input)),
  delete: adminProcedure
    .meta(c.deleteShowtime.meta)
    .input(c.deleteShowtime.input)
    .output(c.deleteShowtime.output)
    .mutation(async ({ ctx, input }) => {
      await deleteShowtime(ctx.deps, input.id);
      return ok;
    }),
});
