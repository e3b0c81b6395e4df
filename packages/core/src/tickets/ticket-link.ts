import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import type { TicketKey } from "./qr-payload.ts";

/** How long a ticket download link in an answer works: long enough to tap, short enough to leak little. */
export const TICKET_LINK_TTL_SECONDS = 15 * 60;

/**
 * The key that signs ticket download links, derived from the ticket master secret with a label of its own:
 * a link can never be read as a QR payload, nor a QR payload as a link.
 */
export function ticketLinkKey(masterSecret: TicketKey): Buffer {
  if (masterSecret.length === 0) {
    throw new RangeError("ticketLinkKey: the master secret is empty");
  }
  return Buffer.from(hkdfSync("sha256", masterSecret, "boxoffice", "ticket-link-v1", 32));
}

export interface TicketLink {
  /** Unix seconds after which the link no longer works. */
  expires: number;
  signature: string;
}

const mac = (key: Buffer, bookingId: string, expires: number) =>
  createHmac("sha256", key).update(`${bookingId}.${expires}`).digest();

/**
 * A link that opens one booking's ticket PDF with no token, so a page or an email can link it. Whoever
 * holds it can open that ticket until it expires, as whoever holds the PDF can.
 */
export function signTicketLink(key: Buffer, bookingId: string, expiresAt: Date): TicketLink {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return { expires, signature: mac(key, bookingId, expires).toString("base64url") };
}

/** "valid", or why not: a forged or altered link, or one past its time. */
export function checkTicketLink(
  key: Buffer,
  bookingId: string,
  link: { expires: string | undefined; signature: string | undefined },
  now: Date,
): "valid" | "forged" | "expired" {
  const expires = Number(link.expires);
  if (!link.signature || !Number.isSafeInteger(expires)) {
    return "forged";
  }
  const given = Buffer.from(link.signature, "base64url");
  const expected = mac(key, bookingId, expires);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return "forged";
  }
  return now.getTime() / 1000 > expires ? "expired" : "valid";
}
