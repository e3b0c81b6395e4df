import type { Logger } from "@boxoffice/core";
import type { AppDeps } from "../deps.ts";

/** What every request carries through Hono's context. */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    logger: Logger;
    clientIp: string;
    resHeaders: Headers;
  };
}
