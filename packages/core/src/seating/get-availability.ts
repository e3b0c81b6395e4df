import type { Availability } from "@boxoffice/contracts";
import type { AvailabilityReader } from "./availability.ts";

/**
 * `seats.availability`: every seat of a showtime with its status, and which held seats are the viewer's.
 * The reader behind it caches snapshots per showtime (see AvailabilityReader), so this is the hot read.
 */
export function getAvailability(
  deps: { availability: AvailabilityReader },
  showtimeId: string,
  viewerId?: string,
): Promise<Availability> {
  return deps.availability.read(showtimeId, viewerId);
}
