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
import { implement } from "../implement.ts";
import { adminProcedure, router } from "../init.ts";

const ok = { ok: true as const };

export const adminTheatersRouter = router({
  create: implement(adminProcedure, c.createTheater).mutation(({ ctx, input }) =>
    createTheater(ctx.deps, input),
  ),
  update: implement(adminProcedure, c.updateTheater).mutation(({ ctx, input }) =>
    updateTheater(ctx.deps, input),
  ),
  delete: implement(adminProcedure, c.deleteTheater).mutation(async ({ ctx, input }) => ({
    ...ok,
    ...(await deleteTheater(ctx.deps, input)),
  })),
});

export const adminScreensRouter = router({
  create: implement(adminProcedure, c.createScreen).mutation(({ ctx, input }) =>
    createScreen(ctx.deps, input),
  ),
  update: implement(adminProcedure, c.updateScreen).mutation(({ ctx, input }) =>
    updateScreen(ctx.deps, input),
  ),
  delete: implement(adminProcedure, c.deleteScreen).mutation(async ({ ctx, input }) => {
    await deleteScreen(ctx.deps, input.id);
    return ok;
  }),
});

export const adminMoviesRouter = router({
  create: implement(adminProcedure, c.createMovie).mutation(({ ctx, input }) => createMovie(ctx.deps, input)),
  update: implement(adminProcedure, c.updateMovie).mutation(({ ctx, input }) => updateMovie(ctx.deps, input)),
  delete: implement(adminProcedure, c.deleteMovie).mutation(async ({ ctx, input }) => {
    await deleteMovie(ctx.deps, input.id);
    return ok;
  }),
});

export const adminShowtimesRouter = router({
  create: implement(adminProcedure, c.createShowtime).mutation(({ ctx, input }) =>
    createShowtime(ctx.deps, input),
  ),
  update: implement(adminProcedure, c.updateShowtime).mutation(({ ctx, input }) =>
    updateShowtime(ctx.deps, input),
  ),
  delete: implement(adminProcedure, c.deleteShowtime).mutation(async ({ ctx, input }) => {
    await deleteShowtime(ctx.deps, input.id);
    return ok;
  }),
});
