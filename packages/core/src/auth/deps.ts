import type { Database } from "@boxoffice/db";
import type { Clock } from "../shared/clock.ts";
import type { SmsProvider } from "../sms/sms-provider.ts";
import type { TokenService } from "./tokens.ts";

export interface AuthDeps {
  db: Database;
  clock: Clock;
  tokens: TokenService;
  sms: SmsProvider;
}
