import type { Booking, ErrorBody, PaymentOrder } from "@boxoffice/contracts";
import {
  type Answer,
  type LoadClient,
  pickDistinct,
  type RaceRecords,
  randomInt,
  runRace,
  seededRng,
} from "@boxoffice/testkit";
import { type Outcome, type Tally, timed } from "./load.ts";
import { apiHold, type HoldFn } from "./scenarios.ts";
import type { BenchUser } from "./setup.ts";

/** Pays for a hold and answers the booking (or "taken" when the seats were lost meanwhile). */
export type BuyFn = (user: BenchUser, holdId: string) => Promise<Outcome>;

/** One way of selling seats, as the crowd sees it: a hold, then a purchase. */
export interface SellingSide {
  hold: HoldFn;
  buy: BuyFn;
}

const errorCode = (res: Answer) => (res.body as Partial<ErrorBody> | undefined)?.error?.code;

function failed(step: string, res: Answer): Outcome {
  return {
    kind: "error",
    detail: `${step}: ${res.status || res.error} ${JSON.stringify(res.body)?.slice(0, 300)}`,
  };
}

/**
 * boxoffice's purchase, the REST calls a client makes: the provider's order for the hold, the customer
 * paying on the dev provider's pay page, and the client's confirmation with what Checkout handed back.
 * The pay step keeps its signed webhook (`deliver: false`), so the confirmation is what books, as when a
 * client confirms before the webhook arrives.
 */
function boxofficeBuy(client: LoadClient): BuyFn {
  return async (user, holdId) => {
    const order = await client.post("/api/payments/create-order", { holdId }, user.token);
    if (order.status !== 201) {
      return failed("create-order", order);
    }
    const { orderId } = order.body as PaymentOrder;
    const paid = await client.post(`/api/payments/dev/pay/${orderId}`, { deliver: false });
    if (paid.status !== 200) {
      return failed("pay", paid);
    }
    const { paymentId, signature } = paid.body as { paymentId: string; signature: string };
    const res = await client.post("/api/bookings/confirm", { orderId, paymentId, signature }, user.token);
    if (res.status === 200) {
      const booking = res.body as Booking;
      return { kind: "booked", bookingId: booking.id, seatIds: booking.seatIds };
    }
    if (res.status === 409 && errorCode(res) === "PAYMENT_REFUNDED") {
      return { kind: "taken", seatIds: [] };
    }
    return failed("confirm", res);
  };
}

export function boxofficeSide(client: LoadClient): SellingSide {
  return { hold: apiHold(client), buy: boxofficeBuy(client) };
}

/** bench/naive-server.ts: POST /hold answers as the API's hold does; POST /buy marks the hold booked. */
export function seedSide(client: LoadClient): SellingSide {
  return {
    hold: apiHold(client, "/hold"),
    async buy(user, holdId) {
      const res = await client.post("/buy", { holdId }, user.token);
      if (res.status === 200) {
        const booked = res.body as { id: string; seatIds: string[] };
        return { kind: "booked", bookingId: booked.id, seatIds: booked.seatIds };
      }
      if (res.status === 409 && errorCode(res) === "SEATS_TAKEN") {
        return { kind: "taken", seatIds: [] };
      }
      return failed("buy", res);
    },
  };
}

/**
 * Every user's seat choices, attempt by attempt (1-4 seats each), from a generator seeded by the round and
 * the user: in a given round both sides' crowds want exactly the same seats, in the same order.
 */
export function crowdChoices(
  round: number,
  users: number,
  attempts: number,
  seatIds: string[],
): string[][][] {
  return Array.from({ length: users }, (_, user) => {
    const rng = seededRng(round * 1_000_003 + user + 1);
    return Array.from({ length: attempts }, () => pickDistinct(rng, seatIds, randomInt(rng, 1, 4)));
  });
}

/** A race's window lasts until its last answer, so every answer counts. */
const EVERY_ANSWER = Number.POSITIVE_INFINITY;

export interface RaceTallies {
  holds: Tally;
  buys: Tally;
}

/**
 * One race for one showtime: testkit's runRace, the proof's race, with customers who arrive in order,
 * `concurrency` at a time, hold their choices one after the other until a hold succeeds, and buy it.
 * Every answer is timed into `tallies`, and what the clients were told into `records`.
 */
export async function race(
  side: SellingSide,
  showtimeId: string,
  users: BenchUser[],
  choices: string[][][],
  options: { concurrency: number; durationMs: number },
  tallies: RaceTallies,
  records: RaceRecords,
): Promise<{ windowMs: number; started: number }> {
  const userOf = (index: number) => users[index] ?? raise(`no user ${index}`);
  const crowd = {
    users: users.length,
    inFlight: options.concurrency,
    arrivalMs: 0,
    stop: AbortSignal.timeout(options.durationMs),
    attempts: Math.max(0, ...choices.map((c) => c.length)),
  };
  const { arrived, ms } = await runRace<{ holdId: string; seatIds: string[] }, string[]>(crowd, {
    choose: async (index, attempt) => choices[index]?.[attempt],
    async hold(index, seatIds) {
      const user = userOf(index);
      const held = await timed(tallies.holds, EVERY_ANSWER, () => side.hold(user, showtimeId, seatIds));
      if (held.kind === "taken") {
        records.taken.push({ requested: seatIds, named: held.seatIds });
      }
      if (held.kind !== "held") {
        return "again";
      }
      records.held.push({ userId: user.id, holdId: held.holdId, seatIds: held.seatIds });
      return { held };
    },
    async buy(index, held) {
      const user = userOf(index);
      const bought = await timed(tallies.buys, EVERY_ANSWER, () => side.buy(user, held.holdId));
      if (bought.kind === "booked") {
        const { bookingId } = bought;
        records.booked.push({ userId: user.id, holdId: held.holdId, bookingId, seatIds: bought.seatIds });
      }
    },
  });
  // The whole race is the window, added to both tallies: every answer counts.
  tallies.holds.addWindow(ms);
  tallies.buys.addWindow(ms);
  return { windowMs: ms, started: arrived };
}

function raise(message: string): never {
  throw new Error(message);
}
