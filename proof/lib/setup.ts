import { randomBytes, randomUUID } from "node:crypto";
import type { Movie, Screen, ScreenLayout, Showtime, Theater } from "@boxoffice/contracts";
import { createTokenService, ensureAdmin, systemClock, type TokenService } from "@boxoffice/core";
import type { DbHandle } from "@boxoffice/db";
import type { LoadClient } from "@boxoffice/testkit";
import type pg from "pg";

export interface ProofUser {
  id: string;
  email: string;
  token: string;
}

/** Rows of standard seats, no aisles: `plainLayout(12, 25)` is A1..L25, 300 seats. */
export function plainLayout(rows: number, seatsPerRow: number): ScreenLayout {
  return {
    rows: Array.from({ length: rows }, (_, r) => ({
      label: String.fromCharCode(65 + r),
      seats: Array.from({ length: seatsPerRow }, (_, i) => ({ number: i + 1 })),
    })),
    blocked: [],
  };
}

export function seatIdsOf(layout: ScreenLayout): string[] {
  return layout.rows.flatMap((row) =>
    row.seats.flatMap((seat) => ("number" in seat ? [`${row.label}${seat.number}`] : [])),
  );
}

/**
 * The version and session of a token for an account inserted here: a new user's token version is 0, and
 * no session stands behind the token (nothing can sign it out; it simply expires).
 */
const NO_SESSION = () => ({ tokenVersion: 0, sessionId: randomUUID() });

/**
 * The rows a scenario starts from. Users are inserted straight into the scenario's database and given
 * access tokens signed with the processes' shared secret (registering 2,000 accounts over HTTP would spend
 * a minute of both cores on scrypt, which no scenario is about); the catalog goes through the admin API.
 */
export class Setup {
  private readonly tokens: TokenService;
  private adminToken: string | undefined;
  private screenCount = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly handle: DbHandle,
    private readonly http: LoadClient,
    secrets: { jwtAccessSecret: string; jwtRefreshSecret: string },
  ) {
    this.tokens = createTokenService(
      {
        accessSecret: secrets.jwtAccessSecret,
        refreshSecret: secrets.jwtRefreshSecret,
        // Long enough to outlive any scenario, kill -9 and restarts included.
        accessTokenTtlSeconds: 6 * 3600,
        refreshTokenTtlDays: 1,
      },
      systemClock,
    );
  }

  /** `count` accounts (email only, default preferences), each with a valid access token. */
  async users(count: number, tag = "user"): Promise<ProofUser[]> {
    const run = randomBytes(4).toString("hex");
    const { rows } = await this.pool.query<{ id: string; email: string }>(
      `INSERT INTO users (email, name)
       SELECT 'proof-' || $1 || '-' || $2 || '-' || i || '@example.com', 'Proof ' || i
       FROM generate_series(1, $3::int) AS i
       RETURNING id, email`,
      [tag, run, count],
    );
    return Promise.all(
      rows.map(async (row) => ({
        ...row,
        token: (await this.tokens.signAccessToken({ userId: row.id, roles: ["user"], ...NO_SESSION() }))
          .token,
      })),
    );
  }

  /** An admin made the way `pnpm admin:create` makes one, with a token for the admin API. */
  async admin(): Promise<string> {
    if (!this.adminToken) {
      const { userId } = await ensureAdmin(
        { db: this.handle.db, clock: systemClock },
        {
          email: `proof-admin-${randomBytes(4).toString("hex")}@example.com`,
          password: randomBytes(16).toString("hex"),
        },
      );
      this.adminToken = (
        await this.tokens.signAccessToken({ userId, roles: ["user", "admin"], ...NO_SESSION() })
      ).token;
    }
    return this.adminToken;
  }

  /**
   * A showtime on sale tomorrow (or `startInHours` from now) on a screen of `layout`, made through the
   * admin API: theater, screen, movie, showtime. Each call makes a new screen, so showtimes never overlap.
   */
  async showtime(
    layout: ScreenLayout,
    options: { startInHours?: number; basePrice?: number } = {},
  ): Promise<{ id: string; seatIds: string[]; basePrice: number }> {
    const token = await this.admin();
    const post = async <T>(path: string, body: unknown, what: string): Promise<T> => {
      const res = await this.http.request<T>({ op: "setup", method: "POST", path, body, token });
      if (res.status !== 201) {
        throw new Error(`setup: creating ${what} answered ${res.status} ${JSON.stringify(res.body)}`);
      }
      return res.body;
    };
    this.screenCount += 1;
    const theater = await post<Theater>(
      "/api/admin/theaters",
      {
        name: `Proof Cinema ${this.screenCount}`,
        address: { line1: "1 Proof Road", city: "Mumbai", country: "IN" },
        location: { lat: 19.07, lng: 72.87 },
        timeZone: "Asia/Kolkata",
      },
      "theater",
    );
    const screen = await post<Screen>(
      "/api/admin/screens",
      { theaterId: theater.id, name: `Screen ${this.screenCount}`, layout },
      "screen",
    );
    const movie = await post<Movie>(
      "/api/admin/movies",
      {
        title: `Proof Movie ${this.screenCount}`,
        runtimeMinutes: 120,
        genres: ["Drama"],
        languages: ["English"],
      },
      "movie",
    );
    const startAt = new Date(Date.now() + (options.startInHours ?? 24) * 3600_000).toISOString();
    const showtime = await post<Showtime>(
      "/api/admin/showtimes",
      {
        theaterId: theater.id,
        screenId: screen.id,
        movieId: movie.id,
        startAt,
        language: "English",
        format: "2D",
        basePrice: options.basePrice ?? 20_000,
      },
      "showtime",
    );
    if (showtime.status !== "on_sale") {
      throw new Error(`setup: the new showtime is ${showtime.status}, not on sale`);
    }
    return { id: showtime.id, seatIds: seatIdsOf(layout), basePrice: showtime.basePrice };
  }
}
