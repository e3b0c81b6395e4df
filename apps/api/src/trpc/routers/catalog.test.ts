import type { ErrorBody, Movie, Showtime } from "@boxoffice/contracts";
import { DEMO_MOVIES, localDate, seedDemo } from "@boxoffice/core";
import { beforeAll, describe, expect, it } from "vitest";
import { createCatalog, createShowtime } from "../../test/catalog-fixtures.ts";
import { issuePaths, registerAdmin, serverForFile } from "../../test/harness.ts";

const server = serverForFile();
let admin: string;
beforeAll(async () => {
  await seedDemo(server.deps);
  admin = (await registerAdmin(server)).accessToken;
});

interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

describe("the demo data answers a moviegoer's searches", () => {
  it("a title fragment matches partially and case-insensitively", async () => {
    const res = await server.http.get<Page<Movie>>("/api/movies?title=ORBIT");
    expect(res.status).toBe(200);
    expect(res.body.items.map((m) => m.title)).toEqual(["Orbit of Ash"]);
    const none = await server.http.get<Page<Movie>>("/api/movies?title=%25");
    expect(none.body.total).toBe(0);
  });

  it("a genre, regardless of case", async () => {
    const res = await server.http.get<Page<Movie>>("/api/movies?genre=thriller");
    expect(res.body.items.map((m) => m.title)).toEqual(["Chase at Dawn", "Orbit of Ash", "Quiet Hours"]);
  });

  it("a date: every demo movie plays on some screen today", async () => {
    const today = localDate(new Date(), "Asia/Kolkata");
    const res = await server.http.get<Page<Movie>>(`/api/movies?date=${today}&limit=100`);
    expect(res.body.total).toBe(DEMO_MOVIES.length);
  });

  it("pages in a stable order with a total", async () => {
    const first = await server.http.get<Page<Movie>>("/api/movies?limit=5");
    const second = await server.http.get<Page<Movie>>("/api/movies?limit=5&offset=5");
    expect(first.body.total).toBeGreaterThanOrEqual(12);
    expect(first.body.items).toHaveLength(5);
    const titles = [...first.body.items, ...second.body.items].map((m) => m.title);
    expect(titles).toEqual([...titles].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "variant" })));
    expect(new Set(titles).size).toBe(10);
  });

  it("theaters near a point, nearest first, within the radius", async () => {
    const res = await server.http.get<Page<{ name: string; distanceKm: number }>>(
      "/api/theaters?near=19.0760,72.8777&radiusKm=1000",
    );
    expect(res.body.items.map((t) => t.name)).toEqual([
      "Galaxy Cinemas Bandra",
      "Orion Multiplex Koramangala",
    ]);
    expect(res.body.items[0]?.distanceKm).toBeLessThan(10);
    expect(res.body.items[1]?.distanceKm).toBeGreaterThan(800);
  });

  it("a movie with its upcoming showtimes grouped by theater", async () => {
    const list = await server.http.get<Page<Movie>>("/api/movies?title=Little%20Lantern");
    const id = list.body.items[0]?.id;
    const res = await server.http.get<
      Movie & { theaters: Array<{ theater: { name: string }; showtimes: Array<{ startAt: string }> }> }
    >(`/api/movies/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.theaters.length).toBeGreaterThan(0);
    for (const group of res.body.theaters) {
      const starts = group.showtimes.map((s) => s.startAt);
      expect(starts).toEqual([...starts].sort());
      expect(starts.every((s) => Date.parse(s) > Date.now())).toBe(true);
    }
  });

  it("a showtime with its seat map and a price for each seat type on that screen", async () => {
    const list = await server.http.get<Page<Showtime & { screenName: string }>>("/api/showtimes?limit=100");
    const recliner = list.body.items.find((s) => s.screenName === "Audi 2 Recliners");
    const res = await server.http.get<{
      prices: Record<string, number>;
      screen: { seatMap: { seats: Array<{ type: string }> } };
      basePrice: number;
    }>(`/api/showtimes/${recliner?.id}`);
    expect(res.status).toBe(200);
    const types = new Set(res.body.screen.seatMap.seats.map((s) => s.type));
    expect(Object.keys(res.body.prices).sort()).toEqual([...types].sort());
    expect(res.body.prices.recliner).toBe(res.body.basePrice * 2);
    expect(types).toContain("sofa");
  });
});

describe("a date means the theater's own local day", () => {
  it("a 02:00 show in Kolkata is on the local date, though UTC still calls it the day before", async () => {
    const { theater, screen, movie } = await createCatalog(server, admin, { timeZone: "Asia/Kolkata" });
    const ids = { theaterId: theater.id, screenId: screen.id, movieId: movie.id };
    // 2027-06-15 20:30 UTC is 2027-06-16 02:00 in Kolkata.
    const show = await createShowtime(server, admin, ids, "2027-06-15T20:30:00Z");
    const onLocal = await server.http.get<Page<Showtime>>(
      `/api/showtimes?theaterId=${theater.id}&date=2027-06-16`,
    );
    const onUtc = await server.http.get<Page<Showtime>>(
      `/api/showtimes?theaterId=${theater.id}&date=2027-06-15`,
    );
    expect(onLocal.body.items.map((s) => s.id)).toEqual([show.id]);
    expect(onUtc.body.items).toEqual([]);
    const movies = await server.http.get<Page<Movie>>(
      `/api/movies?date=2027-06-16&title=${encodeURIComponent(movie.title)}`,
    );
    expect(movies.body.items.map((m) => m.id)).toEqual([movie.id]);
    const notYet = await server.http.get<Page<Movie>>(
      `/api/movies?date=2027-06-15&title=${encodeURIComponent(movie.title)}`,
    );
    expect(notYet.body.total).toBe(0);
  });
});

describe("bad input on public reads", () => {
  it.each([
    ["/api/movies?date=2026-02-30", "date"],
    ["/api/movies?date=tomorrow", "date"],
    ["/api/showtimes?date=2026-13-01", "date"],
    ["/api/theaters?near=91,10", "near.lat"],
    ["/api/theaters?near=10,181", "near.lng"],
    ["/api/theaters?near=north", "near"],
    ["/api/movies?limit=1000", "limit"],
    ["/api/movies?limit=abc", "limit"],
    ["/api/showtimes?movieId=42", "movieId"],
    ["/api/movies/not-a-uuid", "id"],
  ])("%s is a 400 naming %s", async (path, field) => {
    const res = await server.http.get<ErrorBody>(path);
    expect(res.status).toBe(400);
    expect(issuePaths(res.body)).toEqual([field]);
  });

  it("an unknown id is a 404", async () => {
    for (const path of ["/api/movies/", "/api/showtimes/", "/api/theaters/"]) {
      const res = await server.http.get<ErrorBody>(`${path}${crypto.randomUUID()}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("NOT_FOUND");
    }
  });
});
