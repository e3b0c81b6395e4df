import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createConnection, createServer } from "node:net";

/** Whether this machine has a redis-server binary to start private servers with. */
export const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;

/** A TCP port on 127.0.0.1 that nothing listens on (at the moment of asking). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Whether a Redis on `port` answers PING. */
function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}

/**
 * A redis-server of a test's or a proof scenario's own, started with the machine's flags (nothing kept on
 * disk) on a free port, so stopping it stops nobody else's Redis. `stop` then `start` is a Redis restart:
 * it comes back empty, on the same port, as the machine's Redis does.
 */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const child = spawn(
      "redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
      ],
      { stdio: "ignore" },
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    for (let i = 0; i < 100; i++) {
      if (await redisAnswers(this.port)) {
        return;
      }
      if (!this.running) {
        throw new Error(`redis-server on port ${this.port} exited at start`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`redis-server on port ${this.port} did not answer within 10 s`);
  }

  /**
   * Stops it by pid: SIGTERM (redis-server exits at once, keeping nothing) or SIGKILL, for a Redis that
   * vanishes without closing its connections.
   */
  async stop(signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
    if (this.running && this.child?.pid) {
      process.kill(this.child.pid, signal);
      await this.exited;
    }
  }
}
