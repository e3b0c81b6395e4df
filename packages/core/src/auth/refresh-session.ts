import type { Session } from "@boxoffice/contracts";
import { type DbOrTx, refreshTokens, tokenRevocations, users } from "@boxoffice/db";
import { and, eq, isNull } from "drizzle-orm";
import { AppError } from "../shared/errors.ts";
import type { AuthDeps } from "./deps.ts";
import { issueSession } from "./issue-session.ts";
import type { Revocation } from "./revocations.ts";

type Outcome = { ok: true; session: Session } | { ok: false; error: AppError; revoked?: Revocation };

/**
 * Ends a session: its refresh tokens are revoked, and a token_revocations row makes every API process
 * refuse its access tokens too. Returns what was revoked, or undefined when the session was already over.
 */
async function revokeFamily(
  tx: DbOrTx,
  family: { userId: string; familyId: string },
  now: Date,
): Promise<Revocation | undefined> {
  const revoked = await tx
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.familyId, family.familyId), isNull(refreshTokens.revokedAt)))
    .returning({ id: refreshTokens.id });
  if (revoked.length === 0) {
    return undefined;
  }
  await tx.insert(tokenRevocations).values({ userId: family.userId, familyId: family.familyId });
  return family;
}

/**
 * Rotates a refresh token: the presented one is marked used and a new one issued in its family. A token
 * that was already used means someone else holds a copy, so the whole family is revoked, its access
 * tokens included (committed before the 401 is answered).
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
      return {
        ok: false,
        revoked: await revokeFamily(tx, row, now),
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
    if (outcome.revoked) {
      deps.revocations?.note(outcome.revoked);
    }
    throw outcome.error;
  }
  return outcome.session;
}

/**
 * Signs the token's session out, its access tokens included. Unknown or already revoked tokens are fine:
 * logging out twice is a no-op.
 */
export async function logout(
  deps: Pick<AuthDeps, "db" | "clock" | "tokens" | "revocations">,
  token: string | undefined,
): Promise<void> {
  if (!token) {
    return;
  }
  const hash = deps.tokens.hashRefreshToken(token);
  const revoked = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ userId: refreshTokens.userId, familyId: refreshTokens.familyId })
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, hash));
    return row ? revokeFamily(tx, row, deps.clock.now()) : undefined;
  });
  if (revoked) {
    deps.revocations?.note(revoked);
  }
}
