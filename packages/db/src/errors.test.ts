import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "./errors.ts";

/** Drizzle's wrapping: the driver's error sits on `cause`. */
const wrapped = (cause: unknown) => Object.assign(new Error("Failed query: select 1"), { cause });

describe("isDatabaseUnavailable", () => {
  it("recognises a server that is down, shutting down, starting or full", () => {
    const down = [
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }),
      wrapped(
        Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
      ),
      wrapped(Object.assign(new Error("the database system is starting up"), { code: "57P03" })),
      wrapped(Object.assign(new Error("sorry, too many clients already"), { code: "53300" })),
      wrapped(Object.assign(new Error("connection failure"), { code: "08006" })),
      wrapped(new Error("Connection terminated unexpectedly")),
      new Error("Client has encountered a connection error and is not queryable"),
      new AggregateError([
        Object.assign(new Error("connect ECONNREFUSED ::1:5432"), { code: "ECONNREFUSED" }),
      ]),
    ];
    for (const err of down) {
      expect(isDatabaseUnavailable(err), String(err)).toBe(true);
    }
  });

  it("does not mistake a statement's own failure for an outage", () => {
    const notDown = [
      wrapped(Object.assign(new Error("duplicate key value"), { code: "23505" })),
      wrapped(Object.assign(new Error("deadlock detected"), { code: "40P01" })),
      new Error("booking could not take all its seats"),
      "a string",
      undefined,
    ];
    for (const err of notDown) {
      expect(isDatabaseUnavailable(err), String(err)).toBe(false);
    }
  });
});
