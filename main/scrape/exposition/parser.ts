// A cursor over one exposition (Prometheus text 0.0.4 or OpenMetrics 1.0 text), in the shape of
// Prometheus' textparse.Parser (model/textparse/interface.go): `next()` moves to the next entry and
// the fields describe it until the following call. Nothing is allocated per line except the label
// strings of a series whose raw text was not known already (see `tryKnownSeries`).
//
// Text 0.0.4 follows the Prometheus lexer (model/textparse/promlex.l and promparse.go, v2.x):
// blanks and tabs between tokens, trailing comma in label sets, `# HELP`/`# TYPE` lines, any
// other `#` line is a comment, a missing final newline is accepted (Prometheus appends one).
// OpenMetrics follows the 1.0 ABNF strictly (single spaces, `# EOF`, no blank lines, no other
// comments); the family-level rules (types, grouping, histograms) live in openmetrics-rules.ts.
import { parseNumber, parseRealNumber, parseTextTimestamp, secondsToMs } from './number.js';

/** The two exposition formats Slicewise reads. */
export type ExpositionFormat = 'text' | 'openmetrics';

/** A malformed exposition. `line` and `column` are 1-based; the column counts characters. */
export class ParseError extends Error {
  readonly line: number;
  readonly column: number;

  constructor(message: string, line: number, column: number) {
    super(message);
    this.name = 'ParseError';
    this.line = line;
    this.column = column;
  }
}

/** `next()` results. `ENTRY_END` means the input is exhausted. */
export const ENTRY_END = 0;
export const ENTRY_SERIES = 1;
export const ENTRY_HELP = 2;
export const ENTRY_TYPE = 3;
export const ENTRY_UNIT = 4;
export const ENTRY_COMMENT = 5;
/** OpenMetrics `# EOF`; the next call returns `ENTRY_END`. */
export const ENTRY_EOF = 6;

/** Metric types as written in `# TYPE` lines of each format. */
export const TEXT_TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'] as const;
export const OPENMETRICS_TYPES = ['counter', 'gauge', 'histogram', 'gaugehistogram', 'stateset', 'info', 'summary', 'unknown'] as const;

const LF = 10;
const TAB = 9;
const SPACE = 32;
const HASH = 35;
const QUOTE = 34;
const BACKSLASH = 92;
const EQUALS = 61;
const COMMA = 44;
const BRACE_OPEN = 123;
const BRACE_CLOSE = 125;

// Character classes for ASCII: bit 1 = metric name start [a-zA-Z_:], bit 2 = metric name char,
// bit 4 = label name start [a-zA-Z_], bit 8 = label name char [a-zA-Z0-9_].
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  const letter = /[a-zA-Z_]/.test(ch);
  const digit = /[0-9]/.test(ch);
  if (letter || ch === ':') CLASS[c] |= 1 | 2;
  if (digit) CLASS[c] |= 2 | 8;
  if (letter) CLASS[c] |= 4 | 8;
}
const METRIC_START = 1;
const METRIC_CHAR = 2;
const LABEL_START = 4;
const LABEL_CHAR = 8;

/** Line and column (1-based) of a character offset, counted only when an error is reported. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/** Undoes label-value escapes (`\\`, `\"`, `\n`); other backslashes are kept as written, as both formats' reference parsers do. */
export function unescapeLabelValue(raw: string): string {
  if (raw.indexOf('\\') === -1) return raw;
  return raw.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function unescapeHelp(raw: string, openMetrics: boolean): string {
  if (raw.indexOf('\\') === -1) return raw;
  // Text 0.0.4 escapes only `\\` and `\n` in HELP; OpenMetrics also `\"`.
  const pattern = openMetrics ? /\\(["\\n])/g : /\\([\\n])/g;
  return raw.replace(pattern, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** Counts Unicode code points (the OpenMetrics exemplar limit is in code points, not bytes). */
function codePoints(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** OpenMetrics: "combined length of the label names and values of an Exemplar's LabelSet MUST NOT exceed 128 UTF-8 character code points". */
const EXEMPLAR_MAX_CODE_POINTS = 128;

/**
 * Cursor over one exposition. Construct, then call `next()` until it returns `ENTRY_END`; a
 * malformed input throws `ParseError` from `next()` or `tryKnownSeries()`.
 */
export class ExpositionParser {
  readonly text: string;
  readonly format: ExpositionFormat;
  readonly isOpenMetrics: boolean;
  readonly #length: number;
  #pos = 0;
  #sawEof = false;

  /** Series entry: raw series text is `text.slice(keyStart, keyEnd)`; the metric name ends at `nameEnd`. */
  keyStart = 0;
  keyEnd = 0;
  nameEnd = 0;
  /** Number of labels of the current series; names and values are in the arrays below (reused). */
  labelCount = 0;
  readonly labelNames: string[] = [];
  readonly labelValues: string[] = [];
  /** Sample value of the current series entry. */
  value = 0;
  /** Explicit timestamp in epoch ms, or NaN when the line has none. */
  timestampMs = NaN;
  /** Whether the current series line carries an exemplar (OpenMetrics only). */
  hasExemplar = false;
  /** Start of the current line (for error positions reported by callers). */
  lineStart = 0;

  /** HELP/TYPE/UNIT entry: the family name and the (unescaped) text. */
  metaName = '';
  metaText = '';

  constructor(text: string, format: ExpositionFormat) {
    this.text = text;
    this.format = format;
    this.isOpenMetrics = format === 'openmetrics';
    this.#length = text.length;
  }

  /** Offset of the next unread character. */
  get position(): number {
    return this.#pos;
  }

  /** Raw series text of the current series entry (metric name and label set as written). */
  seriesKey(): string {
    return this.text.slice(this.keyStart, this.keyEnd);
  }

  /** Metric name of the current series entry. */
  metricName(): string {
    return this.text.slice(this.keyStart, this.nameEnd);
  }

  /** The current series' labels as an object, in input order. */
  labels(): Record<string, string> {
    const labels: Record<string, string> = {};
    for (let i = 0; i < this.labelCount; i++) labels[this.labelNames[i]] = this.labelValues[i];
    return labels;
  }

  /** A `ParseError` located at a character offset of this input. */
  errorAt(offset: number, message: string): ParseError {
    const { line, column } = lineColumnAt(this.text, offset);
    return new ParseError(message, line, column);
  }

  /**
   * Fast path for repeat scrapes: if the next line starts with `key` (the raw series text of a
   * series seen before) followed by a separator, consumes the line and returns true with `value`,
   * `timestampMs` and `hasExemplar` set. Label fields are not touched. Returns false, consuming
   * nothing, otherwise; the caller then uses `next()`.
   */
  tryKnownSeries(key: string): boolean {
    const start = this.#pos;
    const end = start + key.length;
    // slice + === is a memcmp against a flat key; String#startsWith is a per-character loop.
    if (this.text.slice(start, end) !== key) return false;
    let c = this.text.charCodeAt(end);
    if (c !== SPACE && (this.isOpenMetrics || c !== TAB)) return false;
    if (!this.isOpenMetrics && key.charCodeAt(key.length - 1) !== BRACE_CLOSE) {
      // A bare name followed by blanks and "{" is another series (`m {a="1"} 1`).
      let i = end;
      while (c === SPACE || c === TAB) c = this.text.charCodeAt(++i);
      if (c === BRACE_OPEN) return false;
    }
    this.lineStart = start;
    this.keyStart = start;
    this.keyEnd = end;
    this.#pos = this.isOpenMetrics ? this.#openMetricsTail(end) : this.#textTail(end);
    return true;
  }

  /** Moves to the next entry and returns its kind (`ENTRY_*`). */
  next(): number {
    return this.isOpenMetrics ? this.#nextOpenMetrics() : this.#nextText();
  }

  // ---------------------------------------------------------------------------------------------
  // Text 0.0.4

  #nextText(): number {
    const text = this.text;
    const length = this.#length;
    for (;;) {
      let i = this.#pos;
      let c = text.charCodeAt(i);
      while (c === SPACE || c === TAB) c = text.charCodeAt(++i);
      if (i >= length) {
        this.#pos = length;
        return ENTRY_END;
      }
      this.lineStart = i;
      if (c === LF) {
        this.#pos = i + 1;
        continue;
      }
      if (c === HASH) return this.#textComment(i);
      if (c < 128 && CLASS[c] & METRIC_START) {
        this.#series(i);
        this.#pos = this.#textTail(this.keyEnd);
        return ENTRY_SERIES;
      }
      throw this.errorAt(i, c === 0 ? 'unexpected NUL byte' : `expected a metric name, a comment or a blank line, got ${describeChar(c)}`);
    }
  }

  #textComment(hash: number): number {
    const text = this.text;
    let i = hash + 1;
    let c = text.charCodeAt(i);
    let lineEnd = text.indexOf('\n', i);
    if (lineEnd === -1) lineEnd = this.#length;
    if (c === SPACE || c === TAB) {
      while (c === SPACE || c === TAB) c = text.charCodeAt(++i);
      const isHelp = text.startsWith('HELP', i);
      const isType = !isHelp && text.startsWith('TYPE', i);
      const after = text.charCodeAt(i + 4);
      if ((isHelp || isType) && (after === SPACE || after === TAB)) {
        i += 4;
        c = text.charCodeAt(i);
        while (c === SPACE || c === TAB) c = text.charCodeAt(++i);
        const nameStart = i;
        if (!(c < 128 && CLASS[c] & METRIC_START)) throw this.errorAt(i, `expected a metric name after ${isHelp ? 'HELP' : 'TYPE'}`);
        while (i < lineEnd && (c = text.charCodeAt(i)) < 128 && CLASS[c] & METRIC_CHAR) i++;
        this.metaName = text.slice(nameStart, i);
        // promparse.go keeps the text after the one separator character that follows the name.
        const rest = i + 1 < lineEnd ? text.slice(i + 1, lineEnd) : '';
        this.#pos = lineEnd + 1;
        if (isHelp) {
          this.metaText = unescapeHelp(rest, false);
          return ENTRY_HELP;
        }
        if (!(TEXT_TYPES as readonly string[]).includes(rest)) {
          throw this.errorAt(i + 1, `invalid metric type "${rest}" (expected one of ${TEXT_TYPES.join(', ')})`);
        }
        this.metaText = rest;
        return ENTRY_TYPE;
      }
    }
    this.metaName = '';
    this.metaText = text.slice(hash, lineEnd);
    this.#pos = lineEnd + 1;
    return ENTRY_COMMENT;
  }

  #textTail(from: number): number {
    const text = this.text;
    const length = this.#length;
    let i = from;
    let c = text.charCodeAt(i);
    while (c === SPACE || c === TAB) c = text.charCodeAt(++i);
    const valueStart = i;
    while (i < length && c !== SPACE && c !== TAB && c !== LF && c !== BRACE_OPEN) c = text.charCodeAt(++i);
    if (i === valueStart) throw this.errorAt(i, 'expected a sample value');
    const value = parseNumber(text, valueStart, i);
    if (value === undefined) throw this.errorAt(valueStart, `invalid sample value "${text.slice(valueStart, i)}"`);
    this.value = value;
    this.hasExemplar = false;
    while (c === SPACE || c === TAB) c = text.charCodeAt(++i);
    if (i >= length || c === LF) {
      this.timestampMs = NaN;
      return i + 1;
    }
    const tsStart = i;
    while (i < length && c !== SPACE && c !== TAB && c !== LF) c = text.charCodeAt(++i);
    const timestamp = parseTextTimestamp(text, tsStart, i);
    if (timestamp === undefined) throw this.errorAt(tsStart, `invalid timestamp "${text.slice(tsStart, i)}" (expected integer milliseconds)`);
    this.timestampMs = timestamp;
    while (c === SPACE || c === TAB) c = text.charCodeAt(++i);
    if (i < length && c !== LF) throw this.errorAt(i, 'unexpected text after the timestamp');
    return i + 1;
  }

  // ---------------------------------------------------------------------------------------------
  // OpenMetrics 1.0

  #nextOpenMetrics(): number {
    const text = this.text;
    const i = this.#pos;
    if (this.#sawEof || i >= this.#length) {
      if (!this.#sawEof) throw this.errorAt(i, 'the exposition does not end with "# EOF" (OpenMetrics requires it; was the body cut off?)');
      return ENTRY_END;
    }
    this.lineStart = i;
    const c = text.charCodeAt(i);
    if (c === HASH) return this.#openMetricsComment(i);
    if (c < 128 && CLASS[c] & METRIC_START) {
      this.#series(i);
      this.#pos = this.#openMetricsTail(this.keyEnd);
      return ENTRY_SERIES;
    }
    if (c === LF) throw this.errorAt(i, 'blank lines are not allowed in OpenMetrics');
    throw this.errorAt(i, `expected a metric name or a # line, got ${describeChar(c)}`);
  }

  #openMetricsComment(hash: number): number {
    const text = this.text;
    const length = this.#length;
    if (text.startsWith('# EOF', hash)) {
      const after = hash + 5;
      if (after === length || (text.charCodeAt(after) === LF && after + 1 === length)) {
        this.#sawEof = true;
        this.#pos = length;
        return ENTRY_EOF;
      }
      throw this.errorAt(after, 'unexpected text after "# EOF"');
    }
    let kind = 0;
    if (text.startsWith('# HELP ', hash)) kind = ENTRY_HELP;
    else if (text.startsWith('# TYPE ', hash)) kind = ENTRY_TYPE;
    else if (text.startsWith('# UNIT ', hash)) kind = ENTRY_UNIT;
    else throw this.errorAt(hash, 'OpenMetrics allows only "# HELP", "# TYPE", "# UNIT" and "# EOF" lines starting with #');
    const lineEnd = text.indexOf('\n', hash);
    if (lineEnd === -1) throw this.errorAt(length, 'missing newline at the end of the line');
    let i = hash + 7;
    const nameStart = i;
    let c = text.charCodeAt(i);
    while (i < lineEnd && c < 128 && CLASS[c] & (i === nameStart ? METRIC_START : METRIC_CHAR)) c = text.charCodeAt(++i);
    if (i === nameStart) throw this.errorAt(i, 'expected a metric name');
    if (c !== SPACE) throw this.errorAt(i, 'expected a single space after the metric name');
    this.metaName = text.slice(nameStart, i);
    const rest = text.slice(i + 1, lineEnd);
    this.#pos = lineEnd + 1;
    if (kind === ENTRY_HELP) {
      this.metaText = unescapeHelp(rest, true);
    } else if (kind === ENTRY_TYPE) {
      if (!(OPENMETRICS_TYPES as readonly string[]).includes(rest)) {
        throw this.errorAt(i + 1, `invalid metric type "${rest}" (expected one of ${OPENMETRICS_TYPES.join(', ')})`);
      }
      this.metaText = rest;
    } else {
      this.metaText = rest;
    }
    return kind;
  }

  #openMetricsTail(from: number): number {
    const text = this.text;
    const length = this.#length;
    let i = from;
    if (text.charCodeAt(i) !== SPACE) throw this.errorAt(i, 'expected a single space before the value');
    const valueStart = ++i;
    let c = text.charCodeAt(i);
    while (i < length && c !== SPACE && c !== LF) c = text.charCodeAt(++i);
    const value = parseNumber(text, valueStart, i);
    if (value === undefined) throw this.errorAt(valueStart, `invalid sample value "${text.slice(valueStart, i)}"`);
    this.value = value;
    this.timestampMs = NaN;
    this.hasExemplar = false;
    if (i >= length) throw this.errorAt(i, 'missing newline at the end of the line');
    if (c === LF) return i + 1;
    i++;
    if (text.charCodeAt(i) !== HASH) {
      const tsStart = i;
      c = text.charCodeAt(i);
      while (i < length && c !== SPACE && c !== LF) c = text.charCodeAt(++i);
      const seconds = parseRealNumber(text, tsStart, i);
      if (seconds === undefined) throw this.errorAt(tsStart, `invalid timestamp "${text.slice(tsStart, i)}" (expected seconds)`);
      this.timestampMs = secondsToMs(seconds);
      if (i >= length) throw this.errorAt(i, 'missing newline at the end of the line');
      if (c === LF) return i + 1;
      i++;
      if (text.charCodeAt(i) !== HASH) throw this.errorAt(i, 'unexpected text after the timestamp');
    }
    return this.#exemplar(i);
  }

  /** Parses ` # {labels} value [timestamp]` from the `#`; returns the next line's start. */
  #exemplar(hash: number): number {
    const text = this.text;
    const length = this.#length;
    if (text.charCodeAt(hash + 1) !== SPACE || text.charCodeAt(hash + 2) !== BRACE_OPEN) {
      throw this.errorAt(hash, 'malformed exemplar (expected " # {labels} value [timestamp]")');
    }
    const names: string[] = [];
    const values: string[] = [];
    let i = this.#openMetricsLabels(hash + 3, names, values, 0);
    let chars = 0;
    for (let k = 0; k < names.length; k++) chars += names[k].length + codePoints(values[k]);
    if (chars > EXEMPLAR_MAX_CODE_POINTS) {
      throw this.errorAt(hash, `exemplar labels have ${chars} characters; OpenMetrics allows at most ${EXEMPLAR_MAX_CODE_POINTS}`);
    }
    if (text.charCodeAt(i) !== SPACE) throw this.errorAt(i, 'expected a space before the exemplar value');
    const valueStart = ++i;
    let c = text.charCodeAt(i);
    while (i < length && c !== SPACE && c !== LF) c = text.charCodeAt(++i);
    if (parseNumber(text, valueStart, i) === undefined) throw this.errorAt(valueStart, `invalid exemplar value "${text.slice(valueStart, i)}"`);
    if (c === SPACE && i < length) {
      const tsStart = ++i;
      c = text.charCodeAt(i);
      while (i < length && c !== SPACE && c !== LF) c = text.charCodeAt(++i);
      if (parseRealNumber(text, tsStart, i) === undefined) {
        throw this.errorAt(tsStart, `invalid exemplar timestamp "${text.slice(tsStart, i)}"`);
      }
    }
    if (i >= length || c !== LF) throw this.errorAt(i, i >= length ? 'missing newline at the end of the line' : 'unexpected text after the exemplar');
    this.hasExemplar = true;
    return i + 1;
  }

  // ---------------------------------------------------------------------------------------------
  // Series name and labels

  /** Reads the metric name and label set starting at `start`; sets key/name offsets and labels. */
  #series(start: number): void {
    const text = this.text;
    const length = this.#length;
    let i = start + 1;
    let c = text.charCodeAt(i);
    while (i < length && c < 128 && CLASS[c] & METRIC_CHAR) c = text.charCodeAt(++i);
    this.keyStart = start;
    this.nameEnd = i;
    this.labelCount = 0;
    if (!this.isOpenMetrics && (c === SPACE || c === TAB)) {
      // promlex.l: blanks may separate the name from "{" (`m {a="1"} 1`).
      let j = i;
      while (c === SPACE || c === TAB) c = text.charCodeAt(++j);
      if (c === BRACE_OPEN) i = j;
    }
    if (c === BRACE_OPEN) {
      i = this.isOpenMetrics
        ? this.#openMetricsLabels(i + 1, this.labelNames, this.labelValues, 1)
        : this.#textLabels(i + 1);
    }
    this.keyEnd = i;
  }

  /** Text 0.0.4 label set after `{`: blanks allowed between tokens, trailing comma allowed. */
  #textLabels(from: number): number {
    const text = this.text;
    const length = this.#length;
    const names = this.labelNames;
    const values = this.labelValues;
    let count = 0;
    let i = from;
    for (;;) {
      let c = text.charCodeAt(i);
      while (c === SPACE || c === TAB) c = text.charCodeAt(++i);
      if (c === BRACE_CLOSE) {
        this.labelCount = count;
        return i + 1;
      }
      if (i >= length) throw this.errorAt(i, 'unterminated label set (missing "}")');
      if (!(c < 128 && CLASS[c] & LABEL_START)) throw this.errorAt(i, `expected a label name or "}", got ${describeChar(c)}`);
      const nameStart = i;
      c = text.charCodeAt(++i);
      while (i < length && c < 128 && CLASS[c] & LABEL_CHAR) c = text.charCodeAt(++i);
      const name = text.slice(nameStart, i);
      while (c === SPACE || c === TAB) c = text.charCodeAt(++i);
      if (c !== EQUALS) throw this.errorAt(i, `expected "=" after label name "${name}"`);
      c = text.charCodeAt(++i);
      while (c === SPACE || c === TAB) c = text.charCodeAt(++i);
      if (c !== QUOTE) throw this.errorAt(i, `expected a quoted value for label "${name}"`);
      const valueStart = ++i;
      let escaped = false;
      for (;;) {
        if (i >= length) throw this.errorAt(valueStart - 1, `unterminated value for label "${name}"`);
        c = text.charCodeAt(i);
        if (c === QUOTE) break;
        if (c === BACKSLASH) {
          escaped = true;
          i += 2;
        } else {
          i++;
        }
      }
      const raw = text.slice(valueStart, i);
      i++;
      for (let k = 0; k < count; k++) {
        if (names[k] === name) throw this.errorAt(nameStart, `duplicate label name "${name}"`);
      }
      names[count] = name;
      values[count] = escaped ? unescapeLabelValue(raw) : raw;
      count++;
      c = text.charCodeAt(i);
      while (c === SPACE || c === TAB) c = text.charCodeAt(++i);
      // promparse.go: a comma is optional between pairs and allowed before "}".
      if (c === COMMA) i++;
    }
  }

  /**
   * OpenMetrics label set after `{` (strict: no blanks, no trailing comma, no raw newline in
   * values). Writes into `names`/`values`; `target` 1 sets `labelCount`. Returns the offset after `}`.
   */
  #openMetricsLabels(from: number, names: string[], values: string[], target: number): number {
    const text = this.text;
    const length = this.#length;
    let count = 0;
    let i = from;
    let c = text.charCodeAt(i);
    if (c === BRACE_CLOSE) {
      if (target) this.labelCount = 0;
      return i + 1;
    }
    for (;;) {
      if (!(c < 128 && CLASS[c] & LABEL_START)) {
        throw this.errorAt(i, i >= length ? 'unterminated label set (missing "}")' : `expected a label name, got ${describeChar(c)}`);
      }
      const nameStart = i;
      c = text.charCodeAt(++i);
      while (i < length && c < 128 && CLASS[c] & LABEL_CHAR) c = text.charCodeAt(++i);
      const name = text.slice(nameStart, i);
      if (c !== EQUALS) throw this.errorAt(i, `expected "=" after label name "${name}"`);
      if (text.charCodeAt(++i) !== QUOTE) throw this.errorAt(i, `expected a quoted value for label "${name}"`);
      const valueStart = ++i;
      let escaped = false;
      for (;;) {
        c = text.charCodeAt(i);
        if (i >= length || c === LF) throw this.errorAt(valueStart - 1, `unterminated value for label "${name}"`);
        if (c === QUOTE) break;
        if (c === BACKSLASH) {
          escaped = true;
          i += 2;
        } else {
          i++;
        }
      }
      const raw = text.slice(valueStart, i);
      i++;
      for (let k = 0; k < count; k++) {
        if (names[k] === name) throw this.errorAt(nameStart, `duplicate label name "${name}"`);
      }
      names[count] = name;
      values[count] = escaped ? unescapeLabelValue(raw) : raw;
      count++;
      c = text.charCodeAt(i);
      if (c === BRACE_CLOSE) {
        if (target) this.labelCount = count;
        else names.length = values.length = count;
        return i + 1;
      }
      if (c !== COMMA) throw this.errorAt(i, 'expected "," or "}" after a label value');
      c = text.charCodeAt(++i);
      if (c === BRACE_CLOSE) throw this.errorAt(i, 'trailing comma in label set (not allowed in OpenMetrics)');
    }
  }
}

function describeChar(c: number): string {
  if (Number.isNaN(c)) return 'the end of the input';
  if (c === LF) return 'a line break';
  if (c === TAB) return 'a tab';
  if (c === SPACE) return 'a space';
  if (c < 32 || c === 127) return `control character 0x${c.toString(16).padStart(2, '0')}`;
  return `"${String.fromCharCode(c)}"`;
}
