import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit codes: 0 success, 1 the work failed (bad input file, unreachable target), 2 misuse. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface Command {
  name: string;
  /** One line for `slicewise --help`. */
  summary: string;
  /** Full usage text for `slicewise <name> --help`. */
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Thrown for bad flags or arguments; the entry prints the message and the usage, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `node:util` parseArgs with strict checking, turning its errors into `UsageError`. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '.') : String(error);
    throw new UsageError(message);
  }
}

/** Parses a decimal integer flag in [min, max] or throws a `UsageError` naming the flag. */
export function parseIntegerFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} must be a whole number, got "${value}".`);
  const number = Number(value);
  if (number < min || number > max) throw new UsageError(`--${flag} must be between ${min} and ${max}.`);
  return number;
}
