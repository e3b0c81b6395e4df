/** Messages between the bench and the API process it spawns (bench/api-server.ts). */
export type ToServer = { type: "cpu"; id: number } | { type: "stop" };
export type FromServer =
  | { type: "ready"; url: string }
  | { type: "cpu"; id: number; micros: number }
  | { type: "failed"; message: string };

/** Tells the bench something, from a server process it spawned. */
export function tellBench(message: FromServer): void {
  process.send?.(message);
}

/**
 * The server side of the bench's messages: answers CPU readings, stops on "stop", and stops when the
 * bench goes away, so no orphan server holds connections to the bench's schema.
 */
export function answerBench(stop: () => Promise<void>): void {
  process.on("message", (message: ToServer) => {
    if (message.type === "cpu") {
      const usage = process.cpuUsage();
      tellBench({ type: "cpu", id: message.id, micros: usage.user + usage.system });
    } else if (message.type === "stop") {
      void stop();
    }
  });
  process.on("disconnect", () => void stop());
}
