// Property tests (fast-check): random valid expositions written by an independent writer (below,
// following the format documents rather than the parser) read back exactly, in both formats and
// through the cached decoder across reordered repeat scrapes; random and mutated bytes never make
// the parser throw anything but ParseError. Runs are kept to a few seconds; the long fuzz run is
// in the bench (test/bench/fuzz.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFixtureBytes } from '../../../../helpers/fixtures.js';
import { ScrapeDecoder, readAnnounced } from '../../../../../main/scrape/exposition/decoder.js';
import { ParseError, type ExpositionFormat } from '../../../../../main/scrape/exposition/parser.js';
import { readFamilies, readSamples, type ParsedSample } from '../../../../../main/scrape/exposition/samples.js';

interface GeneratedSeries {
  labels: [string, string][];
  value: number;
  timestampMs: number | null;
}

interface GeneratedFamily {
  name: string;
  help: string | null;
  series: GeneratedSeries[];
}

const metricName = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/);
const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/);
// Any Unicode text except lone surrogates (not representable in UTF-8), including quotes, backslashes and newlines.
const labelValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('', '\\', '"', '\n', 'a\\nb', '} # {', 'Kube-System', '\\"'),
);
const sampleValue = fc.oneof(
  fc.double({ noNaN: false }),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1e21, 5e-324, Number.MAX_VALUE),
);

function families(timestamps: 'ms' | 'seconds'): fc.Arbitrary<GeneratedFamily[]> {
  const timestamp = timestamps === 'ms' ? fc.integer({ min: 0, max: 2 ** 52 }) : fc.integer({ min: 0, max: 4e9 }).map((s) => s * 1000);
  const series = fc.record({
    labels: fc.uniqueArray(fc.tuple(labelName, labelValue), { maxLength: 5, selector: ([name]) => name }),
    value: sampleValue,
    timestampMs: fc.option(timestamp, { nil: null }),
  });
  return fc.uniqueArray(
    fc.record({
      name: metricName,
      help: fc.option(fc.string({ unit: 'grapheme', maxLength: 20 }), { nil: null }),
      series: fc.uniqueArray(series, { minLength: 1, maxLength: 6, selector: (s) => JSON.stringify([...s.labels].sort()) }),
    }),
    { maxLength: 6, selector: (family) => family.name },
  );
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return Object.is(value, -0) ? '-0' : String(value);
}

/** Writes families per the text 0.0.4 or OpenMetrics documents (gauges, so OpenMetrics samples keep their names). */
function write(generated: GeneratedFamily[], format: ExpositionFormat): string {
  const lines: string[] = [];
  for (const family of generated) {
    if (family.help !== null) {
      const help = family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
      lines.push(`# HELP ${family.name} ${format === 'openmetrics' ? help.replace(/"/g, '\\"') : help}`);
    }
    lines.push(`# TYPE ${family.name} gauge`);
    for (const series of family.series) {
      const labels = series.labels.length ? `{${series.labels.map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(',')}}` : '';
      let line = `${family.name}${labels} ${formatValue(series.value)}`;
      if (series.timestampMs !== null) line += ` ${format === 'openmetrics' ? series.timestampMs / 1000 : series.timestampMs}`;
      lines.push(line);
    }
  }
  if (format === 'openmetrics') lines.push('# EOF');
  return lines.map((line) => `${line}\n`).join('');
}

function expected(generated: GeneratedFamily[]): ParsedSample[] {
  return generated.flatMap((family) =>
    family.series.map((series) => ({ name: family.name, labels: Object.fromEntries(series.labels), value: series.value, timestampMs: series.timestampMs })),
  );
}

function sameSamples(actual: ParsedSample[], wanted: ParsedSample[]): void {
  expect(actual.length).toBe(wanted.length);
  for (let i = 0; i < wanted.length; i++) {
    expect(actual[i].name).toBe(wanted[i].name);
    expect(Object.entries(actual[i].labels)).toEqual(Object.entries(wanted[i].labels));
    expect(Object.is(actual[i].value, wanted[i].value), `${actual[i].value} vs ${wanted[i].value}`).toBe(true);
    expect(actual[i].timestampMs).toBe(wanted[i].timestampMs);
  }
}

describe('round trip of random valid expositions', () => {
  it('text 0.0.4', () => {
    fc.assert(
      fc.property(families('ms'), (generated) => {
        sameSamples(readSamples(write(generated, 'text'), 'text'), expected(generated));
      }),
      { numRuns: 300 },
    );
  });

  it('OpenMetrics 1.0, strict', () => {
    fc.assert(
      fc.property(families('seconds'), (generated) => {
        const text = write(generated, 'openmetrics');
        sameSamples(readSamples(text, 'openmetrics', { strict: true }), expected(generated));
        // OpenMetrics: an empty HELP is the same as none.
        expect(readFamilies(text, 'openmetrics', { strict: true })).toEqual(
          generated.map((family) => ({ name: family.name, type: 'gauge', ...(family.help ? { help: family.help } : {}) })),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('as UTF-8 bytes through the decoder, including repeat scrapes in a different order', () => {
    fc.assert(
      fc.property(families('ms'), fc.func(fc.integer()), (generated, order) => {
        const decoder = new ScrapeDecoder();
        const table: string[] = [];
        const names = new Map<number, { name: string; labels: string[] }>();
        const check = (families: GeneratedFamily[]) => {
          const decoded = decoder.decode(new TextEncoder().encode(write(families, 'text')), 'text');
          for (const series of readAnnounced(decoded.announced, table)!) names.set(series.ref, series);
          const wanted = expected(families);
          expect(decoded.count).toBe(wanted.length);
          for (let i = 0; i < wanted.length; i++) {
            const series = names.get(decoded.refs[i])!;
            expect(series.name).toBe(wanted[i].name);
            expect(series.labels).toEqual(Object.entries(wanted[i].labels).flat());
            expect(Object.is(decoded.values[i], wanted[i].value)).toBe(true);
            expect(decoded.timestampsMs[i]).toBe(wanted[i].timestampMs ?? NaN);
          }
        };
        check(generated);
        const shuffled = [...generated]
          .map((family) => ({ ...family, series: [...family.series].sort((a, b) => order(JSON.stringify(a)) - order(JSON.stringify(b))) }))
          .sort((a, b) => order(a.name) - order(b.name));
        check(shuffled);
        check(shuffled.map((family) => ({ ...family, series: family.series.map((series) => ({ ...series, value: series.value + 1 })) })));
      }),
      { numRuns: 200 },
    );
  });
});

describe('random input never breaks the parser', () => {
  const onlyParseErrors = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(ParseError);
      const { line, column } = error as ParseError;
      expect(line).toBeGreaterThanOrEqual(1);
      expect(column).toBeGreaterThanOrEqual(1);
    }
  };

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.constantFrom<ExpositionFormat>('text', 'openmetrics'), (bytes, format) => {
        onlyParseErrors(() => readSamples(bytes, format, { strict: true }));
        onlyParseErrors(() => new ScrapeDecoder().decode(bytes, format));
      }),
      { numRuns: 500 },
    );
  });

  it('mutated real payloads (byte flips, insertions and deletions)', () => {
    const seeds = [
      readFixtureBytes('textparse', 'current', 'alltypes.5mfs.om.txt'),
      readFixtureBytes('cadvisor', 'issue-snippets', 'kubelet_systemd-slices_unsuffixed-container-leaf_cadvisor-2630.prom'),
      readFixtureBytes('exporters', 'nginx', 'nginx-prometheus-exporter_stub-status_tailormap-pr138.prom'),
    ];
    const mutation = fc.tuple(fc.nat(), fc.constantFrom('flip', 'insert', 'delete'), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 8 }), fc.constantFrom<ExpositionFormat>('text', 'openmetrics'), (seed, mutations, format) => {
        const bytes = [...seeds[seed]];
        for (const [at, kind, byte] of mutations) {
          const index = at % (bytes.length + 1);
          if (kind === 'flip') bytes[Math.min(index, bytes.length - 1)] = byte;
          else if (kind === 'insert') bytes.splice(index, 0, byte);
          else bytes.splice(index, 1);
        }
        const input = new Uint8Array(bytes);
        onlyParseErrors(() => readSamples(input, format, { strict: true }));
        const decoder = new ScrapeDecoder({ strict: format === 'openmetrics' });
        onlyParseErrors(() => decoder.decode(seeds[seed], format));
        onlyParseErrors(() => decoder.decode(input, format));
      }),
      { numRuns: 300 },
    );
  });
});
