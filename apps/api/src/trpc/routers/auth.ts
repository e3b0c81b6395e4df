import * as c from "@boxoffice/contracts";
import { login, logout, refreshSession, register, requestOtp } from "@boxoffice/core";
import { publicProcedure, rateLimit, router } from "../init.ts";
import { presentedRefreshToken } from "../refresh-credential.ts";

const authLimited = publicProcedure.use(rateLimit((ctx) => ctx.deps.config.rateLimitAuthPerMin));

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
    .output(c.login.output)
    .mutation(async ({ ctx, input }) => {
      const session = await login(ctx.deps, { ...input, deviceToken: input.deviceToken ?? ctx.deviceCookie });
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
      const session = await refreshSession(ctx.deps, presentedRefreshToken(ctx, input.refreshToken));
      ctx.rememberSession(session);
      return session;
    }),

  logout: publicProcedure
    .meta(c.logout.meta)
    .input(c.logout.input)
    .output(c.logout.output)
    .mutation(async ({ ctx, input }) => {
      await logout(ctx.deps, presentedRefreshToken(ctx, input.refreshToken));
      ctx.forgetSession();
      return { ok: true as const };
    }),
});
