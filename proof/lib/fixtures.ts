/**
 * A small real world for the fuzz and authorization scenarios, made over plain HTTP the way a client
 * would (the admin through `ensureAdmin`, as `pnpm admin:create` does; the staff member promoted in SQL,
 * since no route grants roles): accounts of every role, a theater with a screen and a movie, showtimes,
 * and the owner's hold, unpaid order and booking paid with the dev provider. The same steps as
 * apps/api/src/test/booking-fixtures.ts, through testkit's LoadClient, since the proof does not run
 * under vitest.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { expectStatus, LoadClient } from "@boxoffice/testkit";
import type pg from "pg";
import { ensureAdmin, systemClock } from "../../packages/core/src/index.ts";
import { createDb } from "../../packages/db/src/index.ts";

export interface Account {
  label: string;
  id: string;
  email: string;
  password: string;
  roles: string[];
  accessToken: string;
  refreshToken: string;
}

interface SessionBody {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; roles: string[] };
}

const PASSWORD = "proof password 123";
let sequence = 0;
const unique = (prefix: string) => `${prefix}-${++sequence}-${randomBytes(4).toString("hex")}`;

export function uniqueEmail(prefix: string): string {
  return `${unique(prefix)}@proof.example`;
}

/** A phone number nobody else in this run uses (the OTP route sends five codes per number an hour). */
export function uniquePhone(): string {
  sequence += 1;
  return `+9197${String(randomBytes(3).readUIntBE(0, 3) % 1000).padStart(3, "0")}${String(sequence).padStart(5, "0")}`;
}

const SHOWTIME_BASE = Date.parse("2031-01-06T04:00:00Z");
const SHOWTIME_SPACING_MS = 4 * 3_600_000;

export interface Paid {
  orderId: string;
  paymentId: string;
  signature: string;
  webhook?: { body: string; headers: Record<string, string> };
}

export interface World {
  baseUrl: string;
  admin: Account;
  staff: Account;
  /** The user whose resources the others try to reach. */
  owner: Account;
  other: Account;
  theaterId: string;
  screenId: string;
  movieId: string;
  /** On sale, one per resource below, so the owner's holds do not replace each other. */
  showtimeIds: string[];
  /** The owner's active hold, with no order. */
  hold: { id: string; showtimeId: string };
  /** The owner's unpaid order (dev provider). */
  order: { orderId: string; holdId: string };
  /** The owner's confirmed booking. */
  booking: { id: string; orderId: string; paymentId: string };
  /** Refresh tokens already rotated: presenting one again is reuse. */
  usedRefreshTokens: string[];
  /**
   * Live refresh tokens of sessions of their own (the owner's and the other's), for requests to rotate,
   * reuse and sign out: signing a session out stops its access tokens too, and the accounts' own access
   * tokens above belong to other sessions, so they stay good whatever those requests do.
   */
  spareRefreshTokens: string[];
  /** A webhook the dev provider signed, for an order of the owner's. */
  signedWebhook: { body: string; headers: Record<string, string> };
}

/** Makes and keeps the world; also makes fresh resources for tests that use one up. */
export class WorldBuilder {
  private readonly api: LoadClient;
  private showtimeCount = 0;

  constructor(
    readonly baseUrl: string,
    private readonly databaseUrl: string,
    private readonly db: pg.Pool,
  ) {
    this.api = new LoadClient(() => [baseUrl]);
  }

  /** A set-up step's POST, which must be answered `status`. */
  private async post<T>(status: number, path: string, body: unknown, token?: Account): Promise<T> {
    return expectStatus<T>(await this.api.post(path, body, token?.accessToken), status, `POST ${path}`);
  }

  async register(label: string): Promise<Account> {
    const email = uniqueEmail(label);
    const session = await this.post<SessionBody>(201, "/api/auth/register", {
      email,
      password: PASSWORD,
      name: `Proof ${label}`,
    });
    return this.account(label, email, session);
  }

  async login(label: string, email: string): Promise<Account> {
    const session = await this.post<SessionBody>(200, "/api/auth/login", { email, password: PASSWORD });
    return this.account(label, email, session);
  }

  private account(label: string, email: string, session: SessionBody): Account {
    return {
      label,
      id: session.user.id,
      email,
      password: PASSWORD,
      roles: session.user.roles,
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
    };
  }

  /** An admin made the way an operator makes one (`pnpm admin:create`), then signed in over HTTP. */
  async admin(): Promise<Account> {
    const email = uniqueEmail("admin");
    const handle = await createDb({ kind: "postgres", url: this.databaseUrl, poolSize: 1 });
    try {
      await ensureAdmin(
        { db: handle.db, clock: systemClock },
        { email, password: PASSWORD, name: "Proof admin" },
      );
    } finally {
      await handle.close();
    }
    return this.login("admin", email);
  }

  /** No route grants the staff role (on purpose): it is given in the database, then the account signs in again. */
  async staff(): Promise<Account> {
    const account = await this.register("staff");
    await this.db.query(`update users set roles = array['user','staff'] where id = $1`, [account.id]);
    return this.login("staff", account.email);
  }

  async theater(admin: Account): Promise<string> {
    const theater = await this.post<{ id: string }>(
      201,
      "/api/admin/theaters",
      {
        name: unique("Proof Cinema"),
        address: { line1: "1 Proof Road", city: "Mumbai", country: "IN" },
        location: { lat: 19.07, lng: 72.87 },
        timeZone: "Asia/Kolkata",
      },
      admin,
    );
    return theater.id;
  }

  async screen(admin: Account, theaterId: string): Promise<string> {
    const rows = [..."ABCDEF"].map((label) => ({
      label,
      seats: Array.from({ length: 8 }, (_, i) => ({ number: i + 1 })),
    }));
    const screen = await this.post<{ id: string }>(
      201,
      "/api/admin/screens",
      { theaterId, name: unique("Screen"), layout: { rows, blocked: [] } },
      admin,
    );
    return screen.id;
  }

  async movie(admin: Account): Promise<string> {
    const movie = await this.post<{ id: string }>(
      201,
      "/api/admin/movies",
      { title: unique("Proof Movie"), runtimeMinutes: 120, genres: ["Drama"], languages: ["English"] },
      admin,
    );
    return movie.id;
  }

  /** Four hours after the last start handed out, so showtimes on the world's screen never overlap. */
  nextStartAt(): string {
    return new Date(SHOWTIME_BASE + this.showtimeCount++ * SHOWTIME_SPACING_MS).toISOString();
  }

  /** A new on-sale showtime on the screen. */
  async showtime(
    admin: Account,
    ids: { theaterId: string; screenId: string; movieId: string },
  ): Promise<string> {
    const startAt = this.nextStartAt();
    const showtime = await this.post<{ id: string }>(
      201,
      "/api/admin/showtimes",
      { ...ids, startAt, language: "English", format: "2D", basePrice: 20_000 },
      admin,
    );
    return showtime.id;
  }

  async hold(account: Account, showtimeId: string, seatIds: string[] = ["A1", "A2"]) {
    return this.post<{ id: string; showtimeId: string }>(
      201,
      "/api/seats/hold",
      { showtimeId, seatIds },
      account,
    );
  }

  async order(account: Account, holdId: string) {
    return this.post<{ orderId: string; holdId: string }>(
      201,
      "/api/payments/create-order",
      { holdId },
      account,
    );
  }

  /** The dev provider's Pay button, keeping the signed webhook (nothing is delivered). */
  async pay(orderId: string): Promise<Paid> {
    return this.post<Paid>(200, `/api/payments/dev/pay/${encodeURIComponent(orderId)}`, { deliver: false });
  }

  async confirm(account: Account, paid: Paid): Promise<{ id: string }> {
    return this.post<{ id: string }>(
      200,
      "/api/bookings/confirm",
      { orderId: paid.orderId, paymentId: paid.paymentId, signature: paid.signature },
      account,
    );
  }

  async build(): Promise<World> {
    const admin = await this.admin();
    const staff = await this.staff();
    const owner = await this.register("owner");
    const other = await this.register("other");
    const theaterId = await this.theater(admin);
    const screenId = await this.screen(admin, theaterId);
    const movieId = await this.movie(admin);
    const ids = { theaterId, screenId, movieId };
    const showtimeIds = [
      await this.showtime(admin, ids),
      await this.showtime(admin, ids),
      await this.showtime(admin, ids),
      await this.showtime(admin, ids),
    ] as const;

    const hold = await this.hold(owner, showtimeIds[0]);
    const orderHold = await this.hold(owner, showtimeIds[1]);
    const order = await this.order(owner, orderHold.id);
    const bookingHold = await this.hold(owner, showtimeIds[2]);
    const bookingOrder = await this.order(owner, bookingHold.id);
    const paid = await this.pay(bookingOrder.orderId);
    const booking = await this.confirm(owner, paid);
    // A second paid order whose webhook is kept: a correctly signed event the scenarios may replay.
    const webhookHold = await this.hold(owner, showtimeIds[3]);
    const webhookOrder = await this.order(owner, webhookHold.id);
    const webhookPaid = await this.pay(webhookOrder.orderId);
    if (!webhookPaid.webhook) {
      throw new Error("the dev provider returned no webhook with deliver: false");
    }

    // Sessions of their own for the refresh tokens requests may use up (see World.spareRefreshTokens),
    // one of them rotated once, so the world holds a used refresh token (presenting it again is reuse).
    const ownerSpare = await this.login("owner", owner.email);
    const otherSpare = await this.login("other", other.email);
    const rotated = await this.post<SessionBody>(200, "/api/auth/refresh", {
      refreshToken: otherSpare.refreshToken,
    });
    const usedRefreshTokens = [otherSpare.refreshToken];
    const spareRefreshTokens = [ownerSpare.refreshToken, rotated.refreshToken];

    return {
      baseUrl: this.baseUrl,
      admin,
      staff,
      owner,
      other,
      theaterId,
      screenId,
      movieId,
      showtimeIds: [...showtimeIds],
      hold: { id: hold.id, showtimeId: hold.showtimeId },
      order: { orderId: order.orderId, holdId: order.holdId },
      booking: { id: booking.id, orderId: bookingOrder.orderId, paymentId: paid.paymentId },
      usedRefreshTokens,
      spareRefreshTokens,
      signedWebhook: webhookPaid.webhook,
    };
  }

  /** A showtime of its own on the world's screen (holds on it replace no other hold). */
  freshShowtime(world: World): Promise<string> {
    return this.showtime(world.admin, {
      theaterId: world.theaterId,
      screenId: world.screenId,
      movieId: world.movieId,
    });
  }

  async freshHold(world: World, account: Account) {
    return this.hold(account, await this.freshShowtime(world));
  }

  async freshOrder(world: World, account: Account) {
    const hold = await this.freshHold(world, account);
    return this.order(account, hold.id);
  }

  async freshBooking(world: World, account: Account) {
    const order = await this.freshOrder(world, account);
    const paid = await this.pay(order.orderId);
    const booking = await this.confirm(account, paid);
    return { id: booking.id, orderId: order.orderId, paymentId: paid.paymentId };
  }
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/**
 * An HS256 access token as the API would sign one (issuer, audience, `sub`, `roles`, token version 0,
 * a session id), to make the tokens a client should never get through: expired ones, ones signed with
 * another key. Each has every claim, so each is refused for the one reason its label gives.
 */
export function signAccessToken(
  secret: string,
  claims: { sub: string; roles: string[] },
  expiresAt: number,
  options: { alg?: string; sign?: boolean } = {},
): string {
  const header = b64url(JSON.stringify({ alg: options.alg ?? "HS256", typ: "JWT" }));
  const payload = b64url(
    JSON.stringify({
      roles: claims.roles,
      ver: 0,
      sid: randomUUID(),
      sub: claims.sub,
      iss: "boxoffice",
      aud: "boxoffice-api",
      iat: expiresAt - 900,
      exp: expiresAt,
    }),
  );
  if (options.sign === false) {
    return `${header}.${payload}.`;
  }
  const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest();
  return `${header}.${payload}.${b64url(signature)}`;
}

/** Tokens that must all be refused (401) on a protected route, with what each one is. */
export function badTokens(world: World, accessSecret: string): Array<{ label: string; header: string }> {
  const now = Math.floor(Date.now() / 1000);
  const admin = { sub: world.admin.id, roles: ["user", "admin"] };
  const parts = world.owner.accessToken.split(".");
  return [
    { label: "an expired token", header: `Bearer ${signAccessToken(accessSecret, admin, now - 60)}` },
    {
      label: "a token signed with another key",
      header: `Bearer ${signAccessToken("k".repeat(48), admin, now + 600)}`,
    },
    {
      label: "an unsigned alg-none token",
      header: `Bearer ${signAccessToken("", admin, now + 600, { alg: "none", sign: false })}`,
    },
    {
      label: "a token with an unknown role for nobody",
      header: `Bearer ${signAccessToken(accessSecret, { sub: randomUUID(), roles: ["root"] }, now + 600)}`,
    },
    {
      label: "a token with a tampered payload",
      header: `Bearer ${parts[0]}.${b64url(JSON.stringify({ sub: world.owner.id, roles: ["admin"] }))}.${parts[2]}`,
    },
    { label: "a garbage token", header: `Bearer ${randomBytes(24).toString("base64")}` },
    { label: "an empty Bearer", header: "Bearer " },
    { label: "Basic credentials", header: `Basic ${Buffer.from("admin:admin").toString("base64")}` },
    { label: "a token without its scheme", header: world.owner.accessToken },
    { label: "a refresh token as Bearer", header: `Bearer ${world.owner.refreshToken}` },
  ];
}
