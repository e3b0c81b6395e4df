import { z } from "zod";

export const IdSchema = z.uuid({ error: "must be a UUID" });

/** Emails are compared case-insensitively, so they are stored and compared in lower case. */
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
