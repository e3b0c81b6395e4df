import type { User } from "@boxoffice/contracts";
import { type DbOrTx, users } from "@boxoffice/db";
import { eq } from "drizzle-orm";
import { toUser } from "../auth/to-user.ts";
import { AppError } from "../shared/errors.ts";

export async function getUser(deps: { db: DbOrTx }, userId: string): Promise<User> {
  const [row] = await deps.db.select().from(users).where(eq(users.id, userId));
  if (!row) {
    throw new AppError("NOT_FOUND", "No such user", { id: userId });
  }
  return toUser(row);
}
