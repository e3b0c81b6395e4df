import type { SeatUpdateEvent } from "@boxoffice/contracts";
import type { SeatBus } from "@boxoffice/core";

/**
 * The last few seat events of each showtime this process has seen, so a client that reconnects with its
 * last event id gets what it missed, or learns it must refetch when the gap is too old to fill.
 */
export class SeatEventLog {
  private readonly logs = new Map<string, SeatUpdateEvent[]>();
  private readonly unsubscribe: () => void;

  constructor(
    bus: SeatBus,
    private readonly perShowtime = 200,
    private readonly showtimes = 5000,
  ) {
    this.unsubscribe = bus.subscribeAll((event) => this.add(event));
  }

  private add(event: SeatUpdateEvent): void {
    let log = this.logs.get(event.showtimeId);
    if (!log) {
      if (this.logs.size >= this.showtimes) {
        const oldest = this.logs.keys().next().value;
        if (oldest !== undefined) {
          this.logs.delete(oldest);
        }
      }
      log = [];
      this.logs.set(event.showtimeId, log);
    }
    // Events from several processes may arrive slightly out of order; keep them by version (after any of
    // the same version, as a stable sort would). Almost always that is the end: no sort needed.
    let at = log.length;
    while (at > 0 && (log[at - 1] as SeatUpdateEvent).version > event.version) {
      at -= 1;
    }
    log.splice(at, 0, event);
    if (log.length > this.perShowtime) {
      log.splice(0, log.length - this.perShowtime);
    }
  }

  /**
   * Events after `version`, oldest first, when they are all here; undefined when some are missing. A
   * client on the newest version gets an empty list.
   */
  since(showtimeId: string, version: number): SeatUpdateEvent[] | undefined {
    const log = this.logs.get(showtimeId) ?? [];
    const after = log.filter((e) => e.version > version);
    let expected = version + 1;
    for (const event of after) {
      if (event.version !== expected) {
        return undefined;
      }
      expected += 1;
    }
    return after;
  }

  close(): void {
    this.unsubscribe();
  }
}
