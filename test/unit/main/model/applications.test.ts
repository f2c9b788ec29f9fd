import { describe, expect, it } from 'vitest';
import { appFamilies, exporterKind, type AppSeriesInput } from '../../../../main/model/applications.js';
import { histogramQuantile } from '../../../../main/model/histogram-quantile.js';
import { readFamilies, readSamples } from '../../../../main/scrape/exposition/samples.js';
import { readFixture } from '../../../helpers/fixtures.js';

/** Series of a target from payloads scraped at the given times (labels as written). */
function seriesOf(payloads: readonly [number, string][]): AppSeriesInput[] {
  const byKey = new Map<string, { name: string; labels: Record<string, string>; ts: number[]; vs: number[] }>();
  for (const [tsMs, text] of payloads) {
    for (const sample of readSamples(text, 'text')) {
      const key = `${sample.name}${JSON.stringify(sample.labels)}`;
      let entry = byKey.get(key);
      if (!entry) byKey.set(key, (entry = { name: sample.name, labels: sample.labels, ts: [], vs: [] }));
      entry.ts.push(sample.timestampMs ?? tsMs);
      entry.vs.push(sample.value);
    }
  }
  return [...byKey.values()];
}

describe('histogramQuantile (Prometheus bucketQuantile semantics)', () => {
  // Cumulative buckets: 10 observations ≤ 0.1, 20 more ≤ 0.5, 10 more ≤ 1, none above.
  const buckets = [
    { le: 0.5, count: 30 },
    { le: Number.POSITIVE_INFINITY, count: 40 },
    { le: 0.1, count: 10 },
    { le: 1, count: 40 },
  ];

  it('interpolates linearly inside the bucket the rank falls in', () => {
    // q=0.5: rank 20 falls in (0.1, 0.5] holding 20, 10 of them below → 0.1 + 0.4 × 10/20 = 0.3
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.3, 12);
    // q=0.9: rank 36 falls in (0.5, 1] holding 10, 30 below → 0.5 + 0.5 × 6/10 = 0.8
    expect(histogramQuantile(0.9, buckets)).toBeCloseTo(0.8, 12);
    // q=0.99: rank 39.6 → 0.5 + 0.5 × 9.6/10 = 0.98
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(0.98, 12);
    // q=0.1: rank 4 in the first bucket, which starts at 0 → 0.1 × 4/10 = 0.04
    expect(histogramQuantile(0.1, buckets)).toBeCloseTo(0.04, 12);
  });

  it('returns the highest finite bound in the +Inf bucket, and the edge cases', () => {
    expect(histogramQuantile(0.9, [{ le: 0.1, count: 10 }, { le: Number.POSITIVE_INFINITY, count: 20 }])).toBe(0.1);
    expect(histogramQuantile(0.5, [{ le: 0.1, count: 10 }, { le: 1, count: 20 }])).toBeNaN();
    expect(histogramQuantile(0.5, [{ le: 0.1, count: 0 }, { le: Number.POSITIVE_INFINITY, count: 0 }])).toBeNaN();
    expect(histogramQuantile(1.5, buckets)).toBe(Number.POSITIVE_INFINITY);
    expect(histogramQuantile(-1, buckets)).toBe(Number.NEGATIVE_INFINITY);
    // Non-monotonic counts are raised: (0.5 → 8) becomes 10, so all 10 observations are ≤ 0.1.
    expect(histogramQuantile(0.5, [{ le: 0.1, count: 10 }, { le: 0.5, count: 8 }, { le: Number.POSITIVE_INFINITY, count: 10 }])).toBeCloseTo(0.05, 12);
  });
});

describe('appFamilies on the real nginx exporter payload', () => {
  const first = readFixture('exporters', 'nginx', 'nginx-prometheus-exporter_stub-status_tailormap-pr138.prom');
  // 15 s later, advanced by hand: requests 50 → 80, accepted and handled 37 → 40, active 3 → 5.
  const second = first
    .replace('nginx_http_requests_total 50', 'nginx_http_requests_total 80')
    .replace('nginx_connections_accepted 37', 'nginx_connections_accepted 40')
    .replace('nginx_connections_handled 37', 'nginx_connections_handled 40')
    .replace('nginx_connections_active 3', 'nginx_connections_active 5');
  const families = appFamilies({
    families: readFamilies(first, 'text'),
    series: seriesOf([
      [1_000_000, first],
      [1_015_000, second],
    ]),
    windowMs: 60_000,
    nowMs: 1_015_000,
  });
  const byName = new Map(families.map((family) => [family.name, family]));

  it('shows counters as per-second rates and gauges as values', () => {
    // (80 − 50) / 15 s = 2 requests/s
    expect(byName.get('nginx_http_requests_total')).toMatchObject({ type: 'counter', display: 'rate', unit: 'count', values: [{ labels: {}, value: 2 }] });
    // (40 − 37) / 15 s = 0.2 connections/s
    expect(byName.get('nginx_connections_accepted')?.values[0].value).toBeCloseTo(0.2, 12);
    expect(byName.get('nginx_connections_active')).toMatchObject({ type: 'gauge', display: 'value', values: [{ labels: {}, value: 5 }] });
    expect(byName.get('nginx_up')?.values[0].value).toBe(1);
    expect(byName.get('nginx_http_requests_total')?.help).toBe('Total http requests');
    expect(families).toHaveLength(8);
  });

  it('charts the rate between the two scrapes and the gauge values', () => {
    const chart = byName.get('nginx_http_requests_total')!.chart!;
    expect(chart.xs).toEqual([1_000_000, 1_015_000]);
    expect(chart.ys).toEqual([[null, 2]]);
    expect(byName.get('nginx_connections_active')!.chart!.ys).toEqual([[3, 5]]);
  });

  it('names the exporter after its metric names', () => {
    expect(exporterKind(families.map((family) => family.name), 'pod')).toBe('nginx');
    expect(exporterKind(['metallb_allocator_addresses_in_use_total', 'metallb_k8s_client_updates_total', 'process_cpu_seconds_total', 'go_goroutines'], 'pod')).toBe('metallb');
    expect(exporterKind(['go_goroutines', 'up'], 'controller')).toBe('controller');
  });
});

describe('appFamilies on histograms and summaries', () => {
  const payload = (b01: number, b05: number, b1: number, inf: number, sum: number, p50: number) => `# HELP http_request_duration_seconds Request latency.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{handler="/api",le="0.1"} ${b01}
http_request_duration_seconds_bucket{handler="/api",le="0.5"} ${b05}
http_request_duration_seconds_bucket{handler="/api",le="1"} ${b1}
http_request_duration_seconds_bucket{handler="/api",le="+Inf"} ${inf}
http_request_duration_seconds_sum{handler="/api"} ${sum}
http_request_duration_seconds_count{handler="/api"} ${inf}
# HELP rpc_duration_seconds RPC latency.
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.5"} ${p50}
rpc_duration_seconds{quantile="0.99"} 0.9
rpc_duration_seconds_sum 12
rpc_duration_seconds_count 40
`;
  // Bucket increases between the scrapes: 10, 30, 40, 40 (the buckets of the quantile test above).
  const families = appFamilies({
    families: readFamilies(payload(100, 200, 220, 230, 50, 0.2), 'text'),
    series: seriesOf([
      [2_000_000, payload(100, 200, 220, 230, 50, 0.2)],
      [2_010_000, payload(110, 230, 260, 270, 70, 0.25)],
    ]),
    windowMs: 60_000,
    nowMs: 2_010_000,
  });

  it('shows histogram p50/p90/p99 of the bucket increases in the window', () => {
    const histogram = families.find((family) => family.name === 'http_request_duration_seconds')!;
    expect(histogram.display).toBe('quantiles');
    expect(histogram.unit).toBe('seconds');
    expect(histogram.values.map((entry) => entry.labels)).toEqual([
      { handler: '/api', quantile: '0.5' },
      { handler: '/api', quantile: '0.9' },
      { handler: '/api', quantile: '0.99' },
    ]);
    const values = histogram.values.map((entry) => entry.value as number);
    expect(values[0]).toBeCloseTo(0.3, 12);
    expect(values[1]).toBeCloseTo(0.8, 12);
    expect(values[2]).toBeCloseTo(0.98, 12);
    // The chart's last point is the same window; the first scrape alone has no increase.
    expect(histogram.chart!.ys[0]).toEqual([null, values[0]]);
  });

  it('shows a summary’s own quantiles as values', () => {
    const summary = families.find((family) => family.name === 'rpc_duration_seconds')!;
    expect(summary.display).toBe('quantiles');
    expect(summary.values).toEqual([
      { labels: { quantile: '0.99' }, value: 0.9 },
      { labels: { quantile: '0.5' }, value: 0.25 },
    ]);
  });
});
