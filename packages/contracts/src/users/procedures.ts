import { z } from "zod";
import { IdSchema, PhoneSchema } from "../common.ts";
import { contract } from "../meta.ts";
import { UserSchema } from "./user.ts";

export const NameSchema = z.string().trim().min(1, { error: "must not be empty" }).max(100);

export const getMe = contract({
  meta: {
    openapi: { method: "GET", path: "/users/me", summary: "Your profile", tags: ["users"], protect: true },
  },
  input: z.void(),
  output: UserSchema,
});

export const UpdateMeInputSchema = z
  .strictObject({
    name: NameSchema.optional(),
    phone: PhoneSchema.nullable().optional(),
    prefs: z.strictObject({ email: z.boolean().optional(), sms: z.boolean().optional() }).optional(),
  })
  .meta({ id: "UpdateMeInput" });
export type UpdateMeInput = z.infer<typeof UpdateMeInputSchema>;

export const updateMe = contract({
  meta: {
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
