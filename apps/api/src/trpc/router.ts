import { router } from "./init.ts";
import {
  adminMoviesRouter,
  adminScreensRouter,
  adminShowtimesRouter,
  adminTheatersRouter,
} from "./routers/admin-catalog.ts";
import { authRouter } from "./routers/auth.ts";
import { bookingsRouter } from "./routers/bookings.ts";
import { moviesRouter, showtimesRouter, theatersRouter } from "./routers/catalog.ts";
import { paymentsRouter } from "./routers/payments.ts";
import { seatsRouter } from "./routers/seats.ts";
import { adminUsersRouter, usersRouter } from "./routers/users.ts";

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  movies: moviesRouter,
  showtimes: showtimesRouter,
  theaters: theatersRouter,
  seats: seatsRouter,
  payments: paymentsRouter,
  bookings: bookingsRouter,
  admin: router({
    users: adminUsersRouter,
    theaters: adminTheatersRouter,
    screens: adminScreensRouter,
    movies: adminMoviesRouter,
    showtimes: adminShowtimesRouter,
  }),
});

/** The type a TypeScript client passes to `createTRPCClient<AppRouter>`. */
export type AppRouter = typeof appRouter;
