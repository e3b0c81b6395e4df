/**
 * THE authorization table: every operation of the API, keyed `METHOD /path` as the OpenAPI document
 * names it, with who may call it. The authorization scenario checks this table against the live
 * document both ways (an operation missing here fails the run, so a new route cannot be forgotten; a row
 * for an operation that is gone fails it too) and against the document's own `security`, then derives
 * the expected answer of every caller from it. The fuzz scenario reads it to pick a token that gets
 * past authentication, so its inputs reach validation.
 *
 * Each row may carry a sample: a request that the callers who are allowed should see succeed. Its
 * resources belong to the owner, so for everyone else it is a request for someone else's resource.
 */
import { randomUUID } from "node:crypto";
import { type Account, uniqueEmail, uniquePhone, type World, type WorldBuilder } from "./fixtures.ts";

/** Resources that belong to one user: anyone else asking for one gets a 404, as if it did not exist. */
export type OwnedResource = "hold" | "order" | "booking";

export type Access =
  /** Anyone, signed in or not; a bad token is ignored, not refused. */
  | { kind: "public" }
  /** Any signed-in user. `bodyRefs` names body fields that point at an owned resource (another's: 404). */
  | { kind: "signedIn"; bodyRefs?: Record<string, OwnedResource> }
  /** Only the user who owns the resource in the path; everyone else, staff and admins included, 404. */
  | { kind: "owner"; resource: OwnedResource }
  /** The owner, and staff and admins (the door, support); another user 404. */
  | { kind: "ownerOrStaff"; resource: OwnedResource }
  /** The owner, and admins on their behalf; staff see it but may not act (403); another user 404. */
  | { kind: "ownerOrAdmin"; resource: OwnedResource }
  /** Staff and admins; other users 403. */
  | { kind: "staff" }
  /** Admins only; users and staff 403. */
  | { kind: "admin" }
  /** Anyone (the provider calls it), but only with a valid signature: 400 without one. */
  | { kind: "webhook" }
  /** The dev provider's pay page: anyone, in development only. */
  | { kind: "devPay" };

export type Caller = "anonymous" | "owner" | "other" | "staff" | "admin";
export const CALLERS: Caller[] = ["anonymous", "other", "staff", "admin", "owner"];

export interface Sample {
  path?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** Sent byte for byte (webhooks: the signature covers the raw body). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface SampleKit {
  world: World;
  builder: WorldBuilder;
  accountOf(caller: Caller): Account | undefined;
  /** Made once per operation, shared by all its callers (the owner's resource they all aim at). */
  shared<T>(key: string, make: () => Promise<T>): Promise<T>;
}

export interface AccessRule {
  access: Access;
  /** Why this is the rule, where it is not obvious. */
  why?: string;
  sample?: (kit: SampleKit, caller: Caller) => Promise<Sample>;
  /** Answers an allowed caller may get instead of 2xx, and why (a feature this deployment lacks). */
  instead?: { status: number; code: string; why: string };
  /** Extra check of a 2xx answer for a caller: what it must not reveal. */
  check?: (kit: SampleKit, caller: Caller, body: unknown) => string | undefined;
}

const owner = (kit: SampleKit) => kit.world.owner;
const password = (kit: SampleKit) => kit.world.owner.password;
const admin = (kit: SampleKit) => kit.world.admin;

const catalogIds = (kit: SampleKit) => ({
  theaterId: kit.world.theaterId,
  screenId: kit.world.screenId,
  movieId: kit.world.movieId,
});

const freshTheater = (kit: SampleKit) => kit.shared("theater", () => kit.builder.theater(admin(kit)));
const freshScreen = (kit: SampleKit) =>
  kit.shared("screen", () => kit.builder.screen(admin(kit), kit.world.theaterId));
const freshMovie = (kit: SampleKit) => kit.shared("movie", () => kit.builder.movie(admin(kit)));
const freshShowtime = (kit: SampleKit) => kit.shared("showtime", () => kit.builder.freshShowtime(kit.world));
const freshOwnerHold = (kit: SampleKit) =>
  kit.shared("hold", () => kit.builder.freshHold(kit.world, owner(kit)));
const freshOwnerOrder = (kit: SampleKit) =>
  kit.shared("order", () => kit.builder.freshOrder(kit.world, owner(kit)));
const freshOwnerBooking = (kit: SampleKit) =>
  kit.shared("booking", () => kit.builder.freshBooking(kit.world, owner(kit)));
const freshSignedWebhook = (kit: SampleKit) =>
  kit.shared("webhook", async () => {
    const order = await kit.builder.freshOrder(kit.world, owner(kit));
    const paid = await kit.builder.pay(order.orderId);
    if (!paid.webhook) {
      throw new Error("the dev provider returned no webhook");
    }
    return paid.webhook;
  });

const webhookSample = async (kit: SampleKit): Promise<Sample> => {
  const webhook = await freshSignedWebhook(kit);
  return { rawBody: webhook.body, headers: webhook.headers };
};

/** A row that is its access and (optionally) a sample, which is most of them. */
const rule = (access: Access, sample?: AccessRule["sample"]): AccessRule =>
  sample ? { access, sample } : { access };

/** An admin route on one row of the catalog: `id` names it, `body` is the change (none for a DELETE). */
const adminRow = (id: (kit: SampleKit) => string | Promise<string>, body?: unknown) =>
  rule({ kind: "admin" }, async (kit) => ({
    path: { id: await id(kit) },
    ...(body === undefined ? {} : { body }),
  }));

export const ACCESS_TABLE: Record<string, AccessRule> = {
  "POST /auth/register": rule({ kind: "public" }, async () => ({
    body: { email: uniqueEmail("matrix"), password: "matrix password 1", name: "M" },
  })),
  "POST /auth/login": rule({ kind: "public" }, async (kit) => ({
    body: { email: owner(kit).email, password: password(kit) },
  })),
  "POST /auth/otp/request": rule({ kind: "public" }, async () => ({ body: { phone: uniquePhone() } })),
  "POST /auth/refresh": {
    access: { kind: "public" },
    why: "the refresh token in the body (or cookie) is the credential",
    sample: async (kit) => {
      const session = await kit.builder.login("owner", owner(kit).email);
      return { body: { refreshToken: session.refreshToken } };
    },
  },
  "POST /auth/logout": {
    access: { kind: "public" },
    why: "the refresh token in the body (or cookie) names the session; without one nothing happens",
    sample: async () => ({ body: {} }),
  },
  "GET /users/me": { access: { kind: "signedIn" } },
  "PATCH /users/me": rule({ kind: "signedIn" }, async () => ({ body: { name: "Matrix Renamed" } })),
  "GET /admin/users/{id}": rule({ kind: "admin" }, async (kit) => ({ path: { id: owner(kit).id } })),
  "GET /movies": { access: { kind: "public" }, sample: async () => ({ query: { limit: "5" } }) },
  "GET /movies/{id}": rule({ kind: "public" }, async (kit) => ({ path: { id: kit.world.movieId } })),
  "GET /showtimes": rule({ kind: "public" }, async (kit) => ({ query: { movieId: kit.world.movieId } })),
  "GET /showtimes/{id}": rule({ kind: "public" }, async (kit) => ({
    path: { id: kit.world.hold.showtimeId },
  })),
  "GET /theaters": { access: { kind: "public" }, sample: async () => ({ query: { city: "Mumbai" } }) },
  "GET /theaters/{id}": rule({ kind: "public" }, async (kit) => ({ path: { id: kit.world.theaterId } })),
  "GET /seats/availability": {
    access: { kind: "public" },
    why: "public seat map; a signed-in caller also sees which held seats are theirs, and only theirs",
    sample: async (kit) => ({ query: { showtimeId: kit.world.hold.showtimeId } }),
    check: (_kit, caller, body) => {
      const seats = (body as { seats?: Array<{ id: string; mine?: boolean }> }).seats ?? [];
      const mine = seats.filter((s) => s.mine).map((s) => s.id);
      if (caller !== "owner" && mine.length > 0) {
        return `marks the owner's held seats ${mine.join(", ")} as the ${caller}'s own`;
      }
      if (caller === "owner" && mine.length === 0) {
        return "does not show the owner their own held seats";
      }
      return undefined;
    },
  },
  "POST /seats/hold": rule({ kind: "signedIn" }, async (kit) => ({
    body: { showtimeId: await freshShowtime(kit), count: 1 },
  })),
  "PATCH /seats/hold/{holdId}/refresh": rule({ kind: "owner", resource: "hold" }, async (kit) => ({
    path: { holdId: (await freshOwnerHold(kit)).id },
  })),
  "DELETE /seats/hold/{holdId}": rule({ kind: "owner", resource: "hold" }, async (kit) => ({
    path: { holdId: (await freshOwnerHold(kit)).id },
  })),
  "POST /payments/create-order": rule({ kind: "signedIn", bodyRefs: { holdId: "hold" } }, async (kit) => ({
    body: { holdId: (await freshOwnerHold(kit)).id },
  })),
  "POST /payments/create-intent": {
    access: { kind: "signedIn", bodyRefs: { holdId: "hold" } },
    sample: async (kit) => ({ body: { holdId: (await freshOwnerHold(kit)).id } }),
    instead: {
      status: 409,
      code: "PAYMENT_METHOD_DISABLED",
      why: "no Stripe here (dev provider): refused for everyone before any hold is looked up",
    },
  },
  "GET /payments/orders/{orderId}": rule({ kind: "owner", resource: "order" }, async (kit) => ({
    path: { orderId: kit.world.order.orderId },
  })),
  "POST /payments/webhook": rule({ kind: "webhook" }, webhookSample),
  "POST /payments/webhook/{provider}": rule({ kind: "webhook" }, async (kit) => ({
    ...(await webhookSample(kit)),
    path: { provider: "dev" },
  })),
  "GET /payments/dev/pay/{orderId}": {
    access: { kind: "devPay" },
    why:
      "development only: the dev provider is refused in production (loadConfig), moves no money, and an " +
      "order id (dev_ + random UUID) is unguessable; a payment still books only the order's own hold",
    sample: async (kit) => ({ path: { orderId: kit.world.order.orderId } }),
  },
  "POST /payments/dev/pay/{orderId}": {
    access: { kind: "devPay" },
    why: "as its GET; `deliver: false` signs the webhook without sending it",
    sample: async (kit) => ({ path: { orderId: kit.world.order.orderId }, body: { deliver: false } }),
  },
  "POST /bookings/confirm": rule({ kind: "signedIn", bodyRefs: { orderId: "order" } }, async (kit) => {
    const paid = await kit.shared("paid", async () => kit.builder.pay((await freshOwnerOrder(kit)).orderId));
    return { body: { orderId: paid.orderId, paymentId: paid.paymentId, signature: paid.signature } };
  }),
  "GET /bookings/my": {
    access: { kind: "signedIn" },
    check: (kit, caller, body) => {
      const ids = ((body as { items?: Array<{ id: string }> }).items ?? []).map((b) => b.id);
      if (caller !== "owner" && ids.includes(kit.world.booking.id)) {
        return `lists the owner's booking ${kit.world.booking.id} to the ${caller}`;
      }
      if (caller === "owner" && !ids.includes(kit.world.booking.id)) {
        return "does not list the owner's own booking";
      }
      return undefined;
    },
  },
  "GET /bookings/{id}": rule({ kind: "ownerOrStaff", resource: "booking" }, async (kit) => ({
    path: { id: kit.world.booking.id },
  })),
  "GET /bookings/{id}/cancellation": rule({ kind: "ownerOrStaff", resource: "booking" }, async (kit) => ({
    path: { id: kit.world.booking.id },
  })),
  "POST /bookings/{id}/cancel": {
    access: { kind: "ownerOrAdmin", resource: "booking" },
    why: "staff check tickets at the door but do not cancel them; an admin cancels on a customer's behalf (a full refund)",
    sample: async (kit) => ({ path: { id: (await freshOwnerBooking(kit)).id } }),
  },
  "GET /bookings/{id}/ticket.pdf": rule({ kind: "ownerOrStaff", resource: "booking" }, async (kit) => ({
    path: { id: kit.world.booking.id },
  })),
  "POST /admin/theaters": rule({ kind: "admin" }, async () => ({
    body: {
      name: `Matrix Cinema ${randomUUID().slice(0, 8)}`,
      address: { line1: "2 Matrix Road", city: "Pune", country: "IN" },
      location: { lat: 18.52, lng: 73.85 },
      timeZone: "Asia/Kolkata",
    },
  })),
  "PATCH /admin/theaters/{id}": adminRow((kit) => kit.world.theaterId, { name: "Matrix Renamed Cinema" }),
  "DELETE /admin/theaters/{id}": adminRow(freshTheater),
  "POST /admin/screens": rule({ kind: "admin" }, async (kit) => ({
    body: {
      theaterId: kit.world.theaterId,
      name: `Matrix ${randomUUID().slice(0, 8)}`,
      layout: { rows: [{ label: "A", seats: [{ number: 1 }, { number: 2 }] }] },
    },
  })),
  "PATCH /admin/screens/{id}": adminRow(freshScreen, { name: "Matrix Renamed" }),
  "DELETE /admin/screens/{id}": adminRow(freshScreen),
  "POST /admin/movies": rule({ kind: "admin" }, async () => ({
    body: { title: `Matrix Movie ${randomUUID().slice(0, 8)}`, runtimeMinutes: 90, genres: ["Drama"] },
  })),
  "PATCH /admin/movies/{id}": adminRow((kit) => kit.world.movieId, { overview: "Renamed by the matrix" }),
  "DELETE /admin/movies/{id}": adminRow(freshMovie),
  "POST /admin/showtimes": rule({ kind: "admin" }, async (kit) => ({
    body: {
      ...catalogIds(kit),
      startAt: kit.builder.nextStartAt(),
      language: "English",
      format: "2D",
      basePrice: 15_000,
    },
  })),
  "PATCH /admin/showtimes/{id}": adminRow(freshShowtime, { basePrice: 16_000 }),
  "DELETE /admin/showtimes/{id}": adminRow(freshShowtime),
};

/** Whether the document should mark the operation as needing a bearer token. */
export function needsToken(access: Access): boolean {
  return !["public", "webhook", "devPay"].includes(access.kind);
}

/** The caller a fuzz request sends to get past authentication (undefined: no token needed). */
export function callerThatPasses(access: Access): Caller | undefined {
  switch (access.kind) {
    case "admin":
      return "admin";
    case "staff":
      return "staff";
    case "signedIn":
    case "owner":
    case "ownerOrStaff":
    case "ownerOrAdmin":
      return "owner";
    default:
      return undefined;
  }
}

export type Expected =
  | { status: "2xx" }
  | { status: number; code: string }
  /** Webhooks: 200 with the signature, 400 INVALID_SIGNATURE without. */
  | { status: "signed-2xx" };

/** What a caller must get from an operation, by its rule: the heart of the matrix. */
export function expectedFor(rule: AccessRule, caller: Caller): Expected {
  const { access } = rule;
  const signedIn = caller !== "anonymous";
  const unauthenticated = { status: 401, code: "UNAUTHENTICATED" };
  const notFound = { status: 404, code: "NOT_FOUND" };
  const forbidden = { status: 403, code: "FORBIDDEN" };
  switch (access.kind) {
    case "public":
    case "devPay":
      return { status: "2xx" };
    case "webhook":
      return { status: "signed-2xx" };
    case "signedIn":
      if (!signedIn) {
        return unauthenticated;
      }
      return access.bodyRefs && caller !== "owner" ? notFound : { status: "2xx" };
    case "owner":
      if (!signedIn) {
        return unauthenticated;
      }
      return caller === "owner" ? { status: "2xx" } : notFound;
    case "ownerOrStaff":
      if (!signedIn) {
        return unauthenticated;
      }
      return caller === "other" ? notFound : { status: "2xx" };
    case "ownerOrAdmin":
      if (!signedIn) {
        return unauthenticated;
      }
      return caller === "other" ? notFound : caller === "staff" ? forbidden : { status: "2xx" };
    case "staff":
      if (!signedIn) {
        return unauthenticated;
      }
      return caller === "staff" || caller === "admin" ? { status: "2xx" } : forbidden;
    case "admin":
      if (!signedIn) {
        return unauthenticated;
      }
      return caller === "admin" ? { status: "2xx" } : forbidden;
  }
}
