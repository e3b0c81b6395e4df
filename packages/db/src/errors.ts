/**
 * Drizzle wraps driver errors, so the PostgreSQL SQLSTATE sits on `cause` (node-postgres and PGlite
 * alike). Returns the code and the violated constraint, if any.
 */
export function pgErrorOf(err: unknown): { code: string; constraint?: string } | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const candidate = current as { code?: unknown; constraint?: unknown; cause?: unknown };
    if (typeof candidate.code === "string" && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return {
        code: candidate.code,
        ...(typeof candidate.constraint === "string" ? { constraint: candidate.constraint } : {}),
      };
    }
    current = candidate.cause;
  }
  return undefined;
}

export const PG_UNIQUE_VIOLATION = "23505";
export const PG_EXCLUSION_VIOLATION = "23P01";

/**
 * SQLSTATEs of a server that is gone or going: class 08 (connection exception), 57P01 admin_shutdown
 * (a fast shutdown terminating sessions), 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up or
 * shutting down), 53300 too_many_connections.
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
/** What node-postgres's socket reports when the server cannot be reached or drops the connection. */
const UNAVAILABLE_SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);
/** node-postgres's own errors for a lost connection carry no code, only these messages. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed and is not queryable/i;

/**
 * Whether `err` (as thrown by Drizzle, node-postgres or the socket under it) says the database cannot be
 * reached right now, rather than that the statement was wrong: a request failing so should be answered
 * 503 and retried, not reported as a bug.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0 && seen.size < 20) {
    const current = queue.shift();
    if (!current || typeof current !== "object" || seen.has(current)) {
      continue;
    }
    seen.add(current);
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof candidate.code === "string") {
      if (UNAVAILABLE_SQLSTATE.test(candidate.code) || UNAVAILABLE_SOCKET_CODES.has(candidate.code)) {
        return true;
      }
    }
    if (typeof candidate.message === "string" && UNAVAILABLE_MESSAGE.test(candidate.message)) {
      return true;
    }
    queue.push(candidate.cause);
    // A connect that tried several addresses (localhost: ::1 and 127.0.0.1) fails with an AggregateError.
    if (Array.isArray(candidate.errors)) {
      queue.push(...candidate.errors);
    }
  }
  return false;
}
