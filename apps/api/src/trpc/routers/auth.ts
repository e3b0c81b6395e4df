import * as c from "@boxoffice/contracts";
import { login, logout, refreshSession, register, requestOtp } from "@boxoffice/core";
import { implement } from "../implement.ts";
import { publicProcedure, rateLimit, router } from "../init.ts";
import { presentedRefreshToken } from "../refresh-credential.ts";

const authLimited = publicProcedure.use(rateLimit((ctx) => ctx.deps.config.rateLimitAuthPerMin));

export const authRouter = router({
  register: implement(authLimited, c.register).mutation(async ({ ctx, input }) => {
    const session = await register(ctx.deps, input);
    ctx.rememberSession(session);
    return session;
  }),

  login: implement(authLimited, c.login).mutation(async ({ ctx, input }) => {
    const session = await login(ctx.deps, { ...input, deviceToken: input.deviceToken ?? ctx.deviceCookie });
    ctx.rememberSession(session);
    return session;
  }),

  requestOtp: implement(authLimited, c.requestOtp).mutation(async ({ ctx, input }) => {
    const { expiresAt } = await requestOtp(ctx.deps, input.phone);
    return { ok: true as const, expiresAt: expiresAt.toISOString() };
  }),

  refresh: implement(authLimited, c.refresh).mutation(async ({ ctx, input }) => {
    const session = await refreshSession(ctx.deps, presentedRefreshToken(ctx, input.refreshToken));
    ctx.rememberSession(session);
    return session;
  }),

  logout: implement(publicProcedure, c.logout).mutation(async ({ ctx, input }) => {
    await logout(ctx.deps, presentedRefreshToken(ctx, input.refreshToken));
    ctx.forgetSession();
    return { ok: true as const };
  }),
});
