import { createHmac, timingSafeEqual } from "node:crypto";

export function hmacHex(secret: string, message: string): string {
  return createHmac("sha256", secret).update(message).digest("hex");
}

/** Timing-safe check of a hex HMAC-SHA256; anything malformed is simply wrong, never an exception. */
export function verifyHmacHex(secret: string, message: string, signature: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(signature)) {
    return false;
  }
  const expected = Buffer.from(hmacHex(secret, message), "hex");
  return timingSafeEqual(expected, Buffer.from(signature.toLowerCase(), "hex"));
}
