import type { Session } from "@boxoffice/contracts";
import { type DbOrTx, refreshTokens, type UserRow } from "@boxoffice/db";
import type { Clock } from "../shared/clock.ts";
import { toUser } from "./to-user.ts";
import type { TokenService } from "./tokens.ts";

/**
 * Signs an access token and stores a new refresh token. A new sign-in starts a family; a refresh passes
 * the family on, so reuse of any replaced token can revoke exactly that session. The access token names
 * the family (`sid`) and the user's token version (`ver`), which is how a revocation reaches it.
 */
export async function issueSession(
  deps: { db: DbOrTx; clock: Clock; tokens: TokenService },
  user: UserRow,
  familyId: string = crypto.randomUUID(),
): Promise<Session> {
  const now = deps.clock.now();
  const access = await deps.tokens.signAccessToken({
    userId: user.id,
    roles: user.roles,
    tokenVersion: user.tokenVersion,
    sessionId: familyId,
  });
  const refresh = deps.tokens.newRefreshToken();
  const refreshExpiresAt = new Date(now.getTime() + deps.tokens.refreshTokenTtlMs);
  await deps.db.insert(refreshTokens).values({
    userId: user.id,
    familyId,
    tokenHash: refresh.hash,
    expiresAt: refreshExpiresAt,
    createdAt: now,
  });
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt.toISOString(),
    refreshToken: refresh.token,
    refreshTokenExpiresAt: refreshExpiresAt.toISOString(),
    user: toUser(user),
  };
}
