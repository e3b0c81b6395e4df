import { type DbOrTx, holds } from "@boxoffice/db";
import { eq } from "drizzle-orm";
import { AppError } from "../shared/errors.ts";

/** Which showtime a hold belongs to, if it is the caller's; someone else's is a 404 like a missing one. */
export async function showtimeOfOwnHold(db: DbOrTx, userId: string, holdId: string): Promise<string> {
  const [hold] = await db
    .select({ userId: holds.userId, showtimeId: holds.showtimeId })
    .from(holds)
    .where(eq(holds.id, holdId));
  if (!hold || hold.userId !== userId) {
    throw new AppError("NOT_FOUND", "No such hold", { field: "holdId", id: holdId });
  }
  return hold.showtimeId;
}

/** The hold's row, locked: its status and expiry cannot change under the caller. */
export async function lockedHold(tx: DbOrTx, holdId: string) {
  const [hold] = await tx.select().from(holds).where(eq(holds.id, holdId)).for("update");
  if (!hold) {
    throw new AppError("NOT_FOUND", "No such hold", { field: "holdId", id: holdId });
  }
  return hold;
}
