import { router } from "./init.ts";
import { authRouter } from "./routers/auth.ts";
import { adminUsersRouter, usersRouter } from "./routers/users.ts";

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  admin: router({ users: adminUsersRouter }),
});

/** The type a TypeScript client passes to `createTRPCClient<AppRouter>`. */
export type AppRouter = typeof appRouter;
