import { describe, expect, it } from "vitest";
import { readArgs } from "./args.ts";

const SPEC = {
  users: { int: 1500, quick: 1000, max: 20_000 },
  seats: {
    int: 300,
    max: 650,
    check: (n: number) => (n % 25 === 0 ? undefined : "must be a multiple of 25"),
  },
  "server-log": { choice: ["info", "warn"], default: "info" },
  only: { list: true },
  json: { text: true },
  list: { boolean: true },
} as const;

describe("readArgs", () => {
  it("gives the defaults, or the quick ones under --quick", () => {
    expect(readArgs([], SPEC, "usage")).toEqual({
      quick: false,
      users: 1500,
      seats: 300,
      serverLog: "info",
      only: [],
      json: undefined,
      list: false,
    });
    expect(readArgs(["--quick"], SPEC, "usage")).toMatchObject({ quick: true, users: 1000, seats: 300 });
  });

  it("reads --flag=value and --flag value alike, and an explicit flag beats --quick wherever it stands", () => {
    expect(readArgs(["--users=7", "--quick"], SPEC, "u")).toMatchObject({ quick: true, users: 7 });
    expect(readArgs(["--quick", "--users", "8", "--json", "out.json"], SPEC, "u")).toMatchObject({
      users: 8,
      json: "out.json",
    });
  });

  it("splits lists on commas over repeated flags, and skips the -- pnpm passes through", () => {
    expect(readArgs(["--", "--only", "crash,outage", "--only=fuzz", "--list"], SPEC, "u")).toMatchObject({
      only: ["crash", "outage", "fuzz"],
      list: true,
    });
  });

  it("answers help to --help and -h", () => {
    expect(readArgs(["--users=3", "--help"], SPEC, "u")).toBe("help");
    expect(readArgs(["-h"], SPEC, "u")).toBe("help");
  });

  it("refuses unknown flags and bad values, naming them", () => {
    expect(() => readArgs(["--nope"], SPEC, "the usage")).toThrow(/--nope[\s\S]*the usage/);
    expect(() => readArgs(["--users=0"], SPEC, "u")).toThrow(
      '--users must be a whole number from 1 to 20000, not "0"',
    );
    expect(() => readArgs(["--users=2.5"], SPEC, "u")).toThrow(/--users must be a whole number/);
    expect(() => readArgs(["--seats=310"], SPEC, "u")).toThrow("--seats must be a multiple of 25, not 310");
    expect(() => readArgs(["--server-log=loud"], SPEC, "u")).toThrow(
      "--server-log must be one of info, warn",
    );
  });
});
