import type { SmsConfig } from "../config/env.ts";
import { AppError } from "../shared/errors.ts";
import { DevSmsProvider, type DevSmsRecord, type SmsProvider } from "./sms-provider.ts";

/**
 * The dev provider's messages go to the terminal (stderr) as plain text, never through the logger: the
 * JSON log stream is what gets shipped and kept, and it must never hold a sign-in code, whatever the
 * environment. Production cannot get here (SMS_PROVIDER=dev refuses to start there).
 */
export function printDevSms(message: DevSmsRecord): void {
  process.stderr.write(`[dev SMS provider: not sent] to ${message.to}: ${message.body}\n`);
}

/**
 * The configured provider, or undefined when there is none (SMS_PROVIDER=none, the production default
 * until a real provider is configured): phone sign-in then answers 503 SMS_UNAVAILABLE. A real provider
 * is one more case here, built from its own config (e.g. `config.twilio`).
 */
export function buildSmsProvider(
  config: SmsConfig,
  show: (message: DevSmsRecord) => void = printDevSms,
): SmsProvider | undefined {
  switch (config.provider) {
    case "dev":
      return new DevSmsProvider(show);
    case "none":
      return undefined;
  }
}

/** The provider, or the 503 that says phone sign-in is off here. */
export function requireSms(sms: SmsProvider | undefined): SmsProvider {
  if (!sms) {
    throw new AppError("SMS_UNAVAILABLE");
  }
  return sms;
}
