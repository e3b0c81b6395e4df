import { z } from "zod";

/**
 * The one table from domain error codes to HTTP statuses. The API's tRPC error formatter and its REST
 * responses both read it, so a code means the same status on every transport.
 */
export const errorTable = {
  VALIDATION_FAILED: { status: 400, message: "The request is not valid" },
  INVALID_JSON: { status: 400, message: "The request body is not valid JSON" },
  MALFORMED_REQUEST: { status: 400, message: "The request is not valid HTTP" },
  UNAUTHENTICATED: { status: 401, message: "Sign in to do this" },
  INVALID_CREDENTIALS: { status: 401, message: "Email or password is wrong" },
  INVALID_TOKEN: { status: 401, message: "The token is invalid or has expired" },
  INVALID_CODE: { status: 401, message: "The code is wrong or has expired" },
  FORBIDDEN: { status: 403, message: "You are not allowed to do this" },
  NOT_FOUND: { status: 404, message: "Not found" },
  METHOD_NOT_ALLOWED: { status: 405, message: "Method not allowed" },
  REQUEST_TIMEOUT: { status: 408, message: "The request took too long to arrive" },
  CONFLICT: { status: 409, message: "The request conflicts with the current state" },
  EMAIL_TAKEN: { status: 409, message: "An account with this email already exists" },
  PHONE_TAKEN: { status: 409, message: "An account with this phone number already exists" },
  SHOWTIME_OVERLAP: { status: 409, message: "The screen already has a showtime at that time" },
  HAS_DEPENDENTS: { status: 409, message: "Other records still depend on this one" },
  SEATS_IN_USE: { status: 409, message: "Seats of this showtime are held or sold" },
  SEATS_TAKEN: { status: 409, message: "Some of these seats were just taken" },
  SEATS_UNAVAILABLE: { status: 409, message: "Some of these seats are not for sale" },
  ORPHAN_SEAT: { status: 409, message: "This choice would leave a single empty seat between taken ones" },
  NO_SEATS_TOGETHER: { status: 409, message: "Not enough free seats together in one row" },
  SALES_CLOSED: { status: 409, message: "This showtime is not on sale" },
  HOLD_MAX_LIFETIME: {
    status: 409,
    message: "This hold cannot be extended past its maximum life: check out before it lapses",
  },
  HOLD_LIFETIME_EXCEEDED: {
    status: 409,
    message:
      "Your holds on this showtime have reached their maximum life: you may hold its seats again after a pause",
  },
  CANCELLATION_CLOSED: {
    status: 409,
    message: "The show has started: this booking can no longer be cancelled",
  },
  PAYMENT_PENDING: { status: 409, message: "The payment is not complete yet: try again shortly" },
  PAYMENT_REFUNDED: {
    status: 409,
    message: "The payment arrived after these seats were lost: it is being refunded in full",
  },
  PAYMENT_METHOD_DISABLED: { status: 409, message: "This payment method is not enabled here" },
  PAYMENT_FAILED: { status: 402, message: "The payment did not go through" },
  INVALID_SIGNATURE: { status: 400, message: "The signature does not match" },
  HOLD_EXPIRED: { status: 410, message: "This hold has expired: hold the seats again" },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: "This Idempotency-Key was used with a different request" },
  GONE: { status: 410, message: "This no longer exists" },
  PAYLOAD_TOO_LARGE: { status: 413, message: "The request body is too large" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: "Send the body as application/json" },
  HEADERS_TOO_LARGE: { status: 431, message: "The request line or headers are too large" },
  OTP_LOCKED: { status: 429, message: "Too many wrong codes: request a new one" },
  RATE_LIMITED: { status: 429, message: "Too many requests: slow down" },
  INTERNAL: { status: 500, message: "Something went wrong on our side" },
  PAYMENT_PROVIDER_ERROR: { status: 502, message: "The payment provider did not answer: try again" },
  UNAVAILABLE: { status: 503, message: "The service is not ready" },
  SMS_UNAVAILABLE: {
    status: 503,
    message: "Phone sign-in is off here: no SMS provider is configured. Sign in with email and password",
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorTable;
export const errorCodes = Object.keys(errorTable) as [ErrorCode, ...ErrorCode[]];
export const ErrorCodeSchema = z.enum(errorCodes);

export const ValidationIssueSchema = z.object({
  path: z.string().meta({ description: "Dotted path of the field, empty for the whole body" }),
  message: z.string(),
  code: z.string(),
});
export type ValidationIssue = z.infer<typeof ValidationIssueSchema>;

export const ErrorObjectSchema = z
  .object({
    code: ErrorCodeSchema,
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: "ErrorObject" });
export type ErrorObject = z.infer<typeof ErrorObjectSchema>;

/** The body of every REST error response. */
export const ErrorBodySchema = z.object({ error: ErrorObjectSchema }).meta({ id: "ErrorBody" });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export function statusOf(code: ErrorCode): number {
  return errorTable[code].status;
}
