import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

/**
 * What a ticket's QR code vouches for: staff at the door verify it offline with the ticket key and
 * compare it with the showtime they are admitting to.
 */
export interface TicketClaims {
  bookingId: string;
  reference: string;
  showtimeId: string;
  seatIds: string[];
}

/**
 * Format version 1: `BO1.` followed by base64url(body ‖ tag), where
 *
 * - body is the four fields in order, each string written as one length byte (0-254) and its UTF-8
 *   bytes, except a lowercase canonical UUID, which is the byte 0xFF and its 16 raw bytes; the seat
 *   list is a count byte (1-255) followed by that many strings. Nothing may follow the last seat.
 * - tag is HMAC-SHA256(key, "BO1." ‖ body) cut to its first 16 bytes (128 bits). The prefix is inside
 *   the MAC, so a later format can never be confused with this one.
 *
 * Binary rather than JSON keeps a 4-seat ticket near 100 characters, a QR code of version 7 or so at
 * medium error correction, which a phone camera reads easily off a screen or paper.
 */
export const TICKET_PAYLOAD_PREFIX = "BO1.";

const TAG_BYTES = 16;
const UUID_MARK = 0xff;
const MAX_STRING_BYTES = 254;
const MAX_SEATS = 255;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const PREFIX_BYTES = Buffer.from(TICKET_PAYLOAD_PREFIX, "ascii");

export type TicketKey = string | Uint8Array;

/**
 * The key that signs tickets, derived from a master secret (HKDF-SHA256 with its own label), so it is
 * never the key that signs access tokens or hashes refresh tokens, even when they share the master.
 */
export function ticketSecret(masterSecret: TicketKey): Buffer {
  if (masterSecret.length === 0) {
    throw new RangeError("ticketSecret: the master secret is empty");
  }
  return Buffer.from(hkdfSync("sha256", masterSecret, "boxoffice", "ticket-qr-v1", 32));
}

/** The QR payload for a booking. Throws RangeError on input no ticket can carry (empty or too long). */
export function signTicket(claims: TicketClaims, secret: TicketKey): string {
  if (secret.length === 0) {
    throw new RangeError("signTicket: the secret is empty");
  }
  const { bookingId, reference, showtimeId, seatIds } = claims;
  if (seatIds.length === 0 || seatIds.length > MAX_SEATS) {
    throw new RangeError(`signTicket: a ticket carries 1 to ${MAX_SEATS} seats, not ${seatIds.length}`);
  }
  const parts: Buffer[] = [];
  const put = (field: string, value: string) => {
    if (value.length === 0) {
      throw new RangeError(`signTicket: ${field} is empty`);
    }
    if (UUID.test(value)) {
      parts.push(Buffer.of(UUID_MARK), Buffer.from(value.replaceAll("-", ""), "hex"));
      return;
    }
    const bytes = Buffer.from(value, "utf8");
    if (bytes.length > MAX_STRING_BYTES) {
      throw new RangeError(`signTicket: ${field} is longer than ${MAX_STRING_BYTES} bytes`);
    }
    parts.push(Buffer.of(bytes.length), bytes);
  };
  put("bookingId", bookingId);
  put("reference", reference);
  put("showtimeId", showtimeId);
  parts.push(Buffer.of(seatIds.length));
  for (const seatId of seatIds) {
    put("a seat id", seatId);
  }
  const body = Buffer.concat(parts);
  return TICKET_PAYLOAD_PREFIX + Buffer.concat([body, tag(secret, body)]).toString("base64url");
}

/**
 * The claims of a payload this key signed, or undefined for anything else: another key, a changed
 * byte, a cut-off scan, another format, or garbage of any type. Never throws.
 */
export function verifyTicket(payload: unknown, secret: TicketKey): TicketClaims | undefined {
  try {
    if (typeof payload !== "string" || secret.length === 0 || !payload.startsWith(TICKET_PAYLOAD_PREFIX)) {
      return undefined;
    }
    const encoded = payload.slice(TICKET_PAYLOAD_PREFIX.length);
    // Buffer.from skips characters outside the alphabet, and two encodings can differ in unused
    // trailing bits: accept only the one canonical spelling of the bytes.
    if (!BASE64URL.test(encoded)) {
      return undefined;
    }
    const raw = Buffer.from(encoded, "base64url");
    if (raw.length <= TAG_BYTES || raw.toString("base64url") !== encoded) {
      return undefined;
    }
    const body = raw.subarray(0, raw.length - TAG_BYTES);
    if (!timingSafeEqual(raw.subarray(raw.length - TAG_BYTES), tag(secret, body))) {
      return undefined;
    }
    return decodeBody(body);
  } catch {
    return undefined;
  }
}

function tag(secret: TicketKey, body: Buffer): Buffer {
  return createHmac("sha256", secret).update(PREFIX_BYTES).update(body).digest().subarray(0, TAG_BYTES);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Parses a body whose tag already matched; still strict, so a bug in signing cannot yield odd claims. */
function decodeBody(body: Buffer): TicketClaims | undefined {
  let at = 0;
  const take = (n: number): Buffer | undefined => {
    if (at + n > body.length) {
      return undefined;
    }
    const bytes = body.subarray(at, at + n);
    at += n;
    return bytes;
  };
  const readByte = (): number | undefined => take(1)?.[0];
  const readString = (): string | undefined => {
    const len = readByte();
    if (len === undefined) {
      return undefined;
    }
    if (len === UUID_MARK) {
      const hex = take(16)?.toString("hex");
      if (hex === undefined) {
        return undefined;
      }
      return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join(
        "-",
      );
    }
    const bytes = take(len);
    return bytes && len > 0 ? utf8.decode(bytes) : undefined;
  };

  const bookingId = readString();
  const reference = readString();
  const showtimeId = readString();
  const count = readByte();
  if (bookingId === undefined || reference === undefined || showtimeId === undefined || !count) {
    return undefined;
  }
  const seatIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const seatId = readString();
    if (seatId === undefined) {
      return undefined;
    }
    seatIds.push(seatId);
  }
  return at === body.length ? { bookingId, reference, showtimeId, seatIds } : undefined;
}
