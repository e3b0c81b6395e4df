import type { DbHandle } from "@boxoffice/db";
import { createTestDb } from "@boxoffice/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../shared/clock.ts";
import { AppError } from "../shared/errors.ts";
import { DevSmsProvider } from "../sms/sms-provider.ts";
import type { AuthDeps } from "./deps.ts";
import { login } from "./login.ts";
import { OTP_MAX_PER_HOUR, requestOtp } from "./otp.ts";
import { refreshSession } from "./refresh-session.ts";
import { register } from "./register.ts";
import { createTokenService } from "./tokens.ts";

let handle: DbHandle;
const clock = manualClock("2026-11-24T10:00:00Z");
let deps: AuthDeps & { sms: DevSmsProvider };

beforeAll(async () => {
  handle = await createTestDb();
  deps = {
    db: handle.db,
    clock,
    sms: new DevSmsProvider(),
    tokens: createTokenService(
      {
        accessSecret: "a".repeat(40),
        refreshSecret: "r".repeat(40),
        accessTokenTtlSeconds: 900,
        refreshTokenTtlDays: 30,
      },
      clock,
    ),
  };
});
afterAll(async () => {
  await handle?.close();
});

const codeSentTo = (phone: string) => /\d{6}/.exec(deps.sms.lastTo(phone)?.body ?? "")?.[0] ?? "";
const codeOf = (err: unknown) => (err instanceof AppError ? err.code : err);

describe("time-bound credentials, on a clock the test moves", () => {
  it("an access token works for 15 minutes and not after", async () => {
    const session = await register(deps, { email: "clock@example.com", password: "clock password" });
    await expect(deps.tokens.verifyAccessToken(session.accessToken)).resolves.toMatchObject({
      userId: session.user.id,
      roles: ["user"],
    });
    clock.advance(15 * 60_000 + 1000);
    await expect(deps.tokens.verifyAccessToken(session.accessToken).catch(codeOf)).resolves.toBe(
      "INVALID_TOKEN",
    );
  });

  it("an OTP code expires after 5 minutes", async () => {
    const phone = "+919800000001";
    await requestOtp(deps, phone);
    const code = codeSentTo(phone);
    clock.advance(5 * 60_000 + 1);
    await expect(register(deps, { phone, code }).catch(codeOf)).resolves.toBe("INVALID_CODE");
  });

  it("a phone gets at most 5 codes an hour", async () => {
    const phone = "+919800000002";
    for (let i = 0; i < OTP_MAX_PER_HOUR; i++) {
      await requestOtp(deps, phone);
    }
    await expect(requestOtp(deps, phone).catch(codeOf)).resolves.toBe("RATE_LIMITED");
    clock.advance(60 * 60_000 + 1);
    await expect(requestOtp(deps, phone)).resolves.toBeDefined();
  });

  it("a refresh token stops working after its lifetime", async () => {
    const session = await login(deps, { email: "clock@example.com", password: "clock password" });
    clock.advance(30 * 86_400_000 + 1);
    await expect(refreshSession(deps, session.refreshToken).catch(codeOf)).resolves.toBe("INVALID_TOKEN");
  });
});
