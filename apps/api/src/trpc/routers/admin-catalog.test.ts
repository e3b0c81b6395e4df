import type { ErrorBody, Screen, Showtime, Theater } from "@boxoffice/contracts";
import { movies, screens, showtimes, theaters } from "@boxoffice/db";
import { count } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createCatalog,
  createShowtime,
  movieInput,
  SMALL_LAYOUT,
  theaterInput,
} from "../../test/catalog-fixtures.ts";
import { issuePaths, issuesOf, registerAdmin, registerUser, serverForFile } from "../../test/harness.ts";

const server = serverForFile();
let admin: string;
beforeAll(async () => {
  admin = (await registerAdmin(server)).accessToken;
});

async function catalogCounts() {
  const n = async (table: typeof theaters | typeof screens | typeof movies | typeof showtimes) =>
    (await server.deps.db.select({ n: count() }).from(table))[0]?.n ?? 0;
  return {
    theaters: await n(theaters),
    screens: await n(screens),
    movies: await n(movies),
    showtimes: await n(showtimes),
  };
}

describe("an admin runs a theater's schedule", () => {
  it("creates a theater, a screen with its seat map, a movie and a showtime with derived end and cut-off", async () => {
    const { theater, screen, movie } = await createCatalog(server, admin);
    expect(theater.cancellationPolicy.tiers[0]).toEqual({ minHoursBefore: 24, refundPercent: 100 });
    expect(screen.seatCount).toBe(12);
    const seat = (id: string) => screen.seatMap.seats.find((s) => s.id === id);
    expect(seat("A1")).toMatchObject({ row: "A", type: "wheelchair", x: 0, y: 0, blocked: false });
    expect(seat("A3")).toMatchObject({ x: 3, y: 0 });
    expect(seat("B2")).toMatchObject({ blocked: true });
    expect(seat("C1")).toMatchObject({ type: "sofa", pairWith: "C2" });

    const showtime = await createShowtime(
      server,
      admin,
      { theaterId: theater.id, screenId: screen.id, movieId: movie.id },
      "2027-01-10T18:00:00+05:30",
    );
    expect(showtime.startAt).toBe("2027-01-10T12:30:00.000Z");
    // runtime 120 + 20 minutes of cleaning; sales close 15 minutes after the start
    expect(showtime.endAt).toBe("2027-01-10T14:50:00.000Z");
    expect(showtime.salesCloseAt).toBe("2027-01-10T12:45:00.000Z");
    expect(showtime.status).toBe("on_sale");
  });

  it("reprices and cancels a showtime; a cancelled one frees its slot and cannot change again", async () => {
    const { theater, screen, movie } = await createCatalog(server, admin);
    const ids = { theaterId: theater.id, screenId: screen.id, movieId: movie.id };
    const first = await createShowtime(server, admin, ids, "2027-02-01T10:00:00Z");
    const repriced = await server.http.patch<Showtime>(
      `/api/admin/showtimes/${first.id}`,
      { basePrice: 30_000 },
      admin,
    );
    expect(repriced.body.basePrice).toBe(30_000);
    const cancelled = await server.http.patch<Showtime>(
      `/api/admin/showtimes/${first.id}`,
      { status: "cancelled" },
      admin,
    );
    expect(cancelled.body.status).toBe("cancelled");
    await createShowtime(server, admin, ids, "2027-02-01T10:30:00Z");
    const again = await server.http.patch<ErrorBody>(
      `/api/admin/showtimes/${first.id}`,
      { status: "on_sale" },
      admin,
    );
    expect(again.status).toBe(409);
  });

  it("deleting a theater with screens is a 409 unless asked to archive it, which hides it", async () => {
    const { theater } = await createCatalog(server, admin);
    const refused = await server.http.request<ErrorBody>("DELETE", `/api/admin/theaters/${theater.id}`, {
      token: admin,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("HAS_DEPENDENTS");
    const archived = await server.http.request("DELETE", `/api/admin/theaters/${theater.id}?archive=true`, {
      token: admin,
    });
    expect(archived.status).toBe(200);
    expect(archived.body).toEqual({ ok: true, archived: true });
    const listed = await server.http.get<{ items: Theater[] }>("/api/theaters?limit=100");
    expect(listed.body.items.map((t) => t.id)).not.toContain(theater.id);
    const bare = await server.http.post<Theater>("/api/admin/theaters", theaterInput(), admin);
    const gone = await server.http.request("DELETE", `/api/admin/theaters/${bare.body.id}`, { token: admin });
    expect(gone.body).toEqual({ ok: true, archived: false });
    expect((await server.http.get(`/api/theaters/${bare.body.id}`)).status).toBe(404);
  });

  it("renames a screen and replaces its layout", async () => {
    const { screen } = await createCatalog(server, admin);
    const layout = { rows: [{ label: "A", seats: [{ number: 1 }, { number: 2 }] }] };
    const res = await server.http.patch<Screen>(
      `/api/admin/screens/${screen.id}`,
      { name: "Screen X", layout },
      admin,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "Screen X", seatCount: 2 });
  });
});

describe("no impossible schedule", () => {
  it("an overlapping showtime on the same screen is a 409 naming the one in the way", async () => {
    const { theater, screen, movie } = await createCatalog(server, admin);
    const ids = { theaterId: theater.id, screenId: screen.id, movieId: movie.id };
    const first = await createShowtime(server, admin, ids, "2027-03-01T10:00:00Z");
    const before = await catalogCounts();
    const res = await server.http.post<ErrorBody>(
      "/api/admin/showtimes",
      { ...ids, startAt: "2027-03-01T12:00:00Z", language: "English", format: "2D", basePrice: 100 },
      admin,
    );
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("SHOWTIME_OVERLAP");
    expect(res.body.error.details?.conflictingShowtimeId).toBe(first.id);
    expect(await catalogCounts()).toEqual(before);
    // Back to back is fine: the first ends at 12:20.
    await createShowtime(server, admin, ids, "2027-03-01T12:20:00Z");
  });

  it("moving a showtime onto another is refused the same way", async () => {
    const { theater, screen, movie } = await createCatalog(server, admin);
    const ids = { theaterId: theater.id, screenId: screen.id, movieId: movie.id };
    const first = await createShowtime(server, admin, ids, "2027-03-02T10:00:00Z");
    const second = await createShowtime(server, admin, ids, "2027-03-02T15:00:00Z");
    const res = await server.http.patch<ErrorBody>(
      `/api/admin/showtimes/${second.id}`,
      { startAt: "2027-03-02T11:00:00Z" },
      admin,
    );
    expect(res.status).toBe(409);
    expect(res.body.error.details?.conflictingShowtimeId).toBe(first.id);
    // Moving it clear works, and keeps its length and its sales cut-off relative to the start.
    const moved = await server.http.patch<Showtime>(
      `/api/admin/showtimes/${second.id}`,
      { startAt: "2027-03-02T18:00:00Z" },
      admin,
    );
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      endAt: "2027-03-02T20:20:00.000Z",
      salesCloseAt: "2027-03-02T18:15:00.000Z",
    });
  });

  it("two admins racing for one slot on one screen: exactly one wins, every round", async () => {
    const { theater, screen, movie } = await createCatalog(server, admin);
    const other = (await registerAdmin(server)).accessToken;
    const ids = { theaterId: theater.id, screenId: screen.id, movieId: movie.id };
    for (let round = 0; round < 8; round++) {
      const day = String(10 + round).padStart(2, "0");
      const attempt = (token: string, start: string) =>
        server.http.post(
          "/api/admin/showtimes",
          {
            ...ids,
            startAt: `2027-04-${day}T${start}:00Z`,
            language: "English",
            format: "2D",
            basePrice: 100,
          },
          token,
        );
      const results = await Promise.all([attempt(admin, "10:00"), attempt(other, "11:00")]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    }
    const rows = await server.deps.db.select({ n: count() }).from(showtimes);
    expect(rows[0]?.n).toBeGreaterThanOrEqual(8);
  });
});

describe("bad input is refused with the field, and nothing is written", () => {
  const layoutOf = (rows: unknown) => ({ rows });

  it.each([
    [
      "a duplicate seat id",
      layoutOf([{ label: "A", seats: [{ number: 1 }, { number: 1 }] }]),
      "rows.0.seats.1",
      /used twice/,
    ],
    [
      "an unknown seat type",
      layoutOf([{ label: "A", seats: [{ number: 1, type: "throne" }] }]),
      "rows.0.seats.0.type",
      /unknown seat type "throne"/,
    ],
    [
      "5,000 seats",
      // 50 rows of 100: small enough a body to reach validation, far past the 1,000-seat limit.
      layoutOf(
        Array.from({ length: 50 }, (_, r) => ({
          label: r < 26 ? "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[r] : `A${"ABCDEFGHIJKLMNOPQRSTUVWXYZ"[r - 26]}`,
          seats: Array.from({ length: 100 }, (_, i) => ({ number: i + 1 })),
        })),
      ),
      "rows",
      /at most 1000 seats; this layout has 5000/,
    ],
    [
      "a sofa seat without its pair",
      layoutOf([
        {
          label: "A",
          seats: [
            { number: 1, type: "sofa", pairWith: "A2" },
            { gap: 1 },
            { number: 2, type: "sofa", pairWith: "A1" },
          ],
        },
      ]),
      "rows.0.seats.0.pairWith",
      /adjacent/,
    ],
    [
      "a blocked seat not in the layout",
      { rows: [{ label: "A", seats: [{ number: 1 }] }], blocked: ["Z9"] },
      "blocked.0",
      /not in the layout/,
    ],
  ])("an invalid layout: %s", async (_name, layout, path, message) => {
    const { theater } = await createCatalog(server, admin);
    const before = await catalogCounts();
    const res = await server.http.post<ErrorBody>(
      "/api/admin/screens",
      { theaterId: theater.id, name: "Bad", layout },
      admin,
    );
    expect(res.status).toBe(400);
    const issue = issuesOf(res.body).find((i) => i.path === `layout.${path}`);
    expect(issue?.message).toMatch(message);
    expect(await catalogCounts()).toEqual(before);
  });

  it("text with a lone surrogate is a 400 on the field, not a 500 from a JSON column nor a mangled name", async () => {
    const before = await catalogCounts();
    const cast = await server.http.post<ErrorBody>(
      "/api/admin/movies",
      movieInput({ cast: [{ name: "Lead \ud800" }] }),
      admin,
    );
    expect(cast.status).toBe(400);
    expect(issuePaths(cast.body)).toEqual(["cast.0.name"]);
    const address = await server.http.post<ErrorBody>(
      "/api/admin/theaters",
      theaterInput({ address: { line1: "\udc00 Road", city: "Pune", country: "IN" } }),
      admin,
    );
    expect(issuePaths(address.body)).toEqual(["address.line1"]);
    const title = await server.http.post<ErrorBody>(
      "/api/admin/movies",
      movieInput({ title: "Half \ud83d" }),
      admin,
    );
    expect(issuePaths(title.body)).toEqual(["title"]);
    expect(await catalogCounts()).toEqual(before);
    // A whole emoji (a surrogate pair) is fine.
    const emoji = await server.http.post(
      "/api/admin/movies",
      movieInput({ title: "Popcorn \ud83c\udf7f" }),
      admin,
    );
    expect(emoji.status).toBe(201);
  });

  it("a TMDB id past what the integer column holds is a 400 on tmdbId, not a 500", async () => {
    const before = await catalogCounts();
    for (const tmdbId of [2_147_483_648, 2 ** 53]) {
      const res = await server.http.post<ErrorBody>("/api/admin/movies", movieInput({ tmdbId }), admin);
      expect(res.status).toBe(400);
      expect(issuePaths(res.body)).toEqual(["tmdbId"]);
    }
    const created = await server.http.post<{ id: string }>(
      "/api/admin/movies",
      movieInput({ tmdbId: 2_147_483_647 }),
      admin,
    );
    expect(created.status).toBe(201);
    const update = await server.http.patch<ErrorBody>(
      `/api/admin/movies/${created.body.id}`,
      { tmdbId: 4_000_000_000 },
      admin,
    );
    expect(issuePaths(update.body)).toEqual(["tmdbId"]);
    expect((await catalogCounts()).movies).toBe(before.movies + 1);
  });

  it("endAt before startAt", async () => {
    const { theater, screen, movie } = await createCatalog(server, admin);
    const before = await catalogCounts();
    const res = await server.http.post<ErrorBody>(
      "/api/admin/showtimes",
      {
        theaterId: theater.id,
        screenId: screen.id,
        movieId: movie.id,
        startAt: "2027-05-01T10:00:00Z",
        endAt: "2027-05-01T09:00:00Z",
        language: "English",
        format: "2D",
        basePrice: 100,
      },
      admin,
    );
    expect(res.status).toBe(400);
    expect(issuePaths(res.body)).toEqual(["endAt"]);
    expect(await catalogCounts()).toEqual(before);
  });

  it("a showtime on a screen of another theater", async () => {
    const a = await createCatalog(server, admin);
    const b = await createCatalog(server, admin);
    const before = await catalogCounts();
    const res = await server.http.post<ErrorBody>(
      "/api/admin/showtimes",
      {
        theaterId: a.theater.id,
        screenId: b.screen.id,
        movieId: a.movie.id,
        startAt: "2027-05-02T10:00:00Z",
        language: "English",
        format: "2D",
        basePrice: 100,
      },
      admin,
    );
    expect(res.status).toBe(400);
    expect(issuePaths(res.body)).toEqual(["screenId"]);
    expect(await catalogCounts()).toEqual(before);
  });

  it("wrong types and values name each field", async () => {
    const res = await server.http.post<ErrorBody>(
      "/api/admin/theaters",
      theaterInput({
        timeZone: "Mars/Olympus",
        location: { lat: 95, lng: 0 },
        address: { city: "X", country: "India" },
      }),
      admin,
    );
    expect(res.status).toBe(400);
    expect(issuePaths(res.body).sort()).toEqual([
      "address.country",
      "address.line1",
      "location.lat",
      "timeZone",
    ]);
    const money = await server.http.post<ErrorBody>(
      "/api/admin/movies",
      movieInput({ runtimeMinutes: 0, posterUrl: "javascript:alert(1)" }),
      admin,
    );
    expect(issuePaths(money.body).sort()).toEqual(["posterUrl", "runtimeMinutes"]);
  });

  it("a time zone the database does not know is refused, so date searches keep working", async () => {
    const before = await catalogCounts();
    const res = await server.http.post<ErrorBody>(
      "/api/admin/theaters",
      theaterInput({ timeZone: "US/Pacific-New" }),
      admin,
    );
    expect(res.status).toBe(400);
    expect(issuePaths(res.body)).toEqual(["timeZone"]);
    expect(await catalogCounts()).toEqual(before);
  });

  it("instants outside 2000-2100 are refused before they reach the database", async () => {
    const { theater, screen, movie } = await createCatalog(server, admin);
    const ids = { theaterId: theater.id, screenId: screen.id, movieId: movie.id };
    for (const startAt of ["0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"]) {
      const res = await server.http.post<ErrorBody>(
        "/api/admin/showtimes",
        { ...ids, startAt, language: "English", format: "2D", basePrice: 100 },
        admin,
      );
      expect(res.status, startAt).toBe(400);
      expect(issuePaths(res.body)).toEqual(["startAt"]);
    }
  });

  it("a non-admin calling admin routes is a 403, and an anonymous caller a 401", async () => {
    const user = await registerUser(server);
    const before = await catalogCounts();
    for (const [method, path] of [
      ["POST", "/api/admin/theaters"],
      ["POST", "/api/admin/movies"],
      ["POST", "/api/admin/screens"],
      ["POST", "/api/admin/showtimes"],
      ["DELETE", `/api/admin/theaters/${crypto.randomUUID()}`],
    ] as const) {
      const body = method === "POST" ? theaterInput() : undefined;
      const res = await server.http.request<ErrorBody>(method, path, { token: user.accessToken, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((await server.http.request(method, path, { body })).status).toBe(401);
    }
    expect(await catalogCounts()).toEqual(before);
  });

  it("an unknown id is a 404 and a malformed id a 400", async () => {
    const missing = await server.http.patch<ErrorBody>(
      `/api/admin/showtimes/${crypto.randomUUID()}`,
      { basePrice: 1 },
      admin,
    );
    expect(missing.status).toBe(404);
    const malformed = await server.http.patch<ErrorBody>("/api/admin/movies/123", { title: "x" }, admin);
    expect(malformed.status).toBe(400);
    expect(issuePaths(malformed.body)).toEqual(["id"]);
    const unknownRef = await server.http.post<ErrorBody>(
      "/api/admin/screens",
      { theaterId: crypto.randomUUID(), name: "S", layout: SMALL_LAYOUT },
      admin,
    );
    expect(unknownRef.status).toBe(404);
    expect(unknownRef.body.error.details?.field).toBe("theaterId");
  });

  it("a PATCH leaves fields it does not name alone", async () => {
    const created = await server.http.post<{ id: string; overview: string; genres: string[] }>(
      "/api/admin/movies",
      movieInput({ overview: "Keep me", genres: ["Drama", "Music"] }),
      admin,
    );
    const patched = await server.http.patch<{ overview: string; genres: string[]; runtimeMinutes: number }>(
      `/api/admin/movies/${created.body.id}`,
      { runtimeMinutes: 99 },
      admin,
    );
    expect(patched.body).toMatchObject({
      overview: "Keep me",
      genres: ["Drama", "Music"],
      runtimeMinutes: 99,
    });
  });
});
