import { describe, expect, it } from "vitest";
import { runCrowd, runRace, sleep } from "./crowd.ts";

describe("runCrowd", () => {
  it("lets every user arrive in order, never more than inFlight at once", async () => {
    const order: number[] = [];
    let inside = 0;
    let most = 0;
    const result = await runCrowd(
      { users: 20, inFlight: 3, arrivalMs: 0, stop: new AbortController().signal },
      async (user) => {
        order.push(user);
        inside += 1;
        most = Math.max(most, inside);
        await sleep(2);
        inside -= 1;
      },
    );
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBe(3);
    expect(result.arrived).toBe(20);
  });

  it("lets nobody arrive once stopped, and waits for the visits under way", async () => {
    const stop = new AbortController();
    let finished = 0;
    const result = await runCrowd(
      { users: 100, inFlight: 2, arrivalMs: 0, stop: stop.signal },
      async (user) => {
        if (user === 1) {
          stop.abort();
        }
        await sleep(5);
        finished += 1;
      },
    );
    expect(result.arrived).toBe(2);
    expect(finished).toBe(2);
  });

  it("spreads arrivals over arrivalMs", async () => {
    const at: number[] = [];
    const started = performance.now();
    await runCrowd(
      { users: 4, inFlight: 4, arrivalMs: 200, stop: new AbortController().signal },
      async () => {
        at.push(performance.now() - started);
      },
    );
    expect(at[3]).toBeGreaterThanOrEqual(145);
    expect(at[0]).toBeLessThan(50);
  });
});

describe("runRace", () => {
  const never = new AbortController().signal;

  it("sends a customer whose seats were taken to pick again, up to `attempts`, and buys the first hold", async () => {
    const asked: string[] = [];
    const bought: string[] = [];
    await runRace(
      { users: 3, inFlight: 3, arrivalMs: 0, stop: never, attempts: 3 },
      {
        choose: async (user, attempt) => (user === 2 ? undefined : [`u${user}a${attempt}`]),
        async hold(user, seats) {
          asked.push(String(seats));
          // User 0 gets a hold at the second attempt; user 1 never does.
          return user === 0 && asked.filter((s) => s.startsWith("u0")).length === 2
            ? { held: seats }
            : "again";
        },
        buy: async (_, held) => {
          bought.push(String(held));
        },
      },
    );
    expect(asked.sort()).toEqual(["u0a0", "u0a1", "u1a0", "u1a1", "u1a2"]);
    expect(bought).toEqual(["u0a1"]);
  });

  it("ends a visit on `leave`, and starts no hold once stopped while a held one is still bought", async () => {
    const stop = new AbortController();
    const holds: number[] = [];
    const bought: number[] = [];
    await runRace(
      { users: 2, inFlight: 2, arrivalMs: 0, stop: stop.signal, attempts: 5 },
      {
        choose: async () => [],
        async hold(user) {
          holds.push(user);
          if (user === 0) {
            stop.abort();
            return { held: user };
          }
          return holds.length > 3 ? "leave" : "again";
        },
        buy: async (user) => {
          bought.push(user);
        },
      },
    );
    expect(bought).toEqual([0]);
    expect(holds.filter((u) => u === 1).length).toBeLessThanOrEqual(1);
  });
});
