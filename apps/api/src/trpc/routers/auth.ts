import { createHash } from "node:crypto";
import * as c from "@boxoffice/contracts";
import { login, logout, refreshSession, register, requestOtp } from "@boxoffice/core";
import { countAgainst, publicProcedure, rateLimit, router } from "../init.ts";

const authLimited = publicProcedure.use(rateLimit((ctx) => ctx.deps.config.rateLimitAuthPerMin));

/**
 * Password guesses against one account are bounded however many addresses send them (the per-address
 * limit alone lets a botnet guess without end). Keyed by a hash, so no email address sits in Redis.
 */
const PASSWORD_WINDOW_MS = 15 * 60_000;
const accountKey = (email: string) =>
  `auth.login:account:${createHash("sha256").update(email.toLowerCase()).digest("base64url")}`;

export const authRouter = router({
  register: authLimited
    .meta(c.register.meta)
    .input(c.register.input)
    .output(c.register.output)
    .mutation(async ({ ctx, input }) => {
      const session = await register(ctx.deps, input);
      ctx.rememberSession(session);
      return session;
    }),

  login: authLimited
    .meta(c.login.meta)
    .input(c.login.input)
    .use(async ({ ctx, input, next }) => {
      if (input.email !== undefined) {
        await countAgainst(ctx, {
          key: accountKey(input.email),
          limit: ctx.deps.config.rateLimitLoginPerAccount,
          windowMs: PASSWORD_WINDOW_MS,
          message: "Too many sign-in attempts for this account: try again later",
        });
      }
      return next();
    })
    .output(c.login.output)
    .mutation(async ({ ctx, input }) => {
      const session = await login(ctx.deps, input);
      ctx.rememberSession(session);
      return session;
    }),

  requestOtp: authLimited
    .meta(c.requestOtp.meta)
    .input(c.requestOtp.input)
    .output(c.requestOtp.output)
    .mutation(async ({ ctx, input }) => {
      const { expiresAt } = await requestOtp(ctx.deps, input.phone);
      return { ok: true as const, expiresAt: expiresAt.toISOString() };
    }),

  refresh: authLimited
    .meta(c.refresh.meta)
    .input(c.refresh.input)
    .output(c.refresh.output)
    .mutation(async ({ ctx, input }) => {
      const session = await refreshSession(ctx.deps, input.refreshToken ?? ctx.refreshCookie);
      ctx.rememberSession(session);
      return session;
    }),

  logout: publicProcedure
    .meta(c.logout.meta)
    .input(c.logout.input)
    .output(c.logout.output)
    .mutation(async ({ ctx, input }) => {
      await logout(ctx.deps, input.refreshToken ?? ctx.refreshCookie);
      ctx.forgetSession();
      return { ok: true as const };
    }),
});
