// The whole OpenMetrics parser conformance suite (OpenObservability/OpenMetrics
// tests/testdata/parsers/, read in place from ../shared/fixtures): every shouldParse case parses,
// every bad_* case is rejected with a ParseError in strict mode, through both the convenience reader and the
// cached decoder (twice, so the second pass goes through the series-key cache).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../../helpers/fixtures.js';
import { ParseError } from '../../../../../main/scrape/exposition/parser.js';
import { readSamples } from '../../../../../main/scrape/exposition/samples.js';
import { ScrapeDecoder } from '../../../../../main/scrape/exposition/decoder.js';

const suiteDir = fixturePath('openmetrics', 'parsers');
const cases = readdirSync(suiteDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => {
    const meta = JSON.parse(readFileSync(join(suiteDir, entry.name, 'test.json'), 'utf8')) as { file: string; shouldParse: boolean };
    return { name: entry.name, shouldParse: meta.shouldParse, bytes: readFileSync(join(suiteDir, entry.name, meta.file)) };
  });

describe('OpenMetrics conformance suite', () => {
  it('has all 211 cases (44 good, 167 bad)', () => {
    expect(cases).toHaveLength(211);
    expect(cases.filter((c) => c.shouldParse)).toHaveLength(44);
    expect(cases.filter((c) => !c.shouldParse && c.name.startsWith('bad_'))).toHaveLength(167);
  });

  for (const testCase of cases) {
    it(`${testCase.name} ${testCase.shouldParse ? 'parses' : 'is rejected'}`, () => {
      const bytes = new Uint8Array(testCase.bytes);
      const decoder = new ScrapeDecoder({ strict: true });
      if (testCase.shouldParse) {
        const samples = readSamples(bytes, 'openmetrics', { strict: true });
        const first = decoder.decode(bytes, 'openmetrics');
        const second = decoder.decode(bytes, 'openmetrics');
        expect(first.samplesScraped).toBe(samples.length);
        expect(second.samplesScraped).toBe(samples.length);
        expect(Array.from(second.values.subarray(0, second.count))).toEqual(Array.from(first.values.subarray(0, first.count)));
      } else {
        expect(() => readSamples(bytes, 'openmetrics', { strict: true })).toThrow(ParseError);
        expect(() => decoder.decode(bytes, 'openmetrics')).toThrow(ParseError);
      }
    });
  }

  // Scrapes use lenient mode (as Prometheus ingests expositions that break the family rules), but
  // grammar errors must still fail there: these are the syntax cases of the suite
  // (grouping_or_ordering_1 has a stray quote in a label value).
  const GRAMMAR = /^bad_(blank_line|exemplar_complex_chars|exemplar_timestamp_\d+|exemplars_\d+|help_\d+|invalid_labels_\d+|metadata|metric_names_\d+|missing_equal_or_label_value_\d+|missing_or_extra_commas_\d+|missing_or_wrong_quotes_on_label_value_\d+|missing_value_\d+|no_eof|text_after_eof_\d+|timestamp_\d+|type_\d+|unit_[0-3]|value_\d+|histograms_[45]|repeated_metadata_2|grouping_or_ordering_1)$/;

  it('lenient mode rejects every grammar case and accepts the family-rule cases', () => {
    const bad = cases.filter((testCase) => !testCase.shouldParse);
    const grammar = bad.filter((testCase) => GRAMMAR.test(testCase.name));
    expect(grammar.length).toBe(90);
    for (const testCase of bad) {
      const read = () => readSamples(new Uint8Array(testCase.bytes), 'openmetrics');
      if (GRAMMAR.test(testCase.name)) expect(read, testCase.name).toThrow(ParseError);
      else expect(read, testCase.name).not.toThrow();
    }
  });
});
