import { randomBytes, randomUUID } from "node:crypto";
import type { Movie, Screen, ScreenLayout, Session, Showtime, Theater } from "@boxoffice/contracts";
import { ensureAdmin, hashPassword, systemClock, type TokenService } from "@boxoffice/core";
import { type Database, users as usersTable } from "@boxoffice/db";
import { expectStatus, type LoadClient } from "@boxoffice/testkit";

export const ROWS = 20;
export const SEATS_PER_ROW = 25;
const SCREENS = 4;
const BASE_PRICE = 20_000;
/** Far enough apart that a 120-minute film plus cleaning never overlaps the next show on a screen. */
const SLOT_MS = 3 * 3600_000;

export interface BenchUser {
  /** Position in Fixture.users: client i is user i, and goes to API process i mod N. */
  index: number;
  id: string;
  token: string;
}

export interface BenchShowtime {
  id: string;
  basePrice: number;
  currency: string;
}

export interface Fixture {
  users: BenchUser[];
  seatIds: string[];
  warmup: BenchShowtime;
  low: { api: BenchShowtime[]; raw: BenchShowtime[] };
  hot: { api: BenchShowtime; raw: BenchShowtime };
}

/** `rows` rows (A, B, ...) of 25 plain seats: the API names them A1, A2, ... */
export function layoutOf(rows: number): ScreenLayout {
  const labels = Array.from({ length: rows }, (_, r) => String.fromCharCode(65 + r));
  return {
    rows: labels.map((label) => ({
      label,
      seats: Array.from({ length: SEATS_PER_ROW }, (_, i) => ({ number: i + 1 })),
    })),
    blocked: [],
  };
}

/** Rows A..T of 25 plain seats, 500 in all: A1..T25. */
export function bigLayout(): ScreenLayout {
  return layoutOf(ROWS);
}

/** The seat ids the API gives a layout's seats, row by row. */
export function seatIdsOf(layout: ScreenLayout): string[] {
  return layout.rows.flatMap((row) =>
    row.seats.flatMap((seat) => ("number" in seat ? [`${row.label}${seat.number}`] : [])),
  );
}

/** Runs `work` over `items` with at most `width` at a time, keeping the results in order. */
async function inBatches<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width) {
    results.push(...(await Promise.all(items.slice(i, i + width).map(work))));
  }
  return results;
}

/** An admin made in the database (there is no API to become one), then signed in over HTTP. */
export async function adminToken(client: LoadClient, db: Database): Promise<string> {
  const email = `bench-admin-${randomBytes(4).toString("hex")}@example.com`;
  const password = randomBytes(12).toString("hex");
  await ensureAdmin({ db, clock: systemClock }, { email, password });
  return expectStatus<Session>(await client.post("/api/auth/login", { email, password }), 200, "admin login")
    .accessToken;
}

async function createCatalog(client: LoadClient, token: string, layout: ScreenLayout) {
  const theater = expectStatus<Theater>(
    await client.post(
      "/api/admin/theaters",
      {
        name: "Bench Cinema",
        address: { line1: "1 Bench Road", city: "Mumbai", country: "IN" },
        location: { lat: 19.07, lng: 72.87 },
        timeZone: "Asia/Kolkata",
      },
      token,
    ),
    201,
    "create theater",
  );
  const screens = await inBatches(
    Array.from({ length: SCREENS }, (_, i) => i),
    SCREENS,
    async (i) =>
      expectStatus<Screen>(
        await client.post(
          "/api/admin/screens",
          { theaterId: theater.id, name: `Screen ${i + 1}`, layout },
          token,
        ),
        201,
        "create screen",
      ),
  );
  const movie = expectStatus<Movie>(
    await client.post(
      "/api/admin/movies",
      { title: "Bench Movie", runtimeMinutes: 120, genres: ["Drama"], languages: ["English"] },
      token,
    ),
    201,
    "create movie",
  );
  return { theater, screens, movie };
}

/** `count` showtimes on sale, spread over screens of `layout`, starting tomorrow. */
export async function scheduleShowtimes(
  client: LoadClient,
  token: string,
  count: number,
  layout = bigLayout(),
): Promise<BenchShowtime[]> {
  const { theater, screens, movie } = await createCatalog(client, token, layout);
  const firstStart = Date.now() + 24 * 3600_000;
  const created = await inBatches(
    Array.from({ length: count }, (_, i) => i),
    8,
    async (i) => {
      const screen = screens[i % screens.length] as Screen;
      const startAt = new Date(firstStart + Math.floor(i / screens.length) * SLOT_MS).toISOString();
      const body = {
        movieId: movie.id,
        theaterId: theater.id,
        screenId: screen.id,
        startAt,
        language: "English",
        format: "2D",
        basePrice: BASE_PRICE,
      };
      return expectStatus<Showtime>(
        await client.post("/api/admin/showtimes", body, token),
        201,
        "create showtime",
      );
    },
  );
  return created.map((s) => ({ id: s.id, basePrice: s.basePrice, currency: s.currency }));
}

/** Registration hashes with scrypt (tens of ms each), so users are made a few at a time. */
async function registerUsers(client: LoadClient, count: number): Promise<BenchUser[]> {
  const tag = randomBytes(4).toString("hex");
  return inBatches(
    Array.from({ length: count }, (_, i) => i),
    16,
    async (i) => {
      const body = {
        email: `bench-${tag}-${i}@example.com`,
        password: "bench password 1",
        name: `Bench ${i}`,
      };
      const session = expectStatus<Session>(await client.post("/api/auth/register", body), 201, "register");
      return { index: i, id: session.user.id, token: session.accessToken };
    },
  );
}

/**
 * `count` users for a crowd too big to register over HTTP: registration hashes each password with scrypt
 * (tens of ms of CPU each), so 1,500 users would take minutes on a small machine. They are inserted as
 * registration inserts them (with one password hash, made once by the API's own function) and each gets
 * the access token a sign-in would give, signed with the run's secret by the API's own token service.
 */
export async function crowdOfUsers(db: Database, tokens: TokenService, count: number): Promise<BenchUser[]> {
  const tag = randomBytes(4).toString("hex");
  const passwordHash = await hashPassword("bench password 1");
  const now = new Date();
  const ids: string[] = [];
  // Chunks keep each INSERT well under PostgreSQL's 65,535 bind parameters.
  for (let start = 0; start < count; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - start) }, (_, i) => ({
      email: `bench-${tag}-${start + i}@example.com`,
      name: `Bench ${start + i}`,
      passwordHash,
      createdAt: now,
      updatedAt: now,
    }));
    const inserted = await db
      .insert(usersTable)
      .values(rows)
      .returning({ id: usersTable.id, email: usersTable.email });
    // RETURNING promises no order: put each row back in its place by the number in its email.
    const byEmail = new Map(inserted.map((row) => [row.email, row.id]));
    ids.push(...rows.map((row) => byEmail.get(row.email) ?? ""));
  }
  return Promise.all(
    ids.map(async (id, index) => {
      if (!id) {
        throw new Error(`user ${index} was not inserted`);
      }
      // A new user's token version is 0; no session stands behind the token, so none can be signed out.
      const { token } = await tokens.signAccessToken({
        userId: id,
        roles: ["user"],
        tokenVersion: 0,
        sessionId: randomUUID(),
      });
      return { index, id, token };
    }),
  );
}

/**
 * Everything the phases need, made through the HTTP API as a client would: each measured phase gets
 * showtimes of its own, so the API and raw-SQL sides both start from empty seat maps.
 */
export async function setUp(
  client: LoadClient,
  db: Database,
  options: { users: number; showtimes: number },
): Promise<Fixture> {
  const token = await adminToken(client, db);
  const all = await scheduleShowtimes(client, token, 2 * options.showtimes + 3);
  const take = (n: number) => all.splice(0, n);
  const [warmup, hotApi, hotRaw] = take(3) as [BenchShowtime, BenchShowtime, BenchShowtime];
  const low = { api: take(options.showtimes), raw: take(options.showtimes) };
  const users = await registerUsers(client, options.users);
  const seatIds = seatIdsOf(bigLayout());
  return { users, seatIds, warmup, low, hot: { api: hotApi, raw: hotRaw } };
}
