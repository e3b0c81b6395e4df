import { describe, expect, it } from "vitest";
import { checkTicketLink, signTicketLink, ticketLinkKey, ticketSecret } from "./index.ts";

const key = ticketLinkKey("m".repeat(48));
const bookingId = "5b0e7a52-6c1f-4a8e-9d2b-1f3c4d5e6f70";
const now = new Date("2030-01-01T10:00:00Z");
const later = new Date("2030-01-01T10:15:00Z");

describe("ticket download links", () => {
  it("open the booking they were signed for until they expire, and no other", () => {
    const link = signTicketLink(key, bookingId, later);
    const asQuery = { expires: String(link.expires), signature: link.signature };
    expect(checkTicketLink(key, bookingId, asQuery, now)).toBe("valid");
    expect(checkTicketLink(key, bookingId, asQuery, later)).toBe("valid");
    expect(checkTicketLink(key, bookingId, asQuery, new Date(later.getTime() + 1000))).toBe("expired");
    expect(checkTicketLink(key, "6b0e7a52-6c1f-4a8e-9d2b-1f3c4d5e6f70", asQuery, now)).toBe("forged");
  });

  it("refuse a moved expiry, a missing or altered signature, and another key's links", () => {
    const link = signTicketLink(key, bookingId, later);
    const check = (expires: string | undefined, signature: string | undefined) =>
      checkTicketLink(key, bookingId, { expires, signature }, now);
    expect(check(String(link.expires + 3600), link.signature)).toBe("forged");
    expect(check(String(link.expires), undefined)).toBe("forged");
    expect(check(undefined, link.signature)).toBe("forged");
    expect(check("soon", link.signature)).toBe("forged");
    expect(check(String(link.expires), `${link.signature.slice(0, -2)}AA`)).toBe("forged");
    const other = signTicketLink(ticketLinkKey("o".repeat(48)), bookingId, later);
    expect(check(String(other.expires), other.signature)).toBe("forged");
    // Its key is not the QR payload's key, though both come from the one master secret.
    expect(ticketLinkKey("m".repeat(48)).equals(ticketSecret("m".repeat(48)))).toBe(false);
  });
});
