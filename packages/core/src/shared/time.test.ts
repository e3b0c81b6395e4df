import { describe, expect, it } from "vitest";
import { addDays, localDate, zonedTimeToInstant } from "./time.ts";

describe("wall-clock time in a theater's zone", () => {
  it("converts local times to instants, including half-hour offsets and DST", () => {
    expect(zonedTimeToInstant("2026-11-25", "02:00", "Asia/Kolkata").toISOString()).toBe(
      "2026-11-24T20:30:00.000Z",
    );
    expect(zonedTimeToInstant("2026-07-01", "20:00", "Europe/London").toISOString()).toBe(
      "2026-07-01T19:00:00.000Z",
    );
    expect(zonedTimeToInstant("2026-12-01", "20:00", "Europe/London").toISOString()).toBe(
      "2026-12-01T20:00:00.000Z",
    );
  });

  it("names the local day of an instant", () => {
    expect(localDate(new Date("2026-11-24T20:30:00Z"), "Asia/Kolkata")).toBe("2026-11-25");
    expect(localDate(new Date("2026-11-24T20:30:00Z"), "UTC")).toBe("2026-11-24");
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
  });
});
