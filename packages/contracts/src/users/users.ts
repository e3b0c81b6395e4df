import { z } from "zod";
import { IdSchema, lineOfText, OtpCodeSchema, PhoneSchema, RoleSchema } from "../common.ts";
import { contract } from "../meta.ts";

export const NotificationPrefsSchema = z
  .object({
    email: z.boolean().meta({ description: "Send booking emails" }),
    sms: z.boolean().meta({ description: "Send booking SMS" }),
  })
  .meta({ id: "NotificationPrefs" });
export type NotificationPrefs = z.infer<typeof NotificationPrefsSchema>;

export const UserSchema = z
  .object({
    id: IdSchema,
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    roles: z.array(RoleSchema),
    prefs: NotificationPrefsSchema,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "User" });
export type User = z.infer<typeof UserSchema>;

export const NameSchema = lineOfText(100);

export const getMe = contract({
  meta: {
    errors: ["NOT_FOUND"],
    openapi: { method: "GET", path: "/users/me", summary: "Your profile", tags: ["users"], protect: true },
  },
  input: z.void(),
  output: UserSchema,
});

export const UpdateMeInputSchema = z
  .strictObject({
    name: NameSchema.optional(),
    phone: PhoneSchema.nullable().optional().meta({
      description: "A new number needs `code`, sent to it by /auth/otp/request; null removes the phone",
    }),
    code: OtpCodeSchema.optional(),
    prefs: z.strictObject({ email: z.boolean().optional(), sms: z.boolean().optional() }).optional(),
  })
  .superRefine((value, ctx) => {
    // A phone number signs its owner in, so nobody may claim one without the code sent to it.
    if (typeof value.phone === "string" && value.code === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["code"],
        message: "is required to set a phone number: request one with /auth/otp/request",
      });
    }
    if (value.code !== undefined && typeof value.phone !== "string") {
      ctx.addIssue({ code: "custom", path: ["code"], message: "only goes with a new phone number" });
    }
  })
  .meta({ id: "UpdateMeInput" });
export type UpdateMeInput = z.infer<typeof UpdateMeInputSchema>;

export const updateMe = contract({
  meta: {
    errors: ["NOT_FOUND", "PHONE_TAKEN", "INVALID_CODE", "OTP_LOCKED", "SMS_UNAVAILABLE"],
    openapi: {
      method: "PATCH",
      path: "/users/me",
      summary: "Change your name, phone or notification preferences",
      description: "Roles can never be changed here; unknown fields are refused.",
      tags: ["users"],
      protect: true,
    },
  },
  input: UpdateMeInputSchema,
  output: UserSchema,
});

export const getUserById = contract({
  meta: {
    errors: ["FORBIDDEN", "NOT_FOUND"],
    openapi: {
      method: "GET",
      path: "/admin/users/{id}",
      summary: "Read any account (admin)",
      tags: ["admin"],
      protect: true,
    },
  },
  input: z.strictObject({ id: IdSchema }),
  output: UserSchema,
});
