/**
 * What checking an access token against the revocations costs on every signed-in request (issue 12,
 * finding 12), next to the same verification without that check, in the same run: alternating rounds of
 * `verifyAccessToken` on a token as the API issues it, over the embedded database the revocations are
 * read from (once a second, in the background, as in the API), with thousands of sessions signed out
 * and users demoted in the maps the check looks up. The CPU counted includes those reads.
 * Usage: npx tsx bench/token-check.ts [--quick]
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createTokenService, systemClock, type TokenService, watchRevocations } from "@boxoffice/core";
import { createDb, runMigrations, tokenRevocations, users } from "@boxoffice/db";
import { argsOrExit } from "@boxoffice/testkit";

const values = argsOrExit(
  process.argv.slice(2),
  {},
  "Usage: pnpm bench:tokens [--quick]   (--quick: 20,000 tokens a round)",
);
const ROUNDS = 6;
const PER_ROUND = values.quick ? 20_000 : 100_000;
const REVOKED = 5_000;

const handle = await createDb({ kind: "pglite" });
await runMigrations(handle);
const rows = await handle.db
  .insert(users)
  .values(Array.from({ length: REVOKED }, (_, i) => ({ email: `bench-${i}@example.com` })))
  .returning({ id: users.id });
// Minutes old, as most of the last access-token lifetime's revocations are: the first read loads them,
// and each later read gets only the few new ones (here none), as in steady service.
const revokedAt = new Date(Date.now() - 5 * 60_000);
await handle.db.insert(tokenRevocations).values(
  rows.flatMap(({ id }) => [
    { userId: id, familyId: randomUUID(), revokedAt },
    { userId: id, tokenVersion: 1, revokedAt },
  ]),
);

const watch = watchRevocations(
  { db: handle.db },
  { intervalMs: 1000, horizonSeconds: 960, staleAfterMs: 10_000 },
);
await watch.start();
const config = {
  accessSecret: randomBytes(32).toString("hex"),
  refreshSecret: randomBytes(32).toString("hex"),
  accessTokenTtlSeconds: 900,
  refreshTokenTtlDays: 30,
};
const bare = createTokenService(config, systemClock);
const checked = createTokenService(config, systemClock, watch);
const [user] = await handle.db
  .insert(users)
  .values({ email: "signed-in@example.com" })
  .returning({ id: users.id });
const { token } = await bare.signAccessToken({
  userId: user?.id ?? randomUUID(),
  roles: ["user"],
  tokenVersion: 0,
  sessionId: randomUUID(),
});

async function round(tokens: TokenService): Promise<number> {
  const started = process.cpuUsage();
  for (let i = 0; i < PER_ROUND; i++) {
    await tokens.verifyAccessToken(token);
    if (i % 1000 === 0) {
      // Let the event loop turn, as a server's does between requests: the revocation reads go on.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const used = process.cpuUsage(started);
  return ((used.user + used.system) / PER_ROUND) * 1000;
}

await round(bare);
await round(checked);
const ns = { bare: [] as number[], checked: [] as number[] };
for (let i = 0; i < ROUNDS; i++) {
  // Alternating, so whatever else the machine does weighs on both alike.
  if (i % 2 === 0) {
    ns.bare.push(await round(bare));
    ns.checked.push(await round(checked));
  } else {
    ns.checked.push(await round(checked));
    ns.bare.push(await round(bare));
  }
}
watch.stop();
await handle.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log(
  `token check: ${ROUNDS} alternating rounds of ${PER_ROUND} verifications each, ${REVOKED} users revoked`,
);
console.log(`  verify alone:                  ${median(ns.bare).toFixed(0)} ns CPU per token (median)`);
console.log(`  verify + revocation check:     ${median(ns.checked).toFixed(0)} ns CPU per token (median)`);
console.log(`  added by the check:            ${(median(ns.checked) - median(ns.bare)).toFixed(0)} ns`);
console.log(`  ratio checked / alone:         ${(median(ns.checked) / median(ns.bare)).toFixed(3)}`);
