import pino from "pino";

export type Logger = pino.Logger;

export function createLogger(level: string, name = "boxoffice"): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    redact: {
      paths: ["password", "*.password", "refreshToken", "*.refreshToken", "req.headers.authorization"],
      censor: "[redacted]",
    },
  });
}
