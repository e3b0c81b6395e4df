import type { Hold } from "@boxoffice/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import { createCatalog, createShowtime } from "../test/catalog-fixtures.ts";
import { registerAdmin, registerUser, serverForFile } from "../test/harness.ts";
import { joinSocketIo, subscribeSse } from "../test/realtime-clients.ts";

const server = serverForFile();
let admin: string;
beforeAll(async () => {
  admin = (await registerAdmin(server)).accessToken;
});

async function showtime() {
  const { theater, screen, movie } = await createCatalog(server, admin);
  return (
    await createShowtime(
      server,
      admin,
      { theaterId: theater.id, screenId: screen.id, movieId: movie.id },
      "2030-05-01T12:00:00Z",
    )
  ).id;
}

describe("live seat updates", () => {
  it("an SSE subscriber and a Socket.IO client both see a hold and its release, with growing versions", async () => {
    const showtimeId = await showtime();
    const sse = subscribeSse(server.url, showtimeId);
    const socket = await joinSocketIo(server.url, showtimeId);
    await sse.ready;
    const user = await registerUser(server);
    try {
      const held = await server.http.post<Hold>(
        "/api/seats/hold",
        { showtimeId, seatIds: ["A3", "A4"] },
        user.accessToken,
      );
      expect(held.status).toBe(201);
      const viaSse = await sse.inbox.waitFor((e) => e.seats.some((s) => s.status === "held"));
      const viaSocket = await socket.inbox.waitFor((e) => e.seats.some((s) => s.status === "held"));
      expect(viaSse).toEqual(viaSocket);
      expect(viaSse).toMatchObject({
        showtimeId,
        seats: [
          { seatId: "A3", status: "held" },
          { seatId: "A4", status: "held" },
        ],
      });
      await server.http.request("DELETE", `/api/seats/hold/${held.body.id}`, { token: user.accessToken });
      const released = await sse.inbox.waitFor((e) => e.seats.some((s) => s.status === "available"));
      expect(released.version).toBe(viaSse.version + 1);
      await socket.inbox.waitFor((e) => e.version === released.version);
    } finally {
      sse.close();
      socket.close();
    }
  });

  it("a client that reconnects with its last event id gets exactly what it missed", async () => {
    const showtimeId = await showtime();
    const user = await registerUser(server);
    const first = subscribeSse(server.url, showtimeId);
    await first.ready;
    await server.http.post("/api/seats/hold", { showtimeId, seatIds: ["A1"] }, user.accessToken);
    const seen = await first.inbox.waitFor(() => true);
    first.close();

    // While disconnected: two more changes.
    await server.http.post("/api/seats/hold", { showtimeId, seatIds: ["A1", "C3"] }, user.accessToken);
    await server.http.post("/api/seats/hold", { showtimeId, seatIds: ["C3"] }, user.accessToken);

    const resumed = subscribeSse(server.url, showtimeId, String(seen.version));
    try {
      const last = await resumed.inbox.waitFor((e) => e.version === seen.version + 2);
      expect(resumed.inbox.events.map((e) => e.version)).toEqual([seen.version + 1, seen.version + 2]);
      expect(last.seats).toEqual([
        { seatId: "C3", status: "held" },
        { seatId: "A1", status: "available" },
      ]);
    } finally {
      resumed.close();
    }
  });

  it("a client whose missed updates this process cannot replay is told to refetch", async () => {
    const showtimeId = await showtime();
    const user = await registerUser(server);
    await server.http.post("/api/seats/hold", { showtimeId, seatIds: ["A1"] }, user.accessToken);
    // Changes this process never saw (as if made before it started): the log cannot fill the gap.
    await server.deps.db.execute(
      `update showtimes set seat_version = seat_version + 5 where id = '${showtimeId}'`,
    );
    const behind = subscribeSse(server.url, showtimeId, "0");
    try {
      const first = await behind.inbox.waitFor(() => true);
      expect(first).toMatchObject({ showtimeId, version: 6, seats: [], resync: true });
    } finally {
      behind.close();
    }
  });

  it("a Socket.IO join with a bad showtime id is refused in its acknowledgement", async () => {
    await expect(joinSocketIo(server.url, "not-a-uuid")).rejects.toThrow(/VALIDATION_FAILED/);
  });
});

describe("events arriving out of order (as across processes)", () => {
  it("are never skipped silently: a gap becomes a resync, and a late older event is dropped", async () => {
    const showtimeId = await showtime();
    const sse = subscribeSse(server.url, showtimeId);
    await sse.ready;
    try {
      const at = (version: number) => ({
        showtimeId,
        version,
        seats: [{ seatId: "A1", status: "held" as const }],
      });
      await server.deps.bus.publish(at(4));
      await sse.inbox.waitFor((e) => e.version === 4);
      await server.deps.bus.publish(at(6));
      await server.deps.bus.publish(at(5));
      await server.deps.bus.publish(at(7));
      await sse.inbox.waitFor((e) => e.version === 7);
      expect(sse.inbox.events.map((e) => [e.version, Boolean(e.resync)])).toEqual([
        [4, false],
        [6, true],
        [7, false],
      ]);
    } finally {
      sse.close();
    }
  });
});
