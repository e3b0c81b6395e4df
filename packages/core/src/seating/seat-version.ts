import { type DbOrTx, showtimes } from "@boxoffice/db";
import { eq, sql } from "drizzle-orm";

export async function bumpSeatVersion(tx: DbOrTx, showtimeId: string): Promise<number> {
  const [row] = await tx
    .update(showtimes)
    .set({ seatVersion: sql`${showtimes.seatVersion} + 1` })
    .where(eq(showtimes.id, showtimeId))
    .returning({ version: showtimes.seatVersion });
  return row?.version ?? 0;
}
