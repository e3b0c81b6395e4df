import type { Movie, Screen, ScreenLayout, Showtime, Theater } from "@boxoffice/contracts";
import type { TestServer } from "./harness.ts";

export const SMALL_LAYOUT: ScreenLayout = {
  rows: [
    {
      label: "A",
      seats: [
        { number: 1, type: "wheelchair" },
        { number: 2, type: "companion" },
        { gap: 1 },
        { number: 3 },
        { number: 4 },
      ],
    },
    {
      label: "B",
      seats: [
        { number: 1 },
        { number: 2 },
        { gap: 1 },
        { number: 3, type: "premium" },
        { number: 4, type: "premium" },
      ],
    },
    {
      label: "C",
      seats: [
        { number: 1, type: "sofa", pairWith: "C2" },
        { number: 2, type: "sofa", pairWith: "C1" },
        { gap: 1 },
        { number: 3, type: "recliner" },
        { number: 4, type: "recliner" },
      ],
    },
  ],
  blocked: ["B2"],
};

let counter = 0;
const unique = (prefix: string) => `${prefix} ${++counter}-${Math.random().toString(36).slice(2, 7)}`;

async function expectCreated<T>(res: Promise<{ status: number; body: unknown }>, what: string): Promise<T> {
  const { status, body } = await res;
  if (status !== 201) {
    throw new Error(`creating ${what} failed: ${status} ${JSON.stringify(body)}`);
  }
  return body as T;
}

/** Plain rows of standard seats with no aisles: `rowsOf("AB", 6)` is A1..A6 and B1..B6. */
export function rowsOf(labels: string, seatsPerRow: number): ScreenLayout {
  return {
    rows: [...labels].map((label) => ({
      label,
      seats: Array.from({ length: seatsPerRow }, (_, i) => ({ number: i + 1 })),
    })),
    blocked: [],
  };
}

export function theaterInput(overrides: Record<string, unknown> = {}) {
  return {
    name: unique("Test Cinema"),
    address: { line1: "1 Test Road", city: "Mumbai", country: "IN" },
    location: { lat: 19.07, lng: 72.87 },
    timeZone: "Asia/Kolkata",
    ...overrides,
  };
}

export function movieInput(overrides: Record<string, unknown> = {}) {
  return {
    title: unique("Test Movie"),
    runtimeMinutes: 120,
    genres: ["Drama"],
    languages: ["English"],
    ...overrides,
  };
}

/** A theater with one screen and a movie, made through the admin API as an admin would. */
export async function createCatalog(
  server: TestServer,
  token: string,
  options: { timeZone?: string; layout?: ScreenLayout } = {},
) {
  const theater = await expectCreated<Theater>(
    server.http.post(
      "/api/admin/theaters",
      theaterInput(options.timeZone ? { timeZone: options.timeZone } : {}),
      token,
    ),
    "theater",
  );
  const screen = await expectCreated<Screen>(
    server.http.post(
      "/api/admin/screens",
      { theaterId: theater.id, name: "Screen 1", layout: options.layout ?? SMALL_LAYOUT },
      token,
    ),
    "screen",
  );
  const movie = await expectCreated<Movie>(
    server.http.post("/api/admin/movies", movieInput(), token),
    "movie",
  );
  return { theater, screen, movie };
}

export async function createShowtime(
  server: TestServer,
  token: string,
  ids: { theaterId: string; screenId: string; movieId: string },
  startAt: string,
  overrides: Record<string, unknown> = {},
): Promise<Showtime> {
  return expectCreated<Showtime>(
    server.http.post(
      "/api/admin/showtimes",
      { ...ids, startAt, language: "English", format: "2D", basePrice: 20_000, ...overrides },
      token,
    ),
    "showtime",
  );
}
