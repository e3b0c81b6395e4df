import type { Session } from "@boxoffice/contracts";
import { refreshTokens, users } from "@boxoffice/db";
import { and, eq, isNull } from "drizzle-orm";
import { AppError } from "../shared/errors.ts";
import type { AuthDeps } from "./deps.ts";
import { issueSession } from "./issue-session.ts";

type Outcome = { ok: true; session: Session } | { ok: false; error: AppError };

/**
 * Rotates a refresh token: the presented one is marked used and a new one issued in its family. A token
 * that was already used means someone else holds a copy, so the whole family is revoked (committed
 * before the 401 is answered).
 */
export async function refreshSession(deps: AuthDeps, token: string | undefined): Promise<Session> {
  if (!token) {
    throw new AppError("INVALID_TOKEN", "A refresh token is required (body or cookie)");
  }
  const now = deps.clock.now();
  const hash = deps.tokens.hashRefreshToken(token);
  const outcome = await deps.db.transaction(async (tx): Promise<Outcome> => {
    const [row] = await tx
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, hash))
      .for("update");
    if (!row || row.revokedAt || row.expiresAt <= now) {
      return {
        ok: false,
        error: new AppError("INVALID_TOKEN", "The refresh token is invalid or has expired"),
      };
    }
    if (row.rotatedAt) {
      await tx
        .update(refreshTokens)
        .set({ revokedAt: now })
        .where(and(eq(refreshTokens.familyId, row.familyId), isNull(refreshTokens.revokedAt)));
      return {
        ok: false,
        error: new AppError(
          "INVALID_TOKEN",
          "This refresh token was already used: the session has been signed out",
        ),
      };
    }
    await tx.update(refreshTokens).set({ rotatedAt: now }).where(eq(refreshTokens.id, row.id));
    const [user] = await tx.select().from(users).where(eq(users.id, row.userId));
    if (!user) {
      return { ok: false, error: new AppError("INVALID_TOKEN") };
    }
    return { ok: true, session: await issueSession({ ...deps, db: tx }, user, row.familyId) };
  });
  if (!outcome.ok) {
    throw outcome.error;
  }
  return outcome.session;
}

/** Signs the token's session out. Unknown or already revoked tokens are fine: logging out twice is a no-op. */
export async function logout(
  deps: Pick<AuthDeps, "db" | "clock" | "tokens">,
  token: string | undefined,
): Promise<void> {
  if (!token) {
    return;
  }
  const hash = deps.tokens.hashRefreshToken(token);
  const [row] = await deps.db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hash));
  if (!row) {
    return;
  }
  await deps.db
    .update(refreshTokens)
    .set({ revokedAt: deps.clock.now() })
    .where(and(eq(refreshTokens.familyId, row.familyId), isNull(refreshTokens.revokedAt)));
}
