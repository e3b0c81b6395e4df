import type { Database } from "@boxoffice/db";
import type { Clock } from "../shared/clock.ts";
import type { SeatBus } from "./bus.ts";

export interface HoldSettings {
  holdTtlSeconds: number;
  holdMaxLifetimeSeconds: number;
  holdMaxSeats: number;
}

export interface SeatingDeps {
  db: Database;
  clock: Clock;
  bus: SeatBus;
  settings: HoldSettings;
  /** Told of every new or extended hold, so a job can announce its seats the moment it lapses. */
  onHoldExpiry?: (holdId: string, expiresAt: Date) => void;
}
