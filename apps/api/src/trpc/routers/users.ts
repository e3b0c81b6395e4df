import * as c from "@boxoffice/contracts";
import { getUser, updateMe } from "@boxoffice/core";
import { adminProcedure, authedProcedure, router } from "../init.ts";

export const usersRouter = router({
  me: authedProcedure
    .meta(c.getMe.meta)
    .input(c.getMe.input)
    .output(c.getMe.output)
    .query(({ ctx }) => getUser(ctx.deps, ctx.user.userId)),

  updateMe: authedProcedure
    .meta(c.updateMe.meta)
    .input(c.updateMe.input)
    .output(c.updateMe.output)
    .mutation(({ ctx, input }) => updateMe(ctx.deps, ctx.user.userId, input)),
});

export const adminUsersRouter = router({
  get: adminProcedure
    .meta(c.getUserById.meta)
    .input(c.getUserById.input)
    .output(c.getUserById.output)
    .query(({ ctx, input }) => getUser(ctx.deps, input.id)),
});
