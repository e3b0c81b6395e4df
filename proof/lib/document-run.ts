import type { ScenarioContext } from "./context.ts";
import { WorldBuilder } from "./fixtures.ts";
import { GuardedSender } from "./guarded-send.ts";
import { fetchOpenApi, listOperations } from "./openapi-ops.ts";

/**
 * What the scenarios that walk the live OpenAPI document (fuzz, authz) start from: the first API
 * process, its document and operations, the world of rows a request can name, built through the API,
 * and a guarded sender keeping at most `maxPerKey` problems of a kind (start it just before sending).
 * Undefined when no API process runs.
 */
export async function documentRun(ctx: ScenarioContext, maxPerKey?: number) {
  const baseUrl = ctx.apiUrls[0];
  if (!baseUrl) {
    return undefined;
  }
  const doc = await fetchOpenApi(baseUrl);
  const ops = listOperations(doc);
  const builder = new WorldBuilder(baseUrl, ctx.databaseUrl, ctx.db);
  const world = await builder.build();
  const sender = new GuardedSender(baseUrl, ctx.db, ctx.log, maxPerKey);
  return { baseUrl, doc, ops, builder, world, sender };
}
