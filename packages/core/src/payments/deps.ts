import type { Database } from "@boxoffice/db";
import type { SeatBus } from "../seating/bus.ts";
import type { Clock } from "../shared/clock.ts";
import type { Logger } from "../shared/logger.ts";
import type { TicketKey } from "../tickets/index.ts";
import type { PaymentProviders } from "./provider.ts";

export interface PaymentsDeps {
  db: Database;
  clock: Clock;
  bus: SeatBus;
  logger: Logger;
  providers: PaymentProviders;
  /** Signs the QR payload printed on tickets. */
  ticketSecret: TicketKey;
}
