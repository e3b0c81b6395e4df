import { describe, expect, it } from "vitest";
import { runCrowd, sleep } from "./crowd.ts";

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
