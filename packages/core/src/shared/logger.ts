import pino from "pino";

export type Logger = pino.Logger;

/**
 * Keys whose values never reach a log line, wherever a caller puts them: passwords, tokens, sign-in
 * codes as a request carries them (`input.code`), and message bodies (a text message's body is a code).
 * A second guard, not the first: an SMS body is a `Sensitive` value, which prints `[redacted]` in any
 * form. Error objects keep their `code` (ECONNREFUSED, a PostgreSQL code): only codes under `input` and
 * keys named for OTPs are sign-in codes.
 */
export const REDACTED_LOG_PATHS = [
  "password",
  "*.password",
  "refreshToken",
  "*.refreshToken",
  "accessToken",
  "*.accessToken",
  "deviceToken",
  "*.deviceToken",
  "otp",
  "*.otp",
  "otpCode",
  "*.otpCode",
  "input.code",
  "*.input.code",
  "input.password",
  "*.input.password",
  "body",
  "*.body",
  "*.*.body",
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.cookie",
];

/**
 * JSON lines on stdout, written asynchronously: a request does not wait on a write syscall for its log
 * line, and lines logged while a write is in flight go out together in the next one. Whatever is still
 * buffered is written synchronously when the process exits (pino hooks process exit; exitOnSignals
 * leaves through process.exit after SIGTERM, and an uncaught error exits the same way). The API and the
 * worker both log through this, so both redact the same keys. `destination` is for tests.
 */
export function createLogger(
  level: string,
  name = "boxoffice",
  destination: pino.DestinationStream = pino.destination({ dest: 1, sync: false }),
): Logger {
  return pino(
    {
      name,
      level,
      base: { service: name },
      redact: { paths: REDACTED_LOG_PATHS, censor: "[redacted]" },
    },
    destination,
  );
}
