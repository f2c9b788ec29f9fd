// A tiny PromQL subset for when no Prometheus is connected: `metric{matchers}` and
// `fn(selector[duration])` with fn ∈ rate, irate, increase. Syntax follows PromQL
// (prometheus/prometheus promql/parser/lex.go): matchers `=`, `!=`, `=~`, `!~`; strings in double or
// single quotes with Go escapes, or backquotes (raw); durations like `5m`, `1h30m`, `250ms`; blanks
// between tokens; a trailing comma in the matcher list.
import { AppError } from '../util/app-error.js';
import { compileMatcher, type LabelMatcher } from './matchers.js';

/** A parsed selector expression. */
export interface Selector {
  matchers: LabelMatcher[];
  /** The range function around the selector, if any. */
  fn?: 'rate' | 'irate' | 'increase';
  /** The `[duration]` of a range function, in ms. */
  rangeMs?: number;
}

const FUNCTIONS = ['rate', 'irate', 'increase'] as const;
const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/**
 * Parses `up{job="node"}` or `rate(container_cpu_usage_seconds_total{pod=~"api-.*"}[5m])`.
 * Throws `AppError('bad-request')` naming the column where reading failed.
 */
export function parseSelector(input: string): Selector {
  return new SelectorReader(input).read();
}

/** Parses a PromQL duration such as `1h30m` or `250ms` into ms; throws `AppError('bad-request')`. */
export function parseDuration(text: string): number {
  const reader = new SelectorReader(text);
  const ms = reader.duration();
  reader.end();
  return ms;
}

class SelectorReader {
  #pos = 0;

  constructor(readonly input: string) {}

  read(): Selector {
    this.#blank();
    const identifier = this.#identifier(/[a-zA-Z_:]/, /[a-zA-Z0-9_:]/);
    this.#blank();
    let selector: Selector;
    if (identifier !== '' && this.#peek() === '(' && (FUNCTIONS as readonly string[]).includes(identifier)) {
      this.#pos++;
      this.#blank();
      const matchers = this.#vectorSelector(this.#identifier(/[a-zA-Z_:]/, /[a-zA-Z0-9_:]/));
      this.#blank();
      this.#expect('[', 'a range like [5m] after the selector');
      this.#blank();
      const rangeMs = this.duration();
      this.#blank();
      this.#expect(']', '"]" after the duration');
      this.#blank();
      this.#expect(')', '")" to close the function call');
      selector = { matchers, fn: identifier as Selector['fn'], rangeMs };
    } else if (identifier !== '' && this.#peek() === '(') {
      throw this.#error(`unknown function "${identifier}" (supported without Prometheus: ${FUNCTIONS.join(', ')})`);
    } else {
      selector = { matchers: this.#vectorSelector(identifier) };
    }
    this.end();
    return selector;
  }

  end(): void {
    this.#blank();
    if (this.#pos < this.input.length) throw this.#error(`unexpected "${this.input[this.#pos]}"`);
  }

  duration(): number {
    const start = this.#pos;
    let total = 0;
    let parts = 0;
    for (;;) {
      const digits = /^[0-9]+/.exec(this.input.slice(this.#pos));
      if (!digits) break;
      this.#pos += digits[0].length;
      const unit = /^(ms|[smhdwy])/.exec(this.input.slice(this.#pos));
      if (!unit) throw this.#error('a duration unit (ms, s, m, h, d, w or y)');
      this.#pos += unit[0].length;
      total += Number(digits[0]) * DURATION_UNITS[unit[0]];
      parts++;
    }
    if (parts === 0) {
      this.#pos = start;
      throw this.#error('expected a duration like 5m');
    }
    if (total <= 0) throw this.#error('the duration must be greater than zero');
    return total;
  }

  #vectorSelector(name: string): LabelMatcher[] {
    const matchers: LabelMatcher[] = [];
    if (name !== '') matchers.push({ name: '__name__', op: '=', value: name });
    this.#blank();
    if (this.#peek() === '{') {
      this.#pos++;
      for (;;) {
        this.#blank();
        if (this.#peek() === '}') {
          this.#pos++;
          break;
        }
        const label = this.#identifier(/[a-zA-Z_]/, /[a-zA-Z0-9_]/);
        if (label === '') throw this.#error('expected a label name or "}"');
        this.#blank();
        const op = /^(=~|!~|!=|=)/.exec(this.input.slice(this.#pos));
        if (!op) throw this.#error(`expected =, !=, =~ or !~ after "${label}"`);
        this.#pos += op[0].length;
        this.#blank();
        const value = this.#string();
        const matcher: LabelMatcher = { name: label, op: op[0] as LabelMatcher['op'], value };
        compileMatcher(matcher);
        matchers.push(matcher);
        this.#blank();
        if (this.#peek() === ',') {
          this.#pos++;
          continue;
        }
        if (this.#peek() === '}') {
          this.#pos++;
          break;
        }
        throw this.#error('expected "," or "}"');
      }
    } else if (name === '') {
      throw this.#error('expected a metric name or "{"');
    }
    // PromQL: "vector selector must contain at least one non-empty matcher".
    const probe = matchers.map(compileMatcher);
    if (probe.every((test) => test({}))) {
      throw new AppError('bad-request', `The selector "${this.input}" would match every series; give a metric name or a matcher that needs a value.`);
    }
    return matchers;
  }

  #string(): string {
    const quote = this.#peek();
    if (quote === '`') {
      const end = this.input.indexOf('`', this.#pos + 1);
      if (end === -1) throw this.#error('unterminated raw string');
      const value = this.input.slice(this.#pos + 1, end);
      this.#pos = end + 1;
      return value;
    }
    if (quote !== '"' && quote !== "'") throw this.#error('expected a quoted string');
    let value = '';
    let i = this.#pos + 1;
    for (;;) {
      if (i >= this.input.length) {
        this.#pos = i;
        throw this.#error('unterminated string');
      }
      const c = this.input[i];
      if (c === quote) break;
      if (c !== '\\') {
        value += c;
        i++;
        continue;
      }
      const e = this.input[i + 1];
      const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"' };
      if (e !== undefined && e in simple) {
        value += simple[e];
        i += 2;
        continue;
      }
      const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (hex > 0) {
        const digits = this.input.slice(i + 2, i + 2 + hex);
        if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) {
          this.#pos = i;
          throw this.#error(`invalid \\${e} escape`);
        }
        value += String.fromCodePoint(parseInt(digits, 16));
        i += 2 + hex;
        continue;
      }
      const octal = this.input.slice(i + 1, i + 4);
      if (/^[0-7]{3}$/.test(octal)) {
        value += String.fromCharCode(parseInt(octal, 8));
        i += 4;
        continue;
      }
      this.#pos = i;
      throw this.#error(`unknown escape "\\${e ?? ''}"`);
    }
    this.#pos = i + 1;
    return value;
  }

  #identifier(first: RegExp, rest: RegExp): string {
    const start = this.#pos;
    if (this.#pos < this.input.length && first.test(this.input[this.#pos])) {
      this.#pos++;
      while (this.#pos < this.input.length && rest.test(this.input[this.#pos])) this.#pos++;
    }
    return this.input.slice(start, this.#pos);
  }

  #blank(): void {
    while (this.#pos < this.input.length && /\s/.test(this.input[this.#pos])) this.#pos++;
  }

  #peek(): string | undefined {
    return this.input[this.#pos];
  }

  #expect(char: string, what: string): void {
    if (this.#peek() !== char) throw this.#error(`expected ${what}`);
    this.#pos++;
  }

  #error(message: string): AppError {
    const found = this.#pos < this.input.length ? '' : ' (at the end)';
    return new AppError('bad-request', `Cannot read the selector at column ${this.#pos + 1}${found}: ${message}.`);
  }
}
