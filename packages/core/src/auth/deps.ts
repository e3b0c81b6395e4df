import type { Database } from "@boxoffice/db";
import type { Clock } from "../shared/clock.ts";
import type { SmsProvider } from "../sms/sms-provider.ts";
import type { PasswordGuard } from "./password-guard.ts";
import type { RevocationNotes } from "./revocations.ts";
import type { TokenService } from "./tokens.ts";

export interface AuthDeps {
  db: Database;
  clock: Clock;
  tokens: TokenService;
  /** Undefined when no SMS provider is configured: phone sign-in then answers 503 SMS_UNAVAILABLE. */
  sms: SmsProvider | undefined;
  /** Told of the sessions this process signs out, so their access tokens stop here at once. */
  revocations?: RevocationNotes | undefined;
  /** Bounds wrong passwords per account and per known device; without it every attempt is checked. */
  passwordGuard?: PasswordGuard | undefined;
}
