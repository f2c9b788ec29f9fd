import type { ErrorCode, WireError } from '../../preload/contract/index.js';
import { redactText } from './log.js';

/**
 * An error whose message is already written for the user. Every boundary throws these; anything
 * else reaching the contract is a bug and is reported as `internal` without its details.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.hint = options?.hint;
  }
}

/** Maps anything thrown to the wire shape, once, at the contract boundary. */
export function toWireError(error: unknown): WireError {
  if (error instanceof AppError) {
    const wire: WireError = { code: error.code, message: redactText(error.message) };
    if (error.hint) wire.hint = redactText(error.hint);
    return wire;
  }
  return { code: 'internal', message: 'Slicewise hit an internal error; the log has the details.' };
}
