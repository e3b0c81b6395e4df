import type { HoldStatus } from "@boxoffice/db";
import type { HoldSettings } from "./deps.ts";

/**
 * The one owner of a hold's lifetime rule. A user's holds on one showtime form a run while each starts
 * less than HOLD_TTL_SECONDS after the one before it ended (released, replaced or lapsed), or while that
 * one is still live. Every hold of a run shares the run's maxExpiresAt: its first hold's creation plus
 * HOLD_MAX_LIFETIME_SECONDS. So holding again, or releasing and holding again, never resets the maximum,
 * and once it has passed the user cannot hold on that showtime until HOLD_TTL_SECONDS have gone by with
 * no hold, a window in which the seats are anyone's. A purchase ends a run: its seats are sold, not kept
 * off sale, and a buyer coming back for more seats starts afresh.
 *
 * Only the user's latest hold on the showtime is needed (it carries the run's maximum, and it ended
 * last), read in the statement that replaces it, under the showtime's lock: no new hold of the same user
 * and showtime can commit between the read and the write.
 */
export interface LatestHold {
  status: HoldStatus;
  maxExpiresAt: Date;
  /** When it stopped holding seats: now if still live, its expiry if it lapsed, else when it was closed. */
  endedAt: Date;
}

export type HoldLife =
  | { ok: true; expiresAt: Date; maxExpiresAt: Date }
  | { ok: false; maxExpiresAt: Date; retryAt: Date };

export function holdLife(
  latest: LatestHold | undefined,
  now: Date,
  settings: Pick<HoldSettings, "holdTtlSeconds" | "holdMaxLifetimeSeconds">,
): HoldLife {
  const ttlMs = settings.holdTtlSeconds * 1000;
  const inRun =
    latest !== undefined && latest.status !== "converted" && latest.endedAt.getTime() + ttlMs > now.getTime();
  if (!inRun) {
    const maxExpiresAt = new Date(now.getTime() + settings.holdMaxLifetimeSeconds * 1000);
    return { ok: true, expiresAt: new Date(now.getTime() + ttlMs), maxExpiresAt };
  }
  const { maxExpiresAt } = latest;
  if (maxExpiresAt <= now) {
    // No hold outlives its run's maximum, so the latest ended by then: the wait is at most one TTL.
    return { ok: false, maxExpiresAt, retryAt: new Date(latest.endedAt.getTime() + ttlMs) };
  }
  return {
    ok: true,
    expiresAt: new Date(Math.min(now.getTime() + ttlMs, maxExpiresAt.getTime())),
    maxExpiresAt,
  };
}
