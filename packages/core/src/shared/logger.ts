import pino from "pino";

export type Logger = pino.Logger;

/**
 * JSON lines on stdout, written asynchronously: a request does not wait on a write syscall for its log
 * line, and lines logged while a write is in flight go out together in the next one. Whatever is still
 * buffered is written synchronously when the process exits (pino hooks process exit; exitOnSignals
 * leaves through process.exit after SIGTERM, and an uncaught error exits the same way).
 */
export function createLogger(level: string, name = "boxoffice"): Logger {
  return pino(
    {
      name,
      level,
      base: { service: name },
      redact: {
        paths: ["password", "*.password", "refreshToken", "*.refreshToken", "req.headers.authorization"],
        censor: "[redacted]",
      },
    },
    pino.destination({ dest: 1, sync: false }),
  );
}
