/**
 * Which real id of the world goes into a parameter, from the parameter's name and the path it is in
 * (`/bookings/{id}` takes a booking id), so a new route with the usual names gets real ids unasked.
 */
import { randomUUID } from "node:crypto";
import type { World } from "./fixtures.ts";
import type { ApiOperation } from "./openapi-ops.ts";

export type IdKind =
  | "theater"
  | "screen"
  | "movie"
  | "showtime"
  | "hold"
  | "order"
  | "booking"
  | "user"
  | "provider"
  | "unknown";

const BY_SEGMENT: Record<string, IdKind> = {
  theaters: "theater",
  screens: "screen",
  movies: "movie",
  showtimes: "showtime",
  hold: "hold",
  holds: "hold",
  orders: "order",
  pay: "order",
  bookings: "booking",
  users: "user",
  webhook: "provider",
};

/** The kind of id a field holds: `showtimeId` a showtime's, `id` in `/movies/{id}` a movie's. */
export function idKindOf(name: string, path = ""): IdKind {
  const base = name.replace(/Ids?$/, "");
  if (base !== name && base !== "") {
    const kind = BY_SEGMENT[`${base}s`] ?? BY_SEGMENT[base];
    if (kind) {
      return kind;
    }
  }
  if (name === "provider") {
    return "provider";
  }
  if (name === "id" || name.endsWith("Id")) {
    const segments = path.split("/").filter(Boolean);
    const at = segments.indexOf(`{${name}}`);
    const before = at > 0 ? segments[at - 1] : undefined;
    return (before && BY_SEGMENT[before]) || "unknown";
  }
  return "unknown";
}

/** The world's ids of each kind (the owner's, for owned resources). */
export function worldIds(world: World): Record<IdKind, string[]> {
  return {
    theater: [world.theaterId],
    screen: [world.screenId],
    movie: [world.movieId],
    showtime: [...world.showtimeIds],
    hold: [world.hold.id, world.order.holdId],
    order: [world.order.orderId, world.booking.orderId],
    booking: [world.booking.id],
    user: [world.owner.id, world.other.id, world.staff.id, world.admin.id],
    provider: ["dev", "razorpay", "stripe"],
    unknown: [randomUUID()],
  };
}

/** A request with the world's first id of the right kind in every path parameter. */
export function defaultPathValues(op: ApiOperation, world: World): Record<string, string> {
  const ids = worldIds(world);
  return Object.fromEntries(
    op.pathParams.map((p) => [p.name, ids[idKindOf(p.name, op.path)][0] ?? randomUUID()]),
  );
}

/** An id of the right kind that exists nowhere. */
export function missingId(kind: IdKind): string {
  if (kind === "order") {
    return `dev_order_${randomUUID().replace(/-/g, "").slice(0, 14)}`;
  }
  if (kind === "provider") {
    return "nopay";
  }
  return randomUUID();
}
