import type { Availability, SeatStatus } from "@boxoffice/contracts";
import { type Database, showtimes } from "@boxoffice/db";
import { eq } from "drizzle-orm";
import type { Clock } from "../shared/clock.ts";
import { liveClaims } from "./claims.ts";
import { loadShowtimeForSale, type SeatPlan } from "./seat-plan.ts";

interface Snapshot {
  version: number;
  /** The first moment a hold in this snapshot lapses: the snapshot is stale from then on. */
  validUntil: number;
  plan: SeatPlan;
  /** Seat id → who holds or bought it. */
  claims: Map<string, { userId: string; booked: boolean }>;
}

/**
 * The hottest read: every seat of a showtime with its status. Snapshots are cached per showtime and
 * served while the showtime's seat version is unchanged and no hold in them has lapsed, so a hit costs
 * one indexed read of the version.
 */
export class AvailabilityReader {
  private readonly snapshots = new Map<string, Snapshot>();

  constructor(
    private readonly deps: { db: Database; clock: Clock },
    private readonly maxEntries = 2000,
  ) {}

  async read(showtimeId: string, viewerId?: string): Promise<Availability> {
    const snapshot = await this.snapshot(showtimeId);
    return {
      showtimeId,
      version: snapshot.version,
      seats: snapshot.plan.seatMap.seats.map((seat) => {
        const claim = snapshot.claims.get(seat.id);
        const status: SeatStatus = seat.blocked
          ? "blocked"
          : !claim
            ? "available"
            : claim.booked
              ? "booked"
              : "held";
        return claim && viewerId && claim.userId === viewerId && !claim.booked
          ? { id: seat.id, type: seat.type, status, mine: true }
          : { id: seat.id, type: seat.type, status };
      }),
    };
  }

  private async snapshot(showtimeId: string): Promise<Snapshot> {
    const now = this.deps.clock.now().getTime();
    const cached = this.snapshots.get(showtimeId);
    if (cached && now < cached.validUntil) {
      const [row] = await this.deps.db
        .select({ version: showtimes.seatVersion })
        .from(showtimes)
        .where(eq(showtimes.id, showtimeId));
      if (row?.version === cached.version) {
        return cached;
      }
    }
    const showtime = await loadShowtimeForSale(this.deps.db, showtimeId);
    const rows = await liveClaims(this.deps.db, showtimeId, new Date(now));
    let validUntil = Number.POSITIVE_INFINITY;
    const claims = new Map<string, { userId: string; booked: boolean }>();
    for (const row of rows) {
      const booked = row.bookingId !== null;
      claims.set(row.seatId, { userId: row.userId, booked });
      if (row.expiresAt && !booked) {
        validUntil = Math.min(validUntil, row.expiresAt.getTime());
      }
    }
    // The version was read before the claims, so the snapshot is at least as new as the version says.
    const snapshot = { version: showtime.seatVersion, validUntil, plan: showtime.plan, claims };
    if (this.snapshots.size >= this.maxEntries) {
      this.snapshots.clear();
    }
    this.snapshots.set(showtimeId, snapshot);
    return snapshot;
  }
}
