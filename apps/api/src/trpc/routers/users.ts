import * as c from "@boxoffice/contracts";
import { getUser, updateMe } from "@boxoffice/core";
import { implement } from "../implement.ts";
import { adminProcedure, authedProcedure, router } from "../init.ts";

export const usersRouter = router({
  me: implement(authedProcedure, c.getMe).query(({ ctx }) => getUser(ctx.deps, ctx.user.userId)),

  updateMe: implement(authedProcedure, c.updateMe).mutation(({ ctx, input }) =>
    updateMe(ctx.deps, ctx.user.userId, input),
  ),
});

export const adminUsersRouter = router({
  get: implement(adminProcedure, c.getUserById).query(({ ctx, input }) => getUser(ctx.deps, input.id)),
});
