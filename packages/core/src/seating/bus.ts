import { EventEmitter } from "node:events";
import type { SeatUpdateEvent } from "@boxoffice/contracts";
import type { Redis } from "ioredis";

export type SeatListener = (event: SeatUpdateEvent) => void;

/** Where committed seat changes are announced, and where the API's live channels listen. */
export interface SeatBus {
  publish(event: SeatUpdateEvent): Promise<void>;
  subscribe(showtimeId: string, listener: SeatListener): () => void;
  /** Every event, whatever the showtime (the API keeps a short log of them for reconnecting clients). */
  subscribeAll(listener: SeatListener): () => void;
  close(): Promise<void>;
}

class LocalFanout {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(0);
  }
  emit(event: SeatUpdateEvent) {
    this.emitter.emit("*", event);
    this.emitter.emit(event.showtimeId, event);
  }
  on(channel: string, listener: SeatListener): () => void {
    this.emitter.on(channel, listener);
    return () => this.emitter.off(channel, listener);
  }
}

/** One process: publishing is delivering. */
export function inProcessSeatBus(): SeatBus {
  const fanout = new LocalFanout();
  return {
    async publish(event) {
      fanout.emit(event);
    },
    subscribe: (showtimeId, listener) => fanout.on(showtimeId, listener),
    subscribeAll: (listener) => fanout.on("*", listener),
    async close() {},
  };
}

/**
 * Every process publishes to one Redis channel and delivers what it receives to its own listeners, so a
 * hold made through one API process reaches clients connected to another.
 */
export async function redisSeatBus(
  publisher: Redis,
  channel: string,
  onError: (err: Error) => void = () => {},
): Promise<SeatBus> {
  const fanout = new LocalFanout();
  const subscriber = publisher.duplicate({
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    commandTimeout: undefined,
  });
  subscriber.on("error", onError);
  subscriber.on("message", (_channel: string, message: string) => {
    try {
      fanout.emit(JSON.parse(message) as SeatUpdateEvent);
    } catch (err) {
      onError(err instanceof Error ? err : new Error(String(err)));
    }
  });
  await subscriber.subscribe(channel);
  return {
    async publish(event) {
      try {
        await publisher.publish(channel, JSON.stringify(event));
      } catch (err) {
        // The change is committed; clients that miss it see a version gap and refetch.
        onError(err instanceof Error ? err : new Error(String(err)));
      }
    },
    subscribe: (showtimeId, listener) => fanout.on(showtimeId, listener),
    subscribeAll: (listener) => fanout.on("*", listener),
    async close() {
      subscriber.disconnect();
    },
  };
}
