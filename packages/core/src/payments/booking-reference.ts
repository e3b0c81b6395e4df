import { randomInt } from "node:crypto";

// No 0/O, 1/I/L: a reference is read out loud at a counter and typed from a screenshot.
const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/** A booking reference such as BO-7K3P9Q: 31^6 ≈ 887 million of them; uniqueness is the database's job. */
export function newBookingReference(): string {
  let code = "";
  for (let i = 0; i < 6; i++) {
    code += ALPHABET[randomInt(ALPHABET.length)];
  }
  return `BO-${code}`;
}

export const BOOKING_REFERENCE_PATTERN = /^BO-[A-HJKMNP-Z2-9]{6}$/;
