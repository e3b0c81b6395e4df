import type { SeatUpdateEvent } from "@boxoffice/contracts";
import { showtimes } from "@boxoffice/db";
import { tracked } from "@trpc/server";
import { eq } from "drizzle-orm";
import type { AppDeps } from "../deps.ts";

/**
 * The stream behind `seats.onUpdate`: each event tracked by its version, so an SSE client that
 * reconnects sends its last id and gets what it missed from the event log, or one `resync` event
 * when the gap is too old (then it refetches availability).
 */
export async function* seatUpdates(
  deps: Pick<AppDeps, "bus" | "seatEvents" | "db">,
  showtimeId: string,
  lastEventId: string | null | undefined,
  signal: AbortSignal | undefined,
) {
  const queue: SeatUpdateEvent[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = deps.bus.subscribe(showtimeId, (event) => {
    queue.push(event);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);
  try {
    let last = lastEventId && /^\d+$/.test(lastEventId) ? Number(lastEventId) : undefined;
    if (last !== undefined) {
      const [row] = await deps.db
        .select({ version: showtimes.seatVersion })
        .from(showtimes)
        .where(eq(showtimes.id, showtimeId));
      const current = row?.version ?? 0;
      if (current !== last) {
        const missed = current > last ? deps.seatEvents.since(showtimeId, last) : undefined;
        if (missed && missed.at(-1)?.version === current) {
          for (const event of missed) {
            yield tracked(String(event.version), event);
          }
        } else {
          yield tracked(String(current), { showtimeId, version: current, seats: [], resync: true });
        }
        last = current;
      }
    }
    while (!signal?.aborted) {
      const event = queue.shift();
      if (!event) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      // Replayed already, or older than what the client has (a resync covered it).
      if (last !== undefined && event.version <= last) {
        continue;
      }
      // Events from several processes can arrive out of order: never skip one silently. A gap means the
      // client must refetch; the id moves on so a reconnect does not replay what the refetch covers.
      const gap = last !== undefined && event.version !== last + 1;
      last = event.version;
      yield tracked(
        String(event.version),
        gap ? { showtimeId, version: event.version, seats: [], resync: true } : event,
      );
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener("abort", onAbort);
  }
}
