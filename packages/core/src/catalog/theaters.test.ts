import {
  createTheater as createTheaterContract,
  listTheaters as listTheatersContract,
} from "@boxoffice/contracts";
import type { DbHandle } from "@boxoffice/db";
import { createTestDb } from "@boxoffice/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../shared/clock.ts";
import { createTheater, listTheaters } from "./theaters.ts";

let handle: DbHandle;
const clock = manualClock();

beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => {
  await handle?.close();
});

const at = (name: string, lat: number, lng: number) =>
  createTheater(
    { db: handle.db, clock },
    createTheaterContract.input.parse({
      name,
      address: { line1: "1 Road", city: "Nowhere", country: "IN" },
      location: { lat, lng },
      timeZone: "UTC",
    }),
  );

describe("theaters near a point", () => {
  it("a theater a hair's breadth from the point is at distance 0, not a 500 from a float underflow", async () => {
    // Coordinates the contract accepts, whose differences square to less than the smallest double.
    await at("Equator", 1e-200, 0);
    await at("Antimeridian", 0, 180 - 1e-13);
    const list = (near: string) =>
      listTheaters({ db: handle.db }, listTheatersContract.input.parse({ near, radiusKm: "1000" }));

    const origin = await list("0,0");
    expect(origin.items.map((t) => [t.name, t.distanceKm])).toEqual([["Equator", 0]]);
    const far = await list("0,180");
    expect(far.items.map((t) => [t.name, t.distanceKm])).toEqual([["Antimeridian", 0]]);
    await expect(list("-0.0000001,0")).resolves.toMatchObject({ total: 1 });
  });
});
