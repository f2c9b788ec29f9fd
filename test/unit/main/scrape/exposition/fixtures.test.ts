// Every real exporter payload and Prometheus' own parser test data parse, and agree sample for
// sample with an independent parser (parse-prometheus-text-format) on names, labels, values and
// timestamps. The cached decoder gives the same columns on a repeat scrape without re-announcing
// any series.
import { describe, expect, it } from 'vitest';
import { listFixtures, readFixture, readFixtureBytes } from '../../../../helpers/fixtures.js';
import { oracleSamples, sampleKey } from '../../../../helpers/exposition-oracle.js';
import { readFamilies, readSamples } from '../../../../../main/scrape/exposition/samples.js';
import { ScrapeDecoder, readAnnounced } from '../../../../../main/scrape/exposition/decoder.js';

const TEXT_FIXTURES: string[][] = [
  ...listFixtures('cadvisor', 'kubelet').map((file) => ['cadvisor', 'kubelet', file]),
  ...listFixtures('cadvisor', 'testdata').map((file) => ['cadvisor', 'testdata', file]),
  ...listFixtures('cadvisor', 'issue-snippets').map((file) => ['cadvisor', 'issue-snippets', file]),
  ...listFixtures('node_exporter').map((file) => ['node_exporter', file]),
  ...listFixtures('kube-state-metrics').map((file) => ['kube-state-metrics', file]),
  ['exporters', 'nginx', 'nginx-prometheus-exporter_stub-status_tailormap-pr138.prom'],
  ['exporters', 'metallb', 'metallb-v0.9.3_controller_issue622_snippet.prom'],
  ['textparse', 'current', 'alltypes.237mfs.prom.txt'],
  ['textparse', 'current', 'alltypes.237mfs.nometa.prom.txt'],
  ['textparse', 'legacy', 'promtestdata.txt'],
  ['textparse', 'legacy', 'promtestdata.nometa.txt'],
];

/** Lines that are samples: neither blank nor comments (true for all these fixtures). */
function sampleLineCount(text: string): number {
  return text.split('\n').filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#')).length;
}

describe('text fixtures', () => {
  it('covers the fixture folders', () => {
    expect(TEXT_FIXTURES.length).toBeGreaterThanOrEqual(20);
  });

  for (const parts of TEXT_FIXTURES) {
    it(`${parts.join('/')} parses and matches parse-prometheus-text-format`, () => {
      const text = readFixture(...parts);
      const samples = readSamples(text, 'text');
      expect(samples.length).toBe(sampleLineCount(text));

      const { samples: theirs, skippedFamilies } = oracleSamples(text);
      const skipped = new Set(skippedFamilies.flatMap((name) => [name, `${name}_bucket`, `${name}_sum`, `${name}_count`]));
      const ours = new Map<string, { value: number; timestampMs: number | null }>();
      for (const sample of samples) {
        if (!skipped.has(sample.name)) ours.set(sampleKey(sample.name, sample.labels), { value: sample.value, timestampMs: sample.timestampMs });
      }
      expect(theirs.length).toBe(ours.size);
      for (const expected of theirs) {
        const actual = ours.get(expected.key);
        expect(actual, expected.key).toBeDefined();
        expect(Object.is(actual!.value, expected.value) || actual!.value === expected.value, `${expected.key}: ${actual!.value} vs ${expected.value}`).toBe(true);
        expect(actual!.timestampMs).toBe(expected.timestampMs);
      }
    });
  }

  it('decodes a kubelet dump through the series-key cache identically on a repeat scrape', () => {
    const bytes = new Uint8Array(readFixtureBytes('cadvisor', 'kubelet', 'k8s-1.35_minikube_containerd-2.2.1_cgroupfs_cgroupv2.prom'));
    const expected = readSamples(bytes, 'text');
    const decoder = new ScrapeDecoder();
    const first = decoder.decode(bytes, 'text');
    const second = decoder.decode(bytes, 'text');
    expect(first.count).toBe(expected.length);
    const table: string[] = [];
    const announced = readAnnounced(first.announced, table)!;
    expect(announced).toHaveLength(expected.length);
    expect(readAnnounced(second.announced, table)).toEqual([]);
    // The string table holds each distinct name and label string once.
    expect(table.length).toBeLessThan(announced.length);
    expect(second.families).toBeNull();
    expect(second.epoch).toBe(first.epoch);
    expect(Array.from(second.refs.subarray(0, second.count))).toEqual(Array.from(first.refs.subarray(0, first.count)));
    const byRef = new Map(announced.map((series) => [series.ref, series]));
    for (let i = 0; i < second.count; i++) {
      const series = byRef.get(second.refs[i])!;
      expect(series.name).toBe(expected[i].name);
      expect(Object.fromEntries(pairs(series.labels))).toEqual(expected[i].labels);
      expect(second.values[i]).toBe(expected[i].value);
      expect(second.timestampsMs[i]).toBe(expected[i].timestampMs ?? NaN);
    }
  });

  it('reads family metadata, including families that have HELP/TYPE but no samples', () => {
    const families = readFamilies(readFixture('node_exporter', 'e2e-output.txt'), 'text');
    const goGoroutines = families.find((family) => family.name === 'go_goroutines');
    expect(goGoroutines).toEqual({ name: 'go_goroutines', type: 'gauge', help: 'Number of goroutines that currently exist.' });
    const cpu = families.find((family) => family.name === 'node_cpu_seconds_total');
    expect(cpu?.type).toBe('counter');
    // No TYPE line in the nometa variant: every sample name becomes an untyped family of its own.
    const nometa = readFamilies(readFixture('textparse', 'legacy', 'promtestdata.nometa.txt'), 'text');
    expect(nometa.every((family) => family.type === 'untyped' && family.help === undefined)).toBe(true);
    expect(nometa.map((family) => family.name)).toContain('go_gc_duration_seconds_sum');
  });
});

describe('OpenMetrics fixtures from Prometheus textparse', () => {
  it('alltypes.5mfs.om.txt parses with _created series, exemplars and # EOF', () => {
    const text = readFixture('textparse', 'current', 'alltypes.5mfs.om.txt');
    const samples = readSamples(text, 'openmetrics');
    expect(samples.length).toBe(sampleLineCount(text));
    const created = samples.find((s) => s.name === 'promhttp_metric_handler_errors_created' && s.labels.cause === 'encoding');
    expect(created?.value).toBe(1.726839813016397e9);
    const families = readFamilies(text, 'openmetrics');
    expect(families.find((family) => family.name === 'promhttp_metric_handler_errors')?.type).toBe('counter');
  });

  it('1histogram.om.txt (no newline after # EOF) parses', () => {
    const text = readFixture('textparse', 'current', '1histogram.om.txt');
    expect(text.endsWith('# EOF')).toBe(true);
    const samples = readSamples(text, 'openmetrics');
    expect(samples.length).toBe(sampleLineCount(text));
    expect(samples.some((sample) => sample.labels.le === '+Inf')).toBe(true);
  });
});

function* pairs(flat: string[]): Generator<[string, string]> {
  for (let i = 0; i < flat.length; i += 2) yield [flat[i], flat[i + 1]];
}
