import { type ErrorCode, errorTable } from "@boxoffice/contracts";

/**
 * A failure the caller can act on. Its code picks the HTTP status from the contracts' error table; code,
 * message and details are what the caller is told. `logDetail` is for the operator only (a payment
 * provider's own error text, which may name its internals or echo what we sent): the API's error body
 * never reads it, and the log prints it inside `err` with the request id.
 */
export class AppError extends Error {
  override readonly name = "AppError";
  constructor(
    readonly code: ErrorCode,
    message: string = errorTable[code].message,
    readonly details?: Record<string, unknown>,
    readonly logDetail?: string,
  ) {
    // An AppError is an answer, not a bug: skip capturing a stack (a lost seat race throws one per 409,
    // and formatting stacks through source maps showed up in the hold benchmark's profile).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

/**
 * 400 VALIDATION_FAILED naming one field, shaped like a schema failure (`details.issues`), so a client
 * reads a rule checked in a use case the same way as one checked by the contract.
 */
export function invalidField(path: string, message: string, summary = `Invalid input: ${path}`): AppError {
  return new AppError("VALIDATION_FAILED", summary, { issues: [{ path, message, code: "custom" }] });
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
