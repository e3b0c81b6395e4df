/** Messages between the bench and the API process it spawns (bench/api-server.ts). */
export type ToServer = { type: "cpu"; id: number } | { type: "stop" };
export type FromServer =
  | { type: "ready"; url: string }
  | { type: "cpu"; id: number; micros: number }
  | { type: "failed"; message: string };
