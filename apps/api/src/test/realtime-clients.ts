import type { SeatUpdateEvent } from "@boxoffice/contracts";
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { EventSource } from "eventsource";
import { io, type Socket } from "socket.io-client";
import type { AppRouter } from "../trpc/router.ts";

/** Collects events and lets a test wait until one matching a predicate has arrived. */
export class Inbox {
  readonly events: SeatUpdateEvent[] = [];
  private waiters: Array<{ test: (e: SeatUpdateEvent) => boolean; resolve: (e: SeatUpdateEvent) => void }> =
    [];

  push = (event: SeatUpdateEvent) => {
    this.events.push(event);
    this.waiters = this.waiters.filter((w) => {
      if (w.test(event)) {
        w.resolve(event);
        return false;
      }
      return true;
    });
  };

  waitFor(test: (e: SeatUpdateEvent) => boolean, timeoutMs = 10_000): Promise<SeatUpdateEvent> {
    const seen = this.events.find(test);
    if (seen) {
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching event within ${timeoutMs} ms: ${JSON.stringify(this.events)}`)),
        timeoutMs,
      );
      this.waiters.push({
        test,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }
}

/** A TypeScript client on SSE, the way a browser app would subscribe. */
export function subscribeSse(baseUrl: string, showtimeId: string, lastEventId?: string) {
  const inbox = new Inbox();
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({ url: `${baseUrl}/trpc`, EventSource }),
        false: httpLink({ url: `${baseUrl}/trpc` }),
      }),
    ],
  });
  let started!: () => void;
  const ready = new Promise<void>((resolve) => {
    started = resolve;
  });
  const subscription = client.seats.onUpdate.subscribe(
    { showtimeId, ...(lastEventId ? { lastEventId } : {}) },
    {
      onStarted: () => started(),
      onData: (data) => inbox.push(data.data),
    },
  );
  return { inbox, ready, close: () => subscription.unsubscribe() };
}

/** A Socket.IO client in the showtime's room. */
export async function joinSocketIo(baseUrl: string, showtimeId: string) {
  const inbox = new Inbox();
  const socket: Socket = io(baseUrl, { path: "/socket.io", transports: ["websocket"], forceNew: true });
  socket.on("seats:update", inbox.push);
  const ack = await socket.timeout(10_000).emitWithAck("showtime:join", { showtimeId });
  if (!ack?.ok) {
    throw new Error(`join refused: ${JSON.stringify(ack)}`);
  }
  return { inbox, socket, close: () => socket.disconnect() };
}
