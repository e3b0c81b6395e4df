import { type ChildProcess, execFile, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sleep } from "./stats.ts";

const run = promisify(execFile);

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
 * A redis-server of the scenario's own, started with the machine's flags (nothing kept on disk) on a free
 * port, so stopping it stops nobody else's Redis. `stop` then `start` is a Redis restart: it comes back
 * empty, as the machine's Redis does.
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
      await sleep(100);
    }
    throw new Error(`redis-server on port ${this.port} did not answer within 10 s`);
  }

  /** Stops it by pid (SIGTERM: redis-server exits at once, keeping nothing). */
  async stop(): Promise<void> {
    if (this.running && this.child?.pid) {
      process.kill(this.child.pid, "SIGTERM");
      await this.exited;
    }
  }
}

function postgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const dir = versions.map((v) => join(root, v, "bin")).find((d) => existsSync(join(d, "initdb")));
  if (!dir) {
    throw new Error("no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin");
  }
  return dir;
}

/**
 * A PostgreSQL cluster of the scenario's own: initdb into a temporary directory (as the postgres user when
 * the proof runs as root, as the machine's own cluster runs), then pg_ctl start/stop on a free port. Only
 * this cluster is ever stopped; the machine's PostgreSQL, which others use, is never touched.
 */
export class PrivatePostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
  ) {}

  static async create(): Promise<PrivatePostgres> {
    const bin = postgresBinDir();
    const dir = mkdtempSync(join(tmpdir(), "boxoffice-proof-pg-"));
    const pg = new PrivatePostgres(await freePort(), dir, bin);
    try {
      if (process.getuid?.() === 0) {
        const { stdout } = await run("id", ["-u", "postgres"]);
        const { stdout: gid } = await run("id", ["-g", "postgres"]);
        chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
      }
      await pg.asOwner("initdb", [
        "-D",
        pg.dataDir,
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync",
      ]);
      await pg.start();
      return pg;
    } catch (err) {
      await pg.destroy();
      throw err;
    }
  }

  private get dataDir(): string {
    return join(this.dir, "data");
  }

  /** The cluster's `postgres` database, to create scenario databases from. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    // Durability settings off: this cluster lives for one scenario, and the machine has two cores.
    const options = [
      `-p ${this.port}`,
      "-c listen_addresses=127.0.0.1",
      `-k ${this.dir}`,
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      "-c max_connections=100",
    ].join(" ");
    await this.asOwner("pg_ctl", [
      "-D",
      this.dataDir,
      "-o",
      options,
      "-l",
      join(this.dir, "postgres.log"),
      "-w",
      "-t",
      "60",
      "start",
    ]);
  }

  /** Fast shutdown: open sessions are terminated (57P01) and new connections refused until `start`. */
  async stop(): Promise<void> {
    await this.asOwner("pg_ctl", ["-D", this.dataDir, "-m", "fast", "-w", "-t", "60", "stop"]);
  }

  async destroy(): Promise<void> {
    if (existsSync(join(this.dataDir, "postmaster.pid"))) {
      await this.asOwner("pg_ctl", ["-D", this.dataDir, "-m", "immediate", "-w", "stop"]).catch(() => {});
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async asOwner(tool: string, args: string[]): Promise<void> {
    const path = join(this.bin, tool);
    const [cmd, argv] =
      process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", path, ...args]] : [path, args];
    await run(cmd, argv as string[], { cwd: this.dir, timeout: 120_000 });
  }
}

export interface PrivateServices {
  postgres: PrivatePostgres;
  redis: PrivateRedis;
}
