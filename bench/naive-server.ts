/**
 * The seed's strategy, for bench/blockbuster.ts to race against boxoffice: the hold endpoint of the
 * original MongoDB/Mongoose brief, written as it would have been written, on the same PostgreSQL server
 * in a table of the bench's own (lib/naive-table.ts). A hold reads the showtime's current holds, checks
 * that the requested seats are not among them, and inserts a hold document; buying reads the hold, checks
 * that no booked hold has its seats, and marks it booked. Each statement runs on its own, as Mongoose
 * sends each call on its own: no transaction, no lock, no constraint, and no artificial delay either.
 *
 * The HTTP layer matches the API's where it is not the point: a process of its own started the same way
 * (lib/server-process.ts), a plain node:http server with Node's defaults (what @hono/node-server starts
 * for the API), JSON in and out, the same access tokens checked by boxoffice's own token service, a pool of
 * as many connections as the API's, and one JSON log line per request into a temporary file.
 */
import http from "node:http";
import { createTokenService, systemClock } from "@boxoffice/core";
import { answerBench, tellBench } from "./lib/ipc.ts";
import { openPool } from "./lib/pg.ts";

/** The API's default hold lifetime, so a seed hold lasts as long as a boxoffice one. */
const HOLD_TTL_SECONDS = 600;
/** The API's default most seats per hold. */
const MAX_SEATS = 10;

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: this process is started by bench/blockbuster.ts`);
  }
  return value;
}

const pool = openPool(
  required("BENCH_DATABASE_URL"),
  required("BENCH_SCHEMA"),
  Number(required("BENCH_POOL_SIZE")),
  required("BENCH_APP_NAME"),
);
const tokens = createTokenService(
  {
    accessSecret: required("BENCH_JWT_ACCESS_SECRET"),
    refreshSecret: required("BENCH_JWT_REFRESH_SECRET"),
    accessTokenTtlSeconds: 900,
    refreshTokenTtlDays: 30,
  },
  systemClock,
);

type Answer = [status: number, body: unknown];

const refuse = (status: number, code: string, message: string, details?: unknown): Answer => [
  status,
  { error: { code, message, ...(details === undefined ? {} : { details }) } },
];

const isSeatList = (value: unknown): value is string[] =>
  Array.isArray(value) &&
  value.length >= 1 &&
  value.length <= MAX_SEATS &&
  value.every((seat) => typeof seat === "string");

/** POST /hold { showtimeId, seatIds }: the seed's check-then-write. */
async function hold(userId: string, body: Record<string, unknown>): Promise<Answer> {
  const { showtimeId, seatIds } = body;
  if (typeof showtimeId !== "string" || !isSeatList(seatIds)) {
    return refuse(400, "VALIDATION_FAILED", "showtimeId and 1-10 seatIds are required");
  }
  const current = await pool.query<{ seat_ids: string[] }>(
    `SELECT seat_ids FROM naive_holds
     WHERE showtime_id = $1 AND (status = 'booked' OR (status = 'held' AND expires_at > now()))`,
    [showtimeId],
  );
  const taken = new Set(current.rows.flatMap((row) => row.seat_ids));
  const clash = seatIds.filter((seat) => taken.has(seat));
  if (clash.length > 0) {
    return refuse(409, "SEATS_TAKEN", `Seats ${clash.join(", ")} are taken`, { seatIds: clash });
  }
  const { rows } = await pool.query<{ id: string; seat_ids: string[] }>(
    `INSERT INTO naive_holds (showtime_id, user_id, seat_ids, status, expires_at)
     VALUES ($1, $2, $3, 'held', now() + make_interval(secs => $4)) RETURNING id, seat_ids`,
    [showtimeId, userId, seatIds, HOLD_TTL_SECONDS],
  );
  const row = rows[0];
  return row ? [201, { id: row.id, showtimeId, seatIds: row.seat_ids }] : [500, { error: "no row" }];
}

interface HoldRow {
  id: string;
  showtime_id: string;
  user_id: string;
  seat_ids: string[];
  status: string;
  expires_at: Date;
}

/** POST /buy { holdId }: paid, so the hold becomes a booking, after the seed's own check-then-write. */
async function buy(userId: string, body: Record<string, unknown>): Promise<Answer> {
  const { holdId } = body;
  if (typeof holdId !== "string") {
    return refuse(400, "VALIDATION_FAILED", "holdId is required");
  }
  const found = (await pool.query<HoldRow>("SELECT * FROM naive_holds WHERE id = $1", [holdId])).rows[0];
  if (found?.user_id !== userId) {
    return refuse(404, "NOT_FOUND", "No such hold");
  }
  if (found.status !== "held" || found.expires_at <= new Date()) {
    return refuse(410, "GONE", "This hold is no longer active");
  }
  const sold = await pool.query<{ seat_ids: string[] }>(
    "SELECT seat_ids FROM naive_holds WHERE showtime_id = $1 AND status = 'booked' AND seat_ids && $2",
    [found.showtime_id, found.seat_ids],
  );
  if (sold.rows.length > 0) {
    const clash = found.seat_ids.filter((seat) => sold.rows.some((row) => row.seat_ids.includes(seat)));
    return refuse(409, "SEATS_TAKEN", "These seats were sold meanwhile", { seatIds: clash });
  }
  await pool.query("UPDATE naive_holds SET status = 'booked', booked_at = now() WHERE id = $1", [holdId]);
  return [200, { id: found.id, showtimeId: found.showtime_id, seatIds: found.seat_ids }];
}

const routes: Record<string, (userId: string, body: Record<string, unknown>) => Promise<Answer>> = {
  "POST /hold": hold,
  "POST /buy": buy,
};

async function answer(req: http.IncomingMessage): Promise<Answer> {
  const route = routes[`${req.method} ${req.url}`];
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  if (!route) {
    return refuse(404, "NOT_FOUND", "No such route");
  }
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  let userId: string;
  try {
    userId = (await tokens.verifyAccessToken(token ?? "")).userId;
  } catch {
    return refuse(401, "INVALID_TOKEN", "Sign in first");
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return refuse(400, "INVALID_JSON", "The body is not JSON");
  }
  if (typeof body !== "object" || body === null) {
    return refuse(400, "VALIDATION_FAILED", "The body must be an object");
  }
  return route(userId, body as Record<string, unknown>);
}

/** One line per request, as the API's pino logger writes (to a file here too: stdout is one). */
function log(level: number, fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ level, time: Date.now(), service: "seed", ...fields })}\n`);
}

const server = http.createServer((req, res) => {
  const started = performance.now();
  void answer(req)
    .catch((err: unknown): Answer => {
      log(50, { err: err instanceof Error ? err.message : String(err), url: req.url });
      return refuse(500, "INTERNAL", "Something went wrong");
    })
    .then(([status, body]) => {
      const payload = JSON.stringify(body);
      res.writeHead(status, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(payload),
      });
      res.end(payload);
      log(30, { method: req.method, url: req.url, status, ms: performance.now() - started });
    });
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) {
    return;
  }
  stopping = true;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await pool.end().catch((err: unknown) => console.error("naive-server: pool close failed", err));
  process.exit(0);
}

answerBench(stop);

server.once("error", (err) => {
  tellBench({ type: "failed", message: err.stack ?? err.message });
  process.exit(1);
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  tellBench({ type: "ready", url: `http://127.0.0.1:${port}` });
});
