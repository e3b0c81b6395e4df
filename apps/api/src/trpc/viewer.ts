import { bearerToken } from "../http/bearer.ts";
import type { TrpcContext } from "./context.ts";

/**
 * Who is asking, on a route anyone may call: the signed-in user's id, or undefined. A bad token here is
 * treated as no token rather than an error, since the answer is public anyway.
 */
export async function optionalViewer(ctx: TrpcContext): Promise<string | undefined> {
  const token = bearerToken(ctx.authorization);
  if (!token) {
    return undefined;
  }
  try {
    return (await ctx.deps.tokens.verifyAccessToken(token)).userId;
  } catch {
    return undefined;
  }
}
