import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signTicket, type TicketClaims, ticketSecret, verifyTicket } from "./qr-payload.ts";

const secret = ticketSecret("a-master-secret-of-at-least-thirty-two-characters");
const claims: TicketClaims = {
  bookingId: "7d9f3c2a-1b4e-4f6a-9c8d-2e5f7a1b3c4d",
  reference: "BX7K2Q9M",
  showtimeId: "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
  seatIds: ["A1", "A2", "A3", "A4"],
};

/** Flips one bit of the byte that base64url character `index` of the body encodes. */
function flipCharacter(payload: string, index: number): string {
  const chars = [...payload];
  const at = 4 + index;
  chars[at] = chars[at] === "A" ? "B" : "A";
  return chars.join("");
}

describe("ticket QR payload", () => {
  it("round-trips a booking, in a payload short enough for a small QR code", () => {
    const payload = signTicket(claims, secret);
    expect(payload.startsWith("BO1.")).toBe(true);
    expect(payload).toMatch(/^BO1\.[A-Za-z0-9_-]+$/);
    expect(payload.length).toBeLessThanOrEqual(100);
    expect(verifyTicket(payload, secret)).toEqual(claims);
  });

  it("round-trips ids that are not UUIDs, upper-case UUIDs and non-ASCII seat names", () => {
    const odd: TicketClaims = {
      bookingId: "booking-42",
      reference: "ÆØÅ-1",
      showtimeId: "7D9F3C2A-1B4E-4F6A-9C8D-2E5F7A1B3C4D",
      seatIds: ["Balcony 12", "😀", claims.bookingId],
    };
    expect(verifyTicket(signTicket(odd, secret), secret)).toEqual(odd);
  });

  it("is deterministic for the same booking and key", () => {
    expect(signTicket(claims, secret)).toBe(signTicket(claims, secret));
  });

  it("refuses a payload with any single character changed", () => {
    const payload = signTicket(claims, secret);
    for (let i = 0; i < payload.length - 4; i++) {
      expect(verifyTicket(flipCharacter(payload, i), secret)).toBeUndefined();
    }
  });

  it("refuses a payload for other seats signed by someone without the key", () => {
    const forged = signTicket({ ...claims, seatIds: ["A1", "A2", "A3", "A4", "A5"] }, "not-the-key");
    expect(verifyTicket(forged, secret)).toBeUndefined();
  });

  it("refuses a payload under the wrong secret", () => {
    const payload = signTicket(claims, secret);
    expect(verifyTicket(payload, ticketSecret("another-master-secret-of-thirty-two-chars"))).toBeUndefined();
    expect(verifyTicket(payload, "a-master-secret-of-at-least-thirty-two-characters")).toBeUndefined();
  });

  it("refuses every truncation of a payload, and a payload with bytes appended", () => {
    const payload = signTicket(claims, secret);
    for (let n = 0; n < payload.length; n++) {
      expect(verifyTicket(payload.slice(0, n), secret)).toBeUndefined();
    }
    expect(verifyTicket(`${payload}A`, secret)).toBeUndefined();
    expect(verifyTicket(`${payload}AAAA`, secret)).toBeUndefined();
  });

  it("refuses garbage and empty input without throwing", () => {
    const garbage: unknown[] = [
      "",
      "BO1.",
      "BO1",
      "BO2.AAAA",
      "hello",
      "BO1.!!!!",
      "BO1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      `BO1.${"A".repeat(10_000)}`,
      "BO1.AAAA AAAA",
      "BO1.AAAA\nAAAA",
      null,
      undefined,
      42,
      {},
      [],
      Buffer.from("BO1.AAAA"),
    ];
    for (const input of garbage) {
      expect(verifyTicket(input, secret)).toBeUndefined();
    }
    expect(verifyTicket(signTicket(claims, secret), "")).toBeUndefined();
  });

  it("refuses a correctly tagged body that does not parse (so a parser slip cannot be exploited)", () => {
    const sign = (body: Buffer) => {
      const mac = createHmac("sha256", secret).update("BO1.").update(body).digest().subarray(0, 16);
      return `BO1.${Buffer.concat([body, mac]).toString("base64url")}`;
    };
    const good = Buffer.from(signTicket(claims, secret).slice(4), "base64url").subarray(0, -16);
    expect(verifyTicket(sign(good), secret)).toEqual(claims);
    expect(verifyTicket(sign(Buffer.concat([good, Buffer.of(0)])), secret)).toBeUndefined();
    expect(verifyTicket(sign(good.subarray(0, -1)), secret)).toBeUndefined();
    expect(verifyTicket(sign(Buffer.of(1, 0x41, 1, 0x42, 1, 0x43, 0)), secret)).toBeUndefined();
    expect(
      verifyTicket(sign(Buffer.of(1, 0x41, 1, 0x42, 1, 0x43, 1, 2, 0xc3, 0x28)), secret),
    ).toBeUndefined();
    expect(verifyTicket(sign(Buffer.of(1, 0x41, 1, 0x42, 1, 0x43, 1, 1, 0x44)), secret)).toEqual({
      bookingId: "A",
      reference: "B",
      showtimeId: "C",
      seatIds: ["D"],
    });
  });

  it("refuses to sign what no ticket can carry", () => {
    expect(() => signTicket({ ...claims, seatIds: [] }, secret)).toThrow(RangeError);
    expect(() => signTicket({ ...claims, reference: "" }, secret)).toThrow(RangeError);
    expect(() => signTicket({ ...claims, reference: "x".repeat(255) }, secret)).toThrow(RangeError);
    expect(() => signTicket(claims, "")).toThrow(RangeError);
  });

  it("derives a ticket key unlike the master secret and unlike other masters' keys", () => {
    const master = "a-master-secret-of-at-least-thirty-two-characters";
    expect(ticketSecret(master)).toHaveLength(32);
    expect(ticketSecret(master).equals(Buffer.from(master))).toBe(false);
    expect(ticketSecret(master).equals(ticketSecret(`${master}!`))).toBe(false);
    expect(ticketSecret(master).equals(ticketSecret(Buffer.from(master)))).toBe(true);
    expect(() => ticketSecret("")).toThrow(RangeError);
  });
});
