import { type Database, runStatement, type Statement } from "@boxoffice/db";
import { AppError } from "../shared/errors.ts";
import type { Logger } from "../shared/logger.ts";
import type { AccessClaims, RevocationCheck } from "./tokens.ts";

/** A revocation as written to token_revocations: one session signed out, or a user's version moved on. */
export interface Revocation {
  userId: string;
  familyId?: string | undefined;
  tokenVersion?: number | undefined;
}

/** Told of the revocations this process commits itself, so they hold here before the next read. */
export interface RevocationNotes {
  note(revocation: Revocation): void;
}

export interface RevocationWatch extends RevocationCheck, RevocationNotes {
  /** The first read (awaited; a failure is logged and retried), then one every interval until stop(). */
  start(): Promise<void>;
  /** One read now: the revocations committed since the last one. */
  poll(): Promise<void>;
  stop(): void;
}

export interface RevocationWatchOptions {
  /**
   * How often token_revocations is read. A revocation committed by another process (another API, the
   * admin:create tool, SQL) is refused here at most this long, plus one read, after its commit.
   */
  intervalMs: number;
  /** How long a revocation matters: the access tokens it stops expire by then. */
  horizonSeconds: number;
  /**
   * Without a successful read for this long, signed-in requests answer 503: a token revoked meanwhile
   * could not be told apart, and the database those requests need is not answering anyway.
   */
  staleAfterMs: number;
}

/**
 * Each read looks back this far before the previous read's time: a revocation is stamped when its row
 * is written (clock_timestamp()) but seen only once its transaction commits, a little later.
 */
const COMMIT_LAG_MS = 10_000;
/** Rows past the horizon stop nothing: one read an hour deletes them. */
const DELETE_EVERY_MS = 3_600_000;

const READ: Statement = {
  text: `SELECT (extract(epoch FROM n.now) * 1000)::float8 AS polled_ms,
  r.user_id, r.family_id, r.token_version, (extract(epoch FROM r.revoked_at) * 1000)::float8 AS revoked_ms
  FROM (SELECT now() AS now) n
  LEFT JOIN token_revocations r
  ON r.revoked_at > coalesce(to_timestamp($1::float8 / 1000), n.now - $2::float8 * interval '1 second')`,
};
const DELETE_OLD: Statement = {
  text: "DELETE FROM token_revocations WHERE revoked_at < now() - $1::float8 * interval '1 second'",
};

/**
 * The read's answer, or a rejection once `ms` have passed: a query stuck on a dead connection must not
 * hold up the reads after it (they would never run again, and every token would be refused as stale).
 */
function answerWithin<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

interface ReadRow {
  polled_ms: number;
  user_id: string | null;
  family_id: string | null;
  token_version: number | null;
  revoked_ms: number | null;
}

/**
 * The revocations of the last access-token lifetime, kept in memory and read again from the database
 * every `intervalMs`: checking a token costs two Map lookups and no query, whatever the traffic, and
 * the database answers one indexed read per interval per process. Works the same on PGlite (one process,
 * which also notes its own revocations at once) and on a PostgreSQL server shared by many processes.
 */
export function watchRevocations(
  deps: { db: Database; logger?: Logger },
  options: RevocationWatchOptions,
): RevocationWatch {
  /** Signed-out sessions: family id -> when (database time, ms). */
  const families = new Map<string, number>();
  /** Users whose older tokens are refused: user id -> the lowest good version, and when. */
  const versions = new Map<string, { version: number; at: number }>();
  /** Database time of the last successful read: the next one looks from a little before it. */
  let cursor: number | undefined;
  /** When (performance.now) the newest successful read started: its answer is at least that fresh. */
  let readAt: number | undefined;
  let lastDelete = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failing = false;
  let inFlight: Promise<void> | undefined;

  const record = (r: Revocation, at: number) => {
    if (r.familyId) {
      families.set(r.familyId, Math.max(at, families.get(r.familyId) ?? at));
    }
    if (r.tokenVersion !== undefined) {
      const known = versions.get(r.userId);
      if (!known || known.version < r.tokenVersion) {
        versions.set(r.userId, { version: r.tokenVersion, at });
      }
    }
  };

  const forgetBefore = (limit: number) => {
    for (const [id, at] of families) {
      if (at < limit) {
        families.delete(id);
      }
    }
    for (const [id, v] of versions) {
      if (v.at < limit) {
        versions.delete(id);
      }
    }
  };

  const read = async () => {
    const startedAt = performance.now();
    const since = cursor === undefined ? null : cursor - COMMIT_LAG_MS;
    const rows = await answerWithin(
      runStatement<ReadRow>(deps.db, READ, [since, options.horizonSeconds]),
      options.staleAfterMs / 2,
    );
    const polledMs = Number(rows[0]?.polled_ms ?? Date.now());
    for (const row of rows) {
      if (row.user_id) {
        record(
          {
            userId: row.user_id,
            familyId: row.family_id ?? undefined,
            tokenVersion: row.token_version ?? undefined,
          },
          Number(row.revoked_ms),
        );
      }
    }
    cursor = polledMs;
    // What it read was the state when it started, not when its answer arrived.
    readAt = startedAt;
    forgetBefore(polledMs - options.horizonSeconds * 1000);
    if (readAt - lastDelete > DELETE_EVERY_MS) {
      lastDelete = readAt;
      await runStatement(deps.db, DELETE_OLD, [options.horizonSeconds]);
    }
  };

  const poll = () => {
    inFlight ??= read()
      .then(() => {
        if (failing) {
          failing = false;
          deps.logger?.info("token revocations are read again");
        }
      })
      .catch((err: unknown) => {
        if (!failing) {
          failing = true;
          deps.logger?.warn(
            { err: err instanceof Error ? err.message : String(err) },
            "token revocations cannot be read: signed-in requests answer 503 if this lasts",
          );
        }
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  const schedule = () => {
    if (stopped) {
      return;
    }
    timer = setTimeout(() => {
      void poll().finally(schedule);
    }, options.intervalMs);
    timer.unref();
  };

  return {
    async start() {
      await poll();
      schedule();
    },
    poll,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
    note(revocation) {
      record(revocation, cursor ?? Date.now());
    },
    assertLive(claims: AccessClaims) {
      if (readAt === undefined || performance.now() - readAt > options.staleAfterMs) {
        throw new AppError(
          "UNAVAILABLE",
          "Signed-in requests are paused: the database is not answering, so revoked tokens cannot be told apart",
          { retryAfterSeconds: 2 },
        );
      }
      if (
        families.has(claims.sessionId) ||
        (versions.get(claims.userId)?.version ?? 0) > claims.tokenVersion
      ) {
        throw new AppError(
          "INVALID_TOKEN",
          "The access token was revoked (signed out, or the account's roles changed): refresh it",
        );
      }
    },
  };
}
