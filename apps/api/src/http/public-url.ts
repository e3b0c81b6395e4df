import type { Context } from "hono";
import type { AppEnv } from "./app-env.ts";

/**
 * This process's own listening address, from the request's socket: never from the Host header, which
 * the client writes.
 */
export function ownAddress(c: Context<AppEnv>): string {
  const bindings = c.env as { incoming?: { socket?: { localAddress?: string; localPort?: number } } };
  const socket = bindings.incoming?.socket;
  if (!socket?.localAddress || !socket.localPort) {
    // Only app.request() in-process has no socket; there is no client-written Host to follow then.
    return "http://localhost";
  }
  const host = socket.localAddress.includes(":") ? `[${socket.localAddress}]` : socket.localAddress;
  return `http://${host.replace(/^\[::ffff:(\d+\.\d+\.\d+\.\d+)\]$/, "$1")}:${socket.localPort}`;
}

/**
 * The origin that links handed to clients start with: PUBLIC_URL (required in production), otherwise,
 * in development, the address this process listens on.
 */
export function publicUrl(c: Context<AppEnv>): string {
  return c.get("deps").config.publicUrl ?? ownAddress(c);
}
