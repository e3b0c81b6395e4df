import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, type PrivateRedis } from "@boxoffice/testkit";

const run = promisify(execFile);

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
