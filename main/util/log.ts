/**
 * Levelled logger that redacts credentials before anything is written. Tokens have leaked through
 * client logs before (CVE-2019-11250, CVE-2020-8565), so redaction is structural (keys) and textual
 * (bearer tokens, PEM keys, JWTs), and HTTP headers are never logged at all.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const SECRET_KEY = /token|password|secret|client-key|clientkey|id-token|refresh-token|authorization|cookie|credential/i;
const SECRET_TEXT: ReadonlyArray<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[redacted private key]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[redacted jwt]'],
  [/([?&](token|access_token|password)=)[^&\s]+/gi, '$1[redacted]'],
];

/** Removes anything that looks like a credential from a string. */
export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of SECRET_TEXT) result = result.replace(pattern, replacement);
  return result;
}

/** Deep copy of `value` with secret-looking keys masked and secret-looking strings redacted. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[too deep]';
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Error) return redactText(`${value.name}: ${value.message}`);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  if (value && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      result[key] = SECRET_KEY.test(key) ? '[redacted]' : redactValue(inner, depth + 1);
    }
    return result;
  }
  return value;
}

export interface LogSink {
  write(line: string): void;
}

export class Logger {
  readonly #sink: LogSink;
  readonly #minLevel: LogLevel;
  readonly #scope: string;

  constructor(sink: LogSink, minLevel: LogLevel = 'info', scope = 'slicewise') {
    this.#sink = sink;
    this.#minLevel = minLevel;
    this.#scope = scope;
  }

  child(scope: string): Logger {
    return new Logger(this.#sink, this.#minLevel, `${this.#scope}:${scope}`);
  }

  debug(message: string, detail?: unknown): void {
    this.#log('debug', message, detail);
  }
  info(message: string, detail?: unknown): void {
    this.#log('info', message, detail);
  }
  warn(message: string, detail?: unknown): void {
    this.#log('warn', message, detail);
  }
  error(message: string, detail?: unknown): void {
    this.#log('error', message, detail);
  }

  #log(level: LogLevel, message: string, detail: unknown): void {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[this.#minLevel]) return;
    let line = `${new Date().toISOString()} ${level.toUpperCase()} [${this.#scope}] ${redactText(message)}`;
    if (detail !== undefined) line += ` ${JSON.stringify(redactValue(detail))}`;
    this.#sink.write(line);
  }
}

/** Writes to stderr, so that stdout stays clean for command output and the "ready" line. */
export const stderrSink: LogSink = { write: (line) => process.stderr.write(`${line}\n`) };

/** Discards everything; for tests and for the CLI's quiet commands. */
export const nullSink: LogSink = { write: () => undefined };

export function levelFromEnv(value: string | undefined): LogLevel {
  return value === 'debug' || value === 'info' || value === 'warn' || value === 'error' ? value : 'warn';
}
