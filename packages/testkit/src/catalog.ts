import { randomBytes, randomUUID } from "node:crypto";
import type { Movie, Screen, ScreenLayout, Showtime, Theater } from "@boxoffice/contracts";
import type { TokenService } from "@boxoffice/core";
import { expectStatus, type LoadClient } from "./http-client.ts";
import type { Sql } from "./invariants.ts";

/**
 * The rows a load starts from, for the proof, the benchmarks and multi-process tests: the catalog made
 * through the admin API as an admin client would, and crowds of users inserted straight into the
 * database with access tokens signed by the API's own token service (registering thousands over HTTP
 * would spend minutes of CPU on scrypt, which no load is about).
 */

/** Rows A, B, ... of `seatsPerRow` plain seats, no aisles: `plainLayout(12, 25)` is A1..L25, 300 seats. */
export function plainLayout(rows: number, seatsPerRow: number): ScreenLayout {
  return {
    rows: Array.from({ length: rows }, (_, r) => ({
      label: String.fromCharCode(65 + r),
      seats: Array.from({ length: seatsPerRow }, (_, i) => ({ number: i + 1 })),
    })),
    blocked: [],
  };
}

/** The seat ids the API gives a layout's seats, row by row. */
export function seatIdsOf(layout: ScreenLayout): string[] {
  return layout.rows.flatMap((row) =>
    row.seats.flatMap((seat) => ("number" in seat ? [`${row.label}${seat.number}`] : [])),
  );
}

export interface Catalog {
  theater: Theater;
  screens: Screen[];
  movie: Movie;
}

/** A theater named `name` with `screens` screens of `layout`, and a movie, through the admin API. */
export async function createCatalog(
  client: LoadClient,
  token: string,
  options: { name: string; layout: ScreenLayout; screens?: number },
): Promise<Catalog> {
  const post = async <T>(path: string, body: unknown) =>
    expectStatus<T>(await client.post(path, body, token), 201, `setup: create ${path.split("/").pop()}`);
  const theater = await post<Theater>("/api/admin/theaters", {
    name: `${options.name} Cinema`,
    address: { line1: `1 ${options.name} Road`, city: "Mumbai", country: "IN" },
    location: { lat: 19.07, lng: 72.87 },
    timeZone: "Asia/Kolkata",
  });
  const screens = await Promise.all(
    Array.from({ length: options.screens ?? 1 }, (_, i) =>
      post<Screen>("/api/admin/screens", {
        theaterId: theater.id,
        name: `Screen ${i + 1}`,
        layout: options.layout,
      }),
    ),
  );
  const movie = await post<Movie>("/api/admin/movies", {
    title: `${options.name} Movie`,
    runtimeMinutes: 120,
    genres: ["Drama"],
    languages: ["English"],
  });
  return { theater, screens, movie };
}

/** A showtime of the catalog's movie on its `screen`-th screen at `startAt`, which must be on sale. */
export async function createShowtime(
  client: LoadClient,
  token: string,
  catalog: Catalog,
  options: { screen?: number; startAt: Date; basePrice?: number },
): Promise<Showtime> {
  const body = {
    theaterId: catalog.theater.id,
    screenId: catalog.screens[options.screen ?? 0]?.id,
    movieId: catalog.movie.id,
    startAt: options.startAt.toISOString(),
    language: "English",
    format: "2D",
    basePrice: options.basePrice ?? 20_000,
  };
  const showtime = expectStatus<Showtime>(
    await client.post("/api/admin/showtimes", body, token),
    201,
    "setup: create showtime",
  );
  if (showtime.status !== "on_sale") {
    throw new Error(`setup: the new showtime is ${showtime.status}, not on sale`);
  }
  return showtime;
}

export interface CrowdUser {
  /** Position in the crowd. */
  index: number;
  id: string;
  email: string;
  token: string;
}

/**
 * `count` accounts inserted as registration inserts them (`passwordHash`, when given, one hash for all),
 * each with the access token a sign-in would give. A new user's token version is 0; no session stands
 * behind the token, so nothing can sign it out: it simply expires.
 */
export async function insertUsers(
  db: Sql,
  tokens: TokenService,
  count: number,
  options: { tag: string; passwordHash?: string },
): Promise<CrowdUser[]> {
  const run = randomBytes(4).toString("hex");
  const { rows } = await db.query<{ id: string; email: string }>(
    `INSERT INTO users (email, name, password_hash)
     SELECT $1 || '-' || $2 || '-' || i || '@example.com', $1 || ' ' || i, $4::text
     FROM generate_series(1, $3::int) AS i
     RETURNING id, email`,
    [options.tag, run, count, options.passwordHash ?? null],
  );
  return Promise.all(
    rows.map(async (row, index) => {
      const session = { userId: row.id, roles: ["user" as const], tokenVersion: 0, sessionId: randomUUID() };
      return { index, ...row, token: (await tokens.signAccessToken(session)).token };
    }),
  );
}
