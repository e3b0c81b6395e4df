import { z } from "zod";
import { IdSchema, RoleSchema } from "../common.ts";

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
