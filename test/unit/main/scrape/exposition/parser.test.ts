// The cursor parser on hand-written inputs: text 0.0.4 as Prometheus' lexer reads it (promlex.l),
// the number grammar (Go ParseFloat minus hex and underscores), escapes, and error positions.
import { describe, expect, it } from 'vitest';
import { ScrapeDecoder, readAnnounced } from '../../../../../main/scrape/exposition/decoder.js';
import { parseNumber, parseRealNumber, parseTextTimestamp, secondsToMs } from '../../../../../main/scrape/exposition/number.js';
import { ParseError } from '../../../../../main/scrape/exposition/parser.js';
import { formatFromContentType, readFamilies, readSamples } from '../../../../../main/scrape/exposition/samples.js';

function errorOf(run: () => unknown): ParseError {
  try {
    run();
  } catch (error) {
    if (error instanceof ParseError) return error;
    throw error;
  }
  throw new Error('expected a ParseError');
}

const num = (text: string) => parseNumber(text, 0, text.length);

describe('number grammar', () => {
  it('reads decimals exactly like Number() and Go ParseFloat', () => {
    for (const text of ['0', '-0', '1', '+1', '1.5', '.5', '5.', '1e3', '1E-3', '1.5e+10', '0.1', '123456789012345678', '1.7976931348623157e308', '5e-324', '0000001.2e-1', '3.14159265358979323846']) {
      expect(Object.is(num(text), Number(text)), text).toBe(true);
    }
    expect(Object.is(num('-0'), -0)).toBe(true);
  });

  it('reads the special words case-insensitively, NaN only without a sign', () => {
    expect(num('+Inf')).toBe(Infinity);
    expect(num('-inf')).toBe(-Infinity);
    expect(num('Infinity')).toBe(Infinity);
    expect(num('-INFINITY')).toBe(-Infinity);
    expect(num('NaN')).toBeNaN();
    expect(num('nan')).toBeNaN();
    expect(num('+NaN')).toBeUndefined();
    expect(num('infin')).toBeUndefined();
  });

  it('rejects what Prometheus rejects', () => {
    for (const text of ['', '+', '-', '.', 'e5', '1e', '1e+', '1.2.3', '1_000', '0x10', '0x1p-3', '1f', ' 1', '1 ', '--1']) {
      expect(num(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('reads timestamps: text int64 milliseconds, OpenMetrics float seconds truncated to ms', () => {
    const ts = (text: string) => parseTextTimestamp(text, 0, text.length);
    expect(ts('1700000000123')).toBe(1700000000123);
    expect(ts('9223372036854775807')).toBe(2 ** 63); // the nearest double
    expect(ts('9223372036854775808')).toBeUndefined();
    expect(ts('-5')).toBeUndefined();
    expect(ts('1.5')).toBeUndefined();
    const seconds = (text: string) => parseRealNumber(text, 0, text.length);
    expect(seconds('1.5e3')).toBe(1500);
    expect(seconds('Inf')).toBeUndefined();
    expect(secondsToMs(1.0015)).toBe(1001);
    expect(secondsToMs(-1.5)).toBe(-1500);
  });
});

describe('text 0.0.4', () => {
  it('allows blanks and tabs between tokens, a trailing comma, a missing final newline and blank lines', () => {
    const samples = readSamples(' \tm { a = "1" , b="2", } \t 42 \t 1000 \n\n\nn{} 1', 'text');
    expect(samples).toEqual([
      { name: 'm', labels: { a: '1', b: '2' }, value: 42, timestampMs: 1000 },
      { name: 'n', labels: {}, value: 1, timestampMs: null },
    ]);
  });

  it('unescapes \\\\, \\" and \\n in label values and keeps other backslashes', () => {
    expect(readSamples('m{a="x\\\\y\\"z\\nw\\t"} 1\n', 'text')[0].labels.a).toBe('x\\y"z\nw\\t');
  });

  it('reads HELP (escapes \\\\ and \\n only) and TYPE, and ignores other comments', () => {
    const families = readFamilies('# a comment\n#HELP not_meta x\n# HELP m Says "hi"\\nand \\\\ \\t.\n# TYPE m counter\nm 1\n', 'text');
    expect(families).toEqual([{ name: 'm', type: 'counter', help: 'Says "hi"\nand \\ \\t.' }]);
  });

  it('puts histogram and summary samples into their family and unknown names into untyped ones', () => {
    const text = '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3\nh_count 2\n# TYPE s summary\ns{quantile="0.5"} 1\ns_sum 1\ns_count 1\nloose 5\n';
    expect(readFamilies(text, 'text')).toEqual([
      { name: 'h', type: 'histogram' },
      { name: 's', type: 'summary' },
      { name: 'loose', type: 'untyped' },
    ]);
  });

  it('reports errors with line and column', () => {
    const cases: [string, number, number, RegExp][] = [
      ['ok 1\nm{a="1",a="2"} 1\n', 2, 9, /duplicate label name "a"/],
      ['m{a="1"} 1 2 3\n', 1, 14, /unexpected text after the timestamp/],
      ['m 1 -5\n', 1, 5, /invalid timestamp "-5"/],
      ['m 0x10\n', 1, 3, /invalid sample value "0x10"/],
      ['# TYPE m countre\nm 1\n', 1, 10, /invalid metric type "countre"/],
      ['m{a=1} 1\n', 1, 5, /expected a quoted value for label "a"/],
      ['m{a="1} 1\n', 1, 5, /unterminated value for label "a"/],
      ['m\n', 1, 2, /expected a sample value/],
      ['1m 1\n', 1, 1, /expected a metric name/],
      ['m 1\n\u0000', 2, 1, /unexpected NUL byte/],
    ];
    for (const [text, line, column, message] of cases) {
      const error = errorOf(() => readSamples(text, 'text'));
      expect([error.line, error.column], text).toEqual([line, column]);
      expect(error.message, text).toMatch(message);
    }
  });

  it('rejects invalid UTF-8 with the position of the bad byte', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('m{a="é"} 1\nm{a="'), 0xff, ...new TextEncoder().encode('"} 1\n')]);
    const error = errorOf(() => readSamples(bytes, 'text'));
    expect([error.line, error.column, error.message]).toEqual([2, 6, 'invalid UTF-8 byte sequence']);
    expect(readSamples(new TextEncoder().encode('m{a="é☃"} 1\n'), 'text')[0].labels.a).toBe('é☃');
  });
});

describe('formatFromContentType', () => {
  it('chooses OpenMetrics only for application/openmetrics-text', () => {
    expect(formatFromContentType('application/openmetrics-text; version=1.0.0; charset=utf-8')).toBe('openmetrics');
    expect(formatFromContentType('Application/OpenMetrics-Text')).toBe('openmetrics');
    expect(formatFromContentType('text/plain; version=0.0.4')).toBe('text');
    expect(formatFromContentType(undefined)).toBe('text');
    expect(formatFromContentType('text/html')).toBe('text');
  });
});

describe('series-key cache edge cases', () => {
  it('does not take a labelled line for a cached bare series of the same name', () => {
    const decoder = new ScrapeDecoder();
    const table: string[] = [];
    readAnnounced(decoder.decode('m 1\n', 'text').announced, table);
    const decoded = decoder.decode('m {a="1"} 2\n', 'text');
    expect(readAnnounced(decoded.announced, table)).toEqual([{ ref: 1, name: 'm', labels: ['a', '1'] }]);
    expect(table).toEqual(['m', 'a', '1']);
    expect(Array.from(decoded.values.subarray(0, decoded.count))).toEqual([2]);
  });

  it('starts afresh when a target switches between text and OpenMetrics', () => {
    const decoder = new ScrapeDecoder({ strict: true });
    const text = decoder.decode('h_bucket{le="+Inf"} 1\n', 'text');
    const om = decoder.decode('# TYPE h histogram\nh_bucket{le="+Inf"} 1\n# EOF\n', 'openmetrics');
    expect(om.epoch).not.toBe(text.epoch);
    expect(readAnnounced(om.announced, [])).toHaveLength(1);
  });
});
