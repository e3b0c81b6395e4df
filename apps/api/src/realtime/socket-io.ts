import type { Server as HttpServer } from "node:http";
import { IdSchema } from "@boxoffice/contracts";
import type { Logger, SeatBus } from "@boxoffice/core";
import { Server } from "socket.io";
import { z } from "zod";

const JoinSchema = z.strictObject({ showtimeId: IdSchema });
type Ack = (reply: { ok: true } | { ok: false; error: { code: string; message: string } }) => void;

const room = (showtimeId: string) => `showtime:${showtimeId}`;

/**
 * Socket.IO on the API's own port: a client emits `showtime:join` with `{ showtimeId }` and then receives
 * `seats:update` events for that showtime (the same events the tRPC subscription streams).
 */
export function attachSocketIo(
  server: HttpServer,
  deps: { bus: SeatBus; logger: Logger; corsOrigins: string[] },
) {
  const io = new Server(server, {
    path: "/socket.io",
    cors: { origin: deps.corsOrigins, credentials: true },
  });
  io.on("connection", (socket) => {
    const handle = (action: "join" | "leave") => (payload: unknown, ack?: Ack) => {
      const parsed = JoinSchema.safeParse(payload);
      if (!parsed.success) {
        ack?.({ ok: false, error: { code: "VALIDATION_FAILED", message: "send { showtimeId: <uuid> }" } });
        return;
      }
      if (action === "join") {
        void socket.join(room(parsed.data.showtimeId));
      } else {
        void socket.leave(room(parsed.data.showtimeId));
      }
      ack?.({ ok: true });
    };
    socket.on("showtime:join", handle("join"));
    socket.on("showtime:leave", handle("leave"));
  });
  const unsubscribe = deps.bus.subscribeAll((event) => {
    const name = room(event.showtimeId);
    // Socket.IO encodes a broadcast before looking for its recipients: with nobody watching the
    // showtime here (the usual case for a hold), that is work for no one.
    if (io.sockets.adapter.rooms.get(name)?.size) {
      io.to(name).emit("seats:update", event);
    }
  });
  return {
    io,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        // Closing the engine only: the HTTP server is closed by its owner.
        io.disconnectSockets(true);
        io.engine.close();
        resolve();
      }),
  };
}
