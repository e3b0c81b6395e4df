import type { SeatUpdateEvent } from "@boxoffice/contracts";
import { inProcessSeatBus } from "@boxoffice/core";
import { describe, expect, it } from "vitest";
import { SeatEventLog } from "./seat-event-log.ts";

const showtimeId = "6f1c2a7e-0d4b-4c1e-9a53-0b7f3d2c9e11";
const event = (version: number, seatId = `A${version}`): SeatUpdateEvent => ({
  showtimeId,
  version,
  seats: [{ seatId, status: "held" }],
});

describe("SeatEventLog", () => {
  it("keeps each showtime's events in version order, however they arrive", async () => {
    const bus = inProcessSeatBus();
    const log = new SeatEventLog(bus);
    for (const version of [1, 2, 5, 3, 4, 7, 6]) {
      await bus.publish(event(version));
    }
    expect(log.since(showtimeId, 0)?.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(log.since(showtimeId, 4)?.map((e) => e.version)).toEqual([5, 6, 7]);
    expect(log.since(showtimeId, 7)).toEqual([]);
    log.close();
  });

  it("says a gap it cannot fill is missing, and keeps only the newest events", async () => {
    const bus = inProcessSeatBus();
    const log = new SeatEventLog(bus, 3);
    for (const version of [1, 2, 4]) {
      await bus.publish(event(version));
    }
    expect(log.since(showtimeId, 1)).toBeUndefined();
    await bus.publish(event(3));
    await bus.publish(event(5));
    expect(log.since(showtimeId, 2)?.map((e) => e.version)).toEqual([3, 4, 5]);
    expect(log.since(showtimeId, 1)).toBeUndefined();
    log.close();
  });
});
