import { randomBytes, randomUUID } from "node:crypto";
import type { ScreenLayout } from "@boxoffice/contracts";
import { createTokenService, ensureAdmin, systemClock, type TokenService } from "@boxoffice/core";
import type { DbHandle } from "@boxoffice/db";
import {
  type CrowdUser,
  createCatalog,
  createShowtime,
  insertUsers,
  type LoadClient,
  seatIdsOf,
} from "@boxoffice/testkit";
import type pg from "pg";

export type ProofUser = CrowdUser;

/**
 * The rows a scenario starts from (testkit's catalog.ts): users inserted into the scenario's database
 * with access tokens signed with the processes' shared secret, and the catalog through the admin API.
 */
export class Setup {
  private readonly tokens: TokenService;
  private adminToken: string | undefined;
  private screenCount = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly handle: DbHandle,
    private readonly http: LoadClient,
    secrets: { jwtAccessSecret: string; jwtRefreshSecret: string },
  ) {
    this.tokens = createTokenService(
      {
        accessSecret: secrets.jwtAccessSecret,
        refreshSecret: secrets.jwtRefreshSecret,
        // Long enough to outlive any scenario, kill -9 and restarts included.
        accessTokenTtlSeconds: 6 * 3600,
        refreshTokenTtlDays: 1,
      },
      systemClock,
    );
  }

  /** `count` accounts (email only, default preferences), each with a valid access token. */
  users(count: number, tag = "user"): Promise<ProofUser[]> {
    return insertUsers(this.pool, this.tokens, count, { tag: `proof-${tag}` });
  }

  /** An admin made the way `pnpm admin:create` makes one, with a token for the admin API. */
  async admin(): Promise<string> {
    if (!this.adminToken) {
      const { userId } = await ensureAdmin(
        { db: this.handle.db, clock: systemClock },
        {
          email: `proof-admin-${randomBytes(4).toString("hex")}@example.com`,
          password: randomBytes(16).toString("hex"),
        },
      );
      // Like insertUsers' tokens: version 0, no session behind it.
      const session = {
        userId,
        roles: ["user" as const, "admin" as const],
        tokenVersion: 0,
        sessionId: randomUUID(),
      };
      this.adminToken = (await this.tokens.signAccessToken(session)).token;
    }
    return this.adminToken;
  }

  /**
   * A showtime on sale tomorrow (or `startInHours` from now) on a screen of `layout`, made through the
   * admin API: theater, screen, movie, showtime. Each call makes a new screen, so showtimes never overlap.
   */
  async showtime(
    layout: ScreenLayout,
    options: { startInHours?: number; basePrice?: number } = {},
  ): Promise<{ id: string; seatIds: string[]; basePrice: number }> {
    const token = await this.admin();
    this.screenCount += 1;
    const catalog = await createCatalog(this.http, token, { name: `Proof ${this.screenCount}`, layout });
    const showtime = await createShowtime(this.http, token, catalog, {
      startAt: new Date(Date.now() + (options.startInHours ?? 24) * 3600_000),
      ...(options.basePrice === undefined ? {} : { basePrice: options.basePrice }),
    });
    return { id: showtime.id, seatIds: seatIdsOf(layout), basePrice: showtime.basePrice };
  }
}
