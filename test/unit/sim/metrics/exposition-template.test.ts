import { describe, expect, it } from 'vitest';
import { readFixture, KUBELET_DUMPS } from '../../../helpers/fixtures.js';
import { AdvancingExposition } from '../../../sim/metrics/advancing-exposition.js';
import { formatGoFloat, formatLabels, parseExposition, parseLabels } from '../../../sim/metrics/exposition-template.js';

const RECORDINGS = [
  ...KUBELET_DUMPS.map((f) => `cadvisor/kubelet/${f}`),
  'kube-state-metrics/ksm-v2.19.0_k8s-1.35_minikube.prom',
  'kube-state-metrics/ksm-v1.9.8_k8s-1.20_minikube.prom',
  'node_exporter/e2e-output.txt',
  'exporters/nginx/nginx-prometheus-exporter_stub-status_tailormap-pr138.prom',
];

describe('exposition templates', () => {
  it.each(RECORDINGS)('re-render %s byte for byte at the instant it was recorded', (path) => {
    const text = readFixture(...path.split('/'));
    const template = parseExposition(text);
    const at = template.maxTsMs ?? 1_700_000_000_000;
    // Zero elapsed time: counters keep their values, timestamps land where they were; every value is
    // re-formatted by formatGoFloat, so this also checks Go's float formatting on thousands of real values.
    expect(new AdvancingExposition(template, { startMs: at }).render(at)).toBe(text);
  });

  it('advance counters by their lifetime-average rate and keep gauges', () => {
    const template = parseExposition('# TYPE a_total counter\na_total 100\n# TYPE b gauge\nb 7\n# TYPE c_bytes_total counter\nc_bytes_total 86400\n');
    const rendered = new AdvancingExposition(template, { startMs: 0, assumedUptimeSec: 100 }).render(10_000);
    // 100 over 100 s = 1/s; 10 s later: 110. 86400 B over 100 s = 864 B/s → +8640, integral.
    expect(rendered).toBe('# TYPE a_total counter\na_total 110\n# TYPE b gauge\nb 7\n# TYPE c_bytes_total counter\nc_bytes_total 95040\n');
  });

  it('format floats as Go strconv.FormatFloat(v, g, -1, 64)', () => {
    const cases: Array<[number, string]> = [
      [0, '0'],
      [1, '1'],
      [479232, '479232'],
      [1_000_000, '1e+06'],
      [12_345_678, '1.2345678e+07'],
      [2_687_844_352, '2.687844352e+09'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [-1.5e-7, '-1.5e-07'],
      [62.148052, '62.148052'],
      [1e21, '1e+21'],
      [NaN, 'NaN'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
    ];
    for (const [value, text] of cases) expect(formatGoFloat(value)).toBe(text);
  });

  it('parse and format label blocks with escapes', () => {
    const block = '{a="x",b="quote \\" back\\\\slash",c="new\\nline",d=""}';
    const pairs = parseLabels(block);
    expect(pairs).toEqual([
      ['a', 'x'],
      ['b', 'quote " back\\slash'],
      ['c', 'new\nline'],
      ['d', ''],
    ]);
    expect(formatLabels(pairs)).toBe(block);
  });

  it('group samples into families, including families without samples', () => {
    const template = parseExposition('# HELP x_total X.\n# TYPE x_total counter\n# HELP empty Nothing.\n# TYPE empty gauge\n# HELP y Y.\n# TYPE y gauge\ny{l="1"} 2 1000\ny{l="2"} 3 2000\n');
    expect(template.families.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['x_total', 'counter', 0],
      ['empty', 'gauge', 0],
      ['y', 'gauge', 2],
    ]);
    expect(template.maxTsMs).toBe(2000);
    expect(template.families[2].samples[1]).toMatchObject({ name: 'y', labelsText: '{l="2"}', value: 3, tsMs: 2000, prefix: 'y{l="2"} ' });
  });
});
