import { randomBytes } from "node:crypto";
import type { ScreenLayout, Session, Showtime } from "@boxoffice/contracts";
import { ensureAdmin, hashPassword, systemClock, type TokenService } from "@boxoffice/core";
import type { Database } from "@boxoffice/db";
import {
  type CrowdUser,
  createCatalog,
  createShowtime,
  expectStatus,
  insertUsers,
  type LoadClient,
  plainLayout,
  type Sql,
  seatIdsOf,
} from "@boxoffice/testkit";

export const ROWS = 20;
export const SEATS_PER_ROW = 25;
const SCREENS = 4;
const BASE_PRICE = 20_000;
/** Far enough apart that a 120-minute film plus cleaning never overlaps the next show on a screen. */
const SLOT_MS = 3 * 3600_000;

/** Client i is user i (`index`), and goes to API process i mod N. */
export type BenchUser = CrowdUser;

export type BenchShowtime = Pick<Showtime, "id" | "basePrice" | "currency">;

export interface Fixture {
  users: BenchUser[];
  seatIds: string[];
  warmup: BenchShowtime;
  low: { api: BenchShowtime[]; raw: BenchShowtime[] };
  hot: { api: BenchShowtime; raw: BenchShowtime };
}

/** `rows` rows (A, B, ...) of 25 plain seats: the API names them A1, A2, ... */
export const layoutOf = (rows: number): ScreenLayout => plainLayout(rows, SEATS_PER_ROW);

/** Rows A..T of 25 plain seats, 500 in all: A1..T25. */
export const bigLayout = (): ScreenLayout => layoutOf(ROWS);

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

/** `count` showtimes on sale, spread over screens of `layout`, starting tomorrow. */
export async function scheduleShowtimes(
  client: LoadClient,
  token: string,
  count: number,
  layout = bigLayout(),
): Promise<BenchShowtime[]> {
  const catalog = await createCatalog(client, token, { name: "Bench", layout, screens: SCREENS });
  const firstStart = Date.now() + 24 * 3600_000;
  return inBatches(
    Array.from({ length: count }, (_, i) => i),
    8,
    (i) =>
      createShowtime(client, token, catalog, {
        screen: i % SCREENS,
        startAt: new Date(firstStart + Math.floor(i / SCREENS) * SLOT_MS),
        basePrice: BASE_PRICE,
      }),
  );
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
      return { index: i, id: session.user.id, email: body.email, token: session.accessToken };
    },
  );
}

/**
 * `count` users for a crowd too big to register over HTTP: registration hashes each password with scrypt
 * (tens of ms of CPU each), so 1,500 users would take minutes on a small machine. They are inserted as
 * registration inserts them (with one password hash, made once by the API's own function) and each gets
 * the access token a sign-in would give, signed with the run's secret by the API's own token service.
 */
export async function crowdOfUsers(pool: Sql, tokens: TokenService, count: number): Promise<BenchUser[]> {
  return insertUsers(pool, tokens, count, {
    tag: "bench",
    passwordHash: await hashPassword("bench password 1"),
  });
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
