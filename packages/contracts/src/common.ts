import { z } from "zod";

export const IdSchema = z.uuid({ error: "must be a UUID" });

/** Whether the text holds a C0 control character or DEL, apart from the ones `allowed`. */
function hasControlCharacter(value: string, allowed = ""): boolean {
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    if ((code < 32 || code === 127) && !allowed.includes(ch)) {
      return true;
    }
  }
  return false;
}

/**
 * Half of a surrogate pair on its own: not a character at all. PostgreSQL refuses it in JSON columns
 * (`\ud800` is invalid JSON text there) and a text column would silently store U+FFFD instead.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** One line of text people typed: trimmed, not empty, no control characters (PostgreSQL refuses NUL). */
export function lineOfText(max: number) {
  return z
    .string()
    .trim()
    .min(1, { error: "must not be empty" })
    .max(max, { error: `must be at most ${max} characters` })
    .refine((v) => !hasControlCharacter(v), { error: "must not contain control characters" })
    .refine((v) => !LONE_SURROGATE.test(v), { error: "must be valid Unicode text" });
}

/** Free text that may span lines (tabs and newlines allowed, other control characters not). */
export function paragraphOfText(max: number) {
  return z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    .refine((v) => !hasControlCharacter(v, "\n\r\t"), { error: "must not contain control characters" })
    .refine((v) => !LONE_SURROGATE.test(v), { error: "must be valid Unicode text" });
}

export const EmailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ error: "must be an email address" }))
  .transform((email) => email.toLowerCase());

export const PhoneSchema = z
  .string()
  .trim()
  .regex(/^\+[1-9]\d{7,14}$/, { error: "must be an E.164 phone number such as +919812345678" });

export const PasswordSchema = z
  .string()
  .min(8, { error: "must be at least 8 characters" })
  .max(128, { error: "must be at most 128 characters" });

export const OtpCodeSchema = z.string().regex(/^\d{6}$/, { error: "must be 6 digits" });

export const RoleSchema = z.enum(["user", "staff", "admin"]);
export type Role = z.infer<typeof RoleSchema>;

export const OkSchema = z.object({ ok: z.literal(true) });

/** A calendar day, `YYYY-MM-DD`, that really exists (no 2026-02-30). */
export const LocalDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a date as YYYY-MM-DD" })
  .refine(
    (value) => {
      const [y, m, d] = value.split("-").map(Number) as [number, number, number];
      const date = new Date(Date.UTC(y, m - 1, d));
      return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
    },
    { error: "is not a real calendar date" },
  );

/** An instant with an explicit offset, such as 2026-11-24T18:30:00+05:30 or 2026-11-24T13:00:00Z. */
export const InstantSchema = z.iso
  .datetime({ offset: true, error: "must be an ISO 8601 date-time with an offset" })
  .refine(
    (value) => {
      const year = new Date(value).getUTCFullYear();
      return year >= 2000 && year <= 2100;
    },
    { error: "must be between the years 2000 and 2100" },
  );

export const TimeZoneSchema = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return tz.includes("/") || tz === "UTC";
    } catch {
      return false;
    }
  },
  { error: "must be an IANA time zone such as Asia/Kolkata" },
);

export const CurrencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, { error: "must be an ISO 4217 code such as INR" });

/** Money is always integer minor units (paise for INR). */
export const MinorUnitsSchema = z
  .number()
  .int({ error: "must be whole minor units (paise)" })
  .min(0)
  .max(10_000_000);

export const PagingInputSchema = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
};

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  });
}

/** `true` or `false` in a query string (tRPC clients send the same strings, so both transports agree). */
export const QueryBooleanSchema = z
  .enum(["true", "false"], { error: "must be true or false" })
  .transform((v) => v === "true");
