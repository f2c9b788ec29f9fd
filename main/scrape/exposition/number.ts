// Number grammar shared by Prometheus text 0.0.4 and OpenMetrics 1.0 sample values.
//
// Text 0.0.4 values go through Go's strconv.ParseFloat, minus the forms Prometheus rejects up front
// ('p', 'P' and '_' are refused: prometheus/prometheus model/textparse/promparse.go parseFloat). What
// remains is the same set the OpenMetrics ABNF allows (`number = realnumber / ["+"/"-"] ("inf" /
// "infinity") / "nan"`, case-insensitive): decimal with optional sign, fraction and exponent, plus
// the special words. So one function serves both formats.

const CH_0 = 48;
const CH_9 = 57;
const CH_PLUS = 43;
const CH_MINUS = 45;
const CH_DOT = 46;
const CH_E_LOWER = 101;
const CH_E_UPPER = 69;

/** Powers of ten that are exact doubles (10^22 is the largest), for the Clinger fast path. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * Parses `text[start, end)` as a sample value, or returns `undefined` when it is not one.
 *
 * Fast path (Clinger 1990): when the significant digits fit in 15 decimal digits and the decimal
 * exponent is within ±22, `m × 10^e` or `m / 10^-e` is a single correctly rounded operation on exact
 * operands, so it equals what `Number()` (and Go's ParseFloat) return. Anything else is validated
 * here and then handed to `Number()`, which is correctly rounded for this decimal grammar.
 */
export function parseNumber(text: string, start: number, end: number): number | undefined {
  if (start >= end) return undefined;
  let i = start;
  let c = text.charCodeAt(i);
  let negative = false;
  let signed = false;
  if (c === CH_PLUS || c === CH_MINUS) {
    negative = c === CH_MINUS;
    signed = true;
    if (++i === end) return undefined;
    c = text.charCodeAt(i);
  }
  if ((c >= CH_0 && c <= CH_9) || c === CH_DOT) {
    const value = parseDecimal(text, i, end);
    if (value === undefined) return undefined;
    return negative ? -value : value;
  }
  return parseSpecial(text, i, end, negative, signed);
}

/**
 * Parses `text[start, end)` as an OpenMetrics `realnumber` (no sign words, no NaN/Inf), or returns
 * `undefined`. Used for OpenMetrics timestamps and exemplar timestamps (float seconds).
 */
export function parseRealNumber(text: string, start: number, end: number): number | undefined {
  if (start >= end) return undefined;
  let i = start;
  const c = text.charCodeAt(i);
  let negative = false;
  if (c === CH_PLUS || c === CH_MINUS) {
    negative = c === CH_MINUS;
    i++;
  }
  const value = parseDecimal(text, i, end);
  if (value === undefined) return undefined;
  return negative ? -value : value;
}

/**
 * Parses a text-format timestamp: one or more ASCII digits (promlex.l `<sTimestamp>{D}+`), an int64
 * of milliseconds. Returns `undefined` when malformed or out of int64 range (Go ParseInt's error).
 */
export function parseTextTimestamp(text: string, start: number, end: number): number | undefined {
  const length = end - start;
  if (length <= 0) return undefined;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < CH_0 || c > CH_9) return undefined;
    value = value * 10 + (c - CH_0);
  }
  if (length > 15) {
    // Beyond 2^53 the digit loop accumulates rounding; Number() rounds once, correctly.
    const digits = text.slice(start, end).replace(/^0+/, '');
    if (digits.length > 19 || (digits.length === 19 && digits > '9223372036854775807')) return undefined;
    return Number(digits || '0');
  }
  return value;
}

/**
 * Converts OpenMetrics float seconds to integer milliseconds the way Prometheus does
 * (`int64(ts * 1000)`, i.e. truncation toward zero; model/textparse/openmetricsparse.go).
 */
export function secondsToMs(seconds: number): number {
  return Math.trunc(seconds * 1000);
}

function parseDecimal(text: string, start: number, end: number): number | undefined {
  let i = start;
  let mantissa = 0;
  let significant = 0;
  let exponent = 0;
  let digits = 0;
  let c = 0;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c < CH_0 || c > CH_9) break;
    digits++;
    if (significant === 0 && c === CH_0) continue;
    if (significant < 15) mantissa = mantissa * 10 + (c - CH_0);
    else exponent++;
    significant++;
  }
  if (i < end && c === CH_DOT) {
    for (i++; i < end; i++) {
      c = text.charCodeAt(i);
      if (c < CH_0 || c > CH_9) break;
      digits++;
      if (significant === 0 && c === CH_0) {
        exponent--;
        continue;
      }
      if (significant < 15) {
        mantissa = mantissa * 10 + (c - CH_0);
        exponent--;
      }
      significant++;
    }
  }
  if (digits === 0) return undefined;
  if (i < end) {
    c = text.charCodeAt(i);
    if (c !== CH_E_LOWER && c !== CH_E_UPPER) return undefined;
    i++;
    let expNegative = false;
    if (i < end) {
      c = text.charCodeAt(i);
      if (c === CH_PLUS || c === CH_MINUS) {
        expNegative = c === CH_MINUS;
        i++;
      }
    }
    if (i === end) return undefined;
    let explicit = 0;
    for (; i < end; i++) {
      c = text.charCodeAt(i);
      if (c < CH_0 || c > CH_9) return undefined;
      if (explicit < 100_000) explicit = explicit * 10 + (c - CH_0);
    }
    exponent += expNegative ? -explicit : explicit;
  }
  if (significant <= 15 && exponent >= -22 && exponent <= 22) {
    if (mantissa === 0) return 0;
    return exponent >= 0 ? mantissa * EXACT_POWERS_OF_TEN[exponent] : mantissa / EXACT_POWERS_OF_TEN[-exponent];
  }
  // The grammar is valid; Number() is correctly rounded for it. A leading sign was consumed by the
  // caller, so only the unsigned part is converted here.
  return Number(text.slice(start, end));
}

function parseSpecial(text: string, start: number, end: number, negative: boolean, signed: boolean): number | undefined {
  const length = end - start;
  if (length !== 3 && length !== 8) return undefined;
  const word = text.slice(start, end).toLowerCase();
  if (word === 'inf' || word === 'infinity') return negative ? -Infinity : Infinity;
  // Go's special() accepts "nan" only without a sign; so does the OpenMetrics ABNF.
  if (word === 'nan' && !signed) return NaN;
  return undefined;
}
