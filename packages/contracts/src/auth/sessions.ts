import { z } from "zod";
import { EmailSchema, OkSchema, OtpCodeSchema, PasswordSchema, PhoneSchema } from "../common.ts";
import { contract } from "../meta.ts";
import { NameSchema, UserSchema } from "../users/users.ts";

const credentialFields = {
  email: EmailSchema.optional(),
  password: PasswordSchema.optional(),
  phone: PhoneSchema.optional(),
  code: OtpCodeSchema.optional(),
};

interface CredentialFields {
  email?: string | undefined;
  password?: string | undefined;
  phone?: string | undefined;
  code?: string | undefined;
}

/** Either email + password or phone + a code sent by `otp/request`; never both, never half of one. */
function requireOneCredential(value: CredentialFields, ctx: z.RefinementCtx): void {
  const byEmail = value.email !== undefined || value.password !== undefined;
  const byPhone = value.phone !== undefined || value.code !== undefined;
  if (byEmail && byPhone) {
    ctx.addIssue({ code: "custom", path: ["phone"], message: "use either email + password or phone + code" });
    return;
  }
  if (!byEmail && !byPhone) {
    ctx.addIssue({
      code: "custom",
      path: ["email"],
      message: "email + password or phone + code is required",
    });
    return;
  }
  const fields: Array<keyof CredentialFields> = byEmail ? ["email", "password"] : ["phone", "code"];
  for (const field of fields) {
    if (value[field] === undefined) {
      ctx.addIssue({ code: "custom", path: [field], message: "is required" });
    }
  }
}

export const RegisterInputSchema = z
  .strictObject({ name: NameSchema.optional(), ...credentialFields })
  .superRefine(requireOneCredential)
  .meta({ id: "RegisterInput" });
export type RegisterInput = z.infer<typeof RegisterInputSchema>;

export const LoginInputSchema = z
  .strictObject({
    ...credentialFields,
    deviceToken: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .meta({
        description:
          "The `deviceToken` an earlier password sign-in on this device returned (browsers send the " +
          "httpOnly `boxoffice_device` cookie instead): it lets this device keep signing in while others " +
          "are guessing the account's password",
      }),
  })
  .superRefine(requireOneCredential)
  .meta({ id: "LoginInput" });
export type LoginInput = z.infer<typeof LoginInputSchema>;

export const SessionSchema = z
  .object({
    accessToken: z.string().meta({ description: "JWT for `Authorization: Bearer`" }),
    accessTokenExpiresAt: z.iso.datetime(),
    refreshToken: z.string().meta({ description: "Opaque; rotated on every refresh" }),
    refreshTokenExpiresAt: z.iso.datetime(),
    deviceToken: z
      .string()
      .optional()
      .meta({
        description:
          "Email sign-ins only: send it as `deviceToken` with this device's later sign-ins (a browser also " +
          "gets it as the httpOnly `boxoffice_device` cookie), so the account's owner is let in even while " +
          "strangers have used up its budget of wrong passwords",
      }),
    user: UserSchema,
  })
  .meta({ id: "Session" });
export type Session = z.infer<typeof SessionSchema>;

export const register = contract({
  meta: {
    errors: ["EMAIL_TAKEN", "PHONE_TAKEN", "INVALID_CODE", "OTP_LOCKED", "RATE_LIMITED", "SMS_UNAVAILABLE"],
    openapi: {
      method: "POST",
      path: "/auth/register",
      summary: "Create an account with email + password, or phone + OTP code",
      tags: ["auth"],
      protect: false,
    },
    successStatus: 201,
  },
  input: RegisterInputSchema,
  output: SessionSchema,
});

export const login = contract({
  meta: {
    errors: ["INVALID_CREDENTIALS", "INVALID_CODE", "OTP_LOCKED", "RATE_LIMITED", "SMS_UNAVAILABLE"],
    openapi: {
      method: "POST",
      path: "/auth/login",
      summary: "Sign in with email + password, or phone + OTP code",
      tags: ["auth"],
      protect: false,
    },
  },
  input: LoginInputSchema,
  output: SessionSchema,
});

export const requestOtp = contract({
  meta: {
    errors: ["RATE_LIMITED", "SMS_UNAVAILABLE"],
    openapi: {
      method: "POST",
      path: "/auth/otp/request",
      summary: "Send a 6-digit sign-in code by SMS",
      description: "The code lasts 5 minutes and allows 5 wrong tries; a new request replaces older codes.",
      tags: ["auth"],
      protect: false,
    },
  },
  input: z.strictObject({ phone: PhoneSchema }),
  output: z.object({ ok: z.literal(true), expiresAt: z.iso.datetime() }),
});

const RefreshTokenInputSchema = z.strictObject({
  refreshToken: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .meta({ description: "Omit it to use the httpOnly `boxoffice_refresh` cookie instead" }),
});

export const refresh = contract({
  meta: {
    errors: ["INVALID_TOKEN", "FORBIDDEN", "RATE_LIMITED"],
    openapi: {
      method: "POST",
      path: "/auth/refresh",
      summary: "Trade a refresh token for a new token pair",
      description: "Each refresh token works once. Presenting a used one signs out its whole session family.",
      tags: ["auth"],
      protect: false,
    },
  },
  input: RefreshTokenInputSchema,
  output: SessionSchema,
});

export const logout = contract({
  meta: {
    errors: ["FORBIDDEN"],
    openapi: {
      method: "POST",
      path: "/auth/logout",
      summary: "Revoke a refresh token and its session",
      tags: ["auth"],
      protect: false,
    },
  },
  input: RefreshTokenInputSchema,
  output: OkSchema,
});
