import { type ErrorCode, errorTable } from "@boxoffice/contracts";

/** A failure the caller can act on. Its code picks the HTTP status from the contracts' error table. */
export class AppError extends Error {
  override readonly name = "AppError";
  constructor(
    readonly code: ErrorCode,
    message: string = errorTable[code].message,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
