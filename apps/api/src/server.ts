import type { Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp } from "./app.ts";
import { type AppDeps, closeDeps } from "./deps.ts";
import { answerClientError } from "./http/client-error.ts";
import { attachSocketIo } from "./realtime/socket-io.ts";

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), then closes deps. */
  close(): Promise<void>;
}

export async function startServer(
  deps: AppDeps,
  port = deps.config.port,
  host = deps.config.host,
): Promise<RunningServer> {
  // Tokens are checked against the revocations from the first request on; if the database does not
  // answer yet, signed-in requests answer 503 until it does (and the reads go on in the background).
  await deps.revocations.start();
  const app = createApp(deps);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(s));
    s.once("error", reject);
  });
  server.on("clientError", (err: Error, socket) => answerClientError(err, socket, deps.logger));
  const realtime = attachSocketIo(server as unknown as HttpServer, {
    bus: deps.bus,
    logger: deps.logger,
    corsOrigins: deps.config.corsOrigins,
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    close() {
      closing ??= (async () => {
        deps.lifecycle.draining = true;
        await realtime.close();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        if ("closeIdleConnections" in server) {
          server.closeIdleConnections();
        }
        const timer = setTimeout(() => {
          if ("closeAllConnections" in server) {
            server.closeAllConnections();
          }
        }, deps.config.shutdownTimeoutMs);
        await stopped;
        clearTimeout(timer);
        await closeDeps(deps);
      })();
      return closing;
    },
  };
}
