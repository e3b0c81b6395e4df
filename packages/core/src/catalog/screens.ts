import type { Screen, ScreenInput, ScreenPatch } from "@boxoffice/contracts";
import { type Database, PG_UNIQUE_VIOLATION, pgErrorOf, screens, showtimes } from "@boxoffice/db";
import { asc, count, eq } from "drizzle-orm";
import type { SeatBus } from "../seating/bus.ts";
import { bumpSeatVersion, countLiveClaims } from "../seating/claims.ts";
import type { Clock } from "../shared/clock.ts";
import { AppError } from "../shared/errors.ts";
import { countSeats } from "../venue/seat-map.ts";
import { findScreen, findTheater } from "./find.ts";
import { toScreen } from "./to-dto.ts";

type Deps = { db: Database; clock: Clock };

function nameTaken(err: unknown): AppError | undefined {
  const pgErr = pgErrorOf(err);
  if (pgErr?.code === PG_UNIQUE_VIOLATION && pgErr.constraint === "screens_theater_name_key") {
    return new AppError("CONFLICT", "This theater already has a screen with that name", { field: "name" });
  }
  return undefined;
}

export async function createScreen(deps: Deps, input: ScreenInput): Promise<Screen> {
  const theater = await findTheater(deps.db, input.theaterId, "theaterId");
  if (theater.archivedAt) {
    throw new AppError("CONFLICT", "This theater is archived", { field: "theaterId" });
  }
  const now = deps.clock.now();
  try {
    const [row] = await deps.db
      .insert(screens)
      .values({
        theaterId: theater.id,
        name: input.name,
        layout: input.layout,
        seatCount: countSeats(input.layout),
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) {
      throw new Error("insert returned no row");
    }
    return toScreen(row);
  } catch (err) {
    throw nameTaken(err) ?? err;
  }
}

/**
 * Renames a screen or replaces its layout. A layout cannot change under held or sold seats (409); when it
 * does change, every showtime of the screen gets a new seat version and a `resync` event, so cached maps
 * and live clients drop the old seats.
 */
export async function updateScreen(deps: Deps & { bus?: SeatBus }, input: ScreenPatch): Promise<Screen> {
  let changed: Array<{ showtimeId: string; version: number }> = [];
  let screen: Screen;
  try {
    screen = await deps.db.transaction(async (tx) => {
      const current = await findScreen(tx, input.id);
      if (input.layout) {
        // Lock the screen's showtimes (in id order, as any other admin would) so no hold slips in between
        // this check and the update: holds take the same rows' lock first.
        const ids = (
          await tx
            .select({ id: showtimes.id })
            .from(showtimes)
            .where(eq(showtimes.screenId, current.id))
            .orderBy(asc(showtimes.id))
            .for("update")
        ).map((r) => r.id);
        const inUse = await countLiveClaims(tx, ids, deps.clock.now());
        if (inUse > 0) {
          throw new AppError(
            "SEATS_IN_USE",
            "Seats of this screen's showtimes are held or sold: the layout cannot change",
            {
              seats: inUse,
            },
          );
        }
        changed = [];
        for (const showtimeId of ids) {
          changed.push({ showtimeId, version: await bumpSeatVersion(tx, showtimeId) });
        }
      }
      const [row] = await tx
        .update(screens)
        .set({
          ...(input.name ? { name: input.name } : {}),
          ...(input.layout ? { layout: input.layout, seatCount: countSeats(input.layout) } : {}),
          updatedAt: deps.clock.now(),
        })
        .where(eq(screens.id, current.id))
        .returning();
      if (!row) {
        throw new AppError("NOT_FOUND", "No such screen", { field: "id", id: input.id });
      }
      return toScreen(row);
    });
  } catch (err) {
    throw nameTaken(err) ?? err;
  }
  for (const { showtimeId, version } of changed) {
    await deps.bus?.publish({ showtimeId, version, seats: [], resync: true });
  }
  return screen;
}

export async function deleteScreen(deps: Deps, id: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const screen = await findScreen(tx, id);
    const [row] = await tx.select({ n: count() }).from(showtimes).where(eq(showtimes.screenId, screen.id));
    if ((row?.n ?? 0) > 0) {
      throw new AppError("HAS_DEPENDENTS", "This screen has showtimes", { showtimes: row?.n });
    }
    await tx.delete(screens).where(eq(screens.id, screen.id));
  });
}
