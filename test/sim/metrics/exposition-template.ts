/**
 * A Prometheus text exposition (0.0.4) kept as a template: every line's bytes are remembered so a
 * payload can be re-rendered byte-identical except for sample values and timestamps. Used for the
 * recorded kubelet cAdvisor dumps and for every other recorded payload the simulator serves.
 * Format reference: prometheus/docs docs/instrumenting/exposition_formats.md (protocols.md §9.1).
 */

export interface TemplateSample {
  /** Metric name plus label block plus the separator before the value, verbatim. */
  readonly prefix: string;
  readonly name: string;
  /** `{...}` verbatim, or '' when the sample has no labels. */
  readonly labelsText: string;
  readonly value: number;
  /** Explicit sample timestamp (epoch ms), or null. */
  readonly tsMs: number | null;
  /** Separator between value and timestamp, verbatim (usually one space). */
  readonly tsSeparator: string;
  readonly family: number;
}

export interface TemplateFamily {
  readonly name: string;
  /** counter | gauge | histogram | summary | untyped */
  readonly type: string;
  /** HELP/TYPE/comment/blank lines before the samples, verbatim. */
  readonly header: string[];
  readonly samples: TemplateSample[];
}

export interface ExpositionTemplate {
  readonly families: TemplateFamily[];
  readonly sampleCount: number;
  /** Largest explicit timestamp in the payload (epoch ms), or null when no sample has one. */
  readonly maxTsMs: number | null;
  /** Comment/blank lines after the last sample, verbatim. */
  readonly trailer: string[];
}

const SUFFIXES = ['_total', '_bucket', '_sum', '_count', '_created', '_info'];

function belongsTo(sampleName: string, familyName: string): boolean {
  if (sampleName === familyName) return true;
  if (!sampleName.startsWith(familyName)) return false;
  return SUFFIXES.includes(sampleName.slice(familyName.length));
}

/** Index just past the closing `}` of a label block starting at `open`, honouring quotes and escapes. */
function labelBlockEnd(line: string, open: number): number {
  let inQuotes = false;
  for (let i = open + 1; i < line.length; i++) {
    const ch = line.charCodeAt(i);
    if (inQuotes) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inQuotes = false;
    } else if (ch === 34) inQuotes = true;
    else if (ch === 125 /* } */) return i + 1;
  }
  throw new Error(`unterminated label block: ${line.slice(0, 120)}`);
}

/** Parses a text exposition into a template. Throws on lines that are not comments or samples. */
export function parseExposition(text: string): ExpositionTemplate {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const families: TemplateFamily[] = [];
  let pendingHeader: string[] = [];
  let pendingName: string | null = null;
  let pendingType = 'untyped';
  let current: { name: string; type: string; header: string[]; samples: TemplateSample[] } | null = null;
  let maxTsMs: number | null = null;
  let sampleCount = 0;

  const openFamily = (name: string, type: string) => {
    current = { name, type, header: pendingHeader, samples: [] };
    families.push(current);
    pendingHeader = [];
    pendingName = null;
    pendingType = 'untyped';
  };

  for (const line of lines) {
    if (line.startsWith('#') || line.trim() === '') {
      const match = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(\S+))?/.exec(line);
      if (match) {
        const [, keyword, name, type] = match;
        if (pendingName !== null && pendingName !== name) {
          // A HELP/TYPE block for a family with no samples: keep it as its own family.
          openFamily(pendingName, pendingType);
        }
        pendingName = name;
        if (keyword === 'TYPE' && type) pendingType = type;
      }
      pendingHeader.push(line);
      continue;
    }
    const brace = line.indexOf('{');
    const space = line.search(/[ \t]/);
    let nameEnd: number;
    let labelsEnd: number;
    if (brace >= 0 && (space < 0 || brace < space)) {
      nameEnd = brace;
      labelsEnd = labelBlockEnd(line, brace);
    } else {
      if (space < 0) throw new Error(`sample without value: ${line.slice(0, 120)}`);
      nameEnd = space;
      labelsEnd = space;
    }
    const name = line.slice(0, nameEnd);
    const rest = /^([ \t]+)(\S+)(?:([ \t]+)(\S+))?[ \t]*$/.exec(line.slice(labelsEnd));
    if (!rest) throw new Error(`cannot parse sample: ${line.slice(0, 120)}`);
    const [, separator, valueText, tsSeparator, tsText] = rest;
    if (pendingName !== null) {
      openFamily(pendingName, pendingType);
    } else if (!current || !belongsTo(name, (current as { name: string }).name) || pendingHeader.length > 0) {
      openFamily(name, 'untyped');
    }
    const family = current as unknown as { name: string; type: string; header: string[]; samples: TemplateSample[] };
    const tsMs = tsText === undefined ? null : Number(tsText);
    if (tsMs !== null && (maxTsMs === null || tsMs > maxTsMs)) maxTsMs = tsMs;
    family.samples.push({
      prefix: line.slice(0, labelsEnd) + separator,
      name,
      labelsText: line.slice(nameEnd, labelsEnd),
      value: parseGoFloat(valueText),
      tsMs,
      tsSeparator: tsSeparator ?? ' ',
      family: families.length - 1,
    });
    sampleCount++;
  }
  if (pendingName !== null) openFamily(pendingName, pendingType);
  return { families, sampleCount, maxTsMs, trailer: pendingHeader };
}

/** Go's ParseFloat spellings used in expositions (`+Inf`, `-Inf`, `NaN`, exponents). */
export function parseGoFloat(text: string): number {
  switch (text) {
    case '+Inf':
    case 'Inf':
    case '+inf':
    case 'inf':
      return Infinity;
    case '-Inf':
    case '-inf':
      return -Infinity;
    case 'NaN':
    case 'nan':
      return NaN;
    default: {
      const value = Number(text);
      if (Number.isNaN(value)) throw new Error(`not a number: ${text}`);
      return value;
    }
  }
}

/**
 * Formats a float like Go's `strconv.FormatFloat(v, 'g', -1, 64)`, which client_golang's text
 * encoder uses: shortest round-trip digits, exponent form when the decimal exponent is < -4 or
 * >= 6 (so 12345678 prints as 1.2345678e+07, as in the kubelet dumps), at least two exponent digits.
 * Source: golang/go src/strconv/ftoa.go (%e/%f choice, `eprec = 6` when shortest).
 */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const exponential = value.toExponential();
  const at = exponential.indexOf('e');
  const exponent = Number(exponential.slice(at + 1));
  if (exponent < -4 || exponent >= 6) {
    const mantissa = exponential.slice(0, at);
    const sign = exponent < 0 ? '-' : '+';
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(value);
}

/** Label pairs of a `{...}` block, unescaped, in their original order. */
export function parseLabels(labelsText: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (!labelsText) return pairs;
  let i = 1;
  const end = labelsText.length - 1;
  while (i < end) {
    while (i < end && (labelsText[i] === ',' || labelsText[i] === ' ')) i++;
    if (i >= end) break;
    const eq = labelsText.indexOf('=', i);
    const name = labelsText.slice(i, eq).trim();
    i = eq + 1;
    while (labelsText[i] === ' ') i++;
    if (labelsText[i] !== '"') throw new Error(`bad label block: ${labelsText.slice(0, 120)}`);
    i++;
    let value = '';
    while (i < end && labelsText[i] !== '"') {
      if (labelsText[i] === '\\') {
        const next = labelsText[i + 1];
        value += next === 'n' ? '\n' : next;
        i += 2;
      } else {
        value += labelsText[i++];
      }
    }
    i++;
    pairs.push([name, value]);
  }
  return pairs;
}

/** Escapes a label value for the text format (backslash, double quote, newline). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** `{a="b",c="d"}` (or '' for no labels). */
export function formatLabels(pairs: ReadonlyArray<readonly [string, string]>): string {
  if (pairs.length === 0) return '';
  return `{${pairs.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

/** One label's value from a label block, or undefined (cheap: no full parse). */
export function labelValue(labelsText: string, label: string): string | undefined {
  for (const [name, value] of parseLabels(labelsText)) if (name === label) return value;
  return undefined;
}
