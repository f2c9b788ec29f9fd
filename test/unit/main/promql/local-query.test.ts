// PromQL's selector subset on Slicewise's store, against values worked out by hand from the scrapes
// below (every 10 s; a counter growing by 10 per scrape is a rate of exactly 1/s).
import { describe, expect, it } from 'vitest';
import { localInstantQuery, localLabelNames, localLabelValues, localMetadata, localRangeQuery } from '../../../../main/promql/local-query.js';
import { autoStepMs, checkRange } from '../../../../main/promql/range-step.js';
import { SeriesStore } from '../../../../main/store/series-store.js';
import { AppError } from '../../../../main/util/app-error.js';
import { StoreFeed } from '../../../helpers/store-feed.js';

const LABELS = { job: 'node', instance: 'h:9100' };

/** Scrapes at 10, 20, …, 100 s: `requests_total` grows by 10 per scrape (pod a) and 20 (pod b); `temperature` is 20 + i. */
function feed(store = new SeriesStore()): StoreFeed {
  const fed = new StoreFeed(store);
  for (let i = 1; i <= 10; i++) {
    fed.scrape(
      't',
      LABELS,
      i * 10_000,
      `# HELP requests_total Requests.\n# TYPE requests_total counter\nrequests_total{pod="a"} ${i * 10}\nrequests_total{pod="b"} ${i * 20}\n# HELP temperature Degrees.\n# TYPE temperature gauge\ntemperature ${20 + i}\n`,
    );
  }
  return fed;
}

describe('localRangeQuery', () => {
  it('steps a gauge selector on the grid, keeping its name and labels', () => {
    const { store } = feed();
    const result = localRangeQuery(store, 'temperature', { startMs: 30_000, endMs: 60_000, stepMs: 15_000 });
    // Grid 30, 45, 60 s: the latest sample at or before each point (30 s → 23, 45 s → 24, 60 s → 26).
    expect(result).toEqual({
      xs: [30_000, 45_000, 60_000],
      series: [{ metric: { __name__: 'temperature', instance: 'h:9100', job: 'node' }, values: [23, 24, 26] }],
      warnings: [],
      source: 'local',
      stepMs: 15_000,
      totalSeries: 1,
    });
  });

  it('evaluates rate() per series, drops the metric name, and orders series by labels', () => {
    const { store } = feed();
    const result = localRangeQuery(store, 'rate(requests_total[30s])', { startMs: 60_000, endMs: 100_000, stepMs: 20_000 });
    expect(result.xs).toEqual([60_000, 80_000, 100_000]);
    expect(result.series.map((series) => series.metric)).toEqual([
      { instance: 'h:9100', job: 'node', pod: 'a' },
      { instance: 'h:9100', job: 'node', pod: 'b' },
    ]);
    // Windows [30 s, 60 s] etc. hold four samples 10 s apart touching both edges: no extrapolation, Δ/30 s.
    expect(result.series[0].values).toEqual([1, 1, 1]);
    expect(result.series[1].values).toEqual([2, 2, 2]);
  });

  it('narrows with matchers and caps the series count, saying so', () => {
    const { store } = feed();
    expect(localRangeQuery(store, 'increase(requests_total{pod=~"b"}[30s])', { startMs: 100_000, endMs: 100_000, stepMs: 1000 }).series).toEqual([
      { metric: { instance: 'h:9100', job: 'node', pod: 'b' }, values: [60] },
    ]);
    const capped = localRangeQuery(store, 'requests_total', { startMs: 100_000, endMs: 100_000, stepMs: 1000 }, 1);
    expect(capped.series).toHaveLength(1);
    expect(capped.totalSeries).toBe(2);
    expect(capped.notes).toEqual(['Showing 1 of 2 series; narrow the selector to see the others.']);
  });

  it('leaves out series without a point in the range, as Prometheus does', () => {
    const { store } = feed();
    // rate() needs two samples: at 10 s the window [-20 s, 10 s] holds one.
    const result = localRangeQuery(store, 'rate(requests_total[30s])', { startMs: 10_000, endMs: 10_000, stepMs: 1000 });
    expect(result.series).toEqual([]);
    expect(result.totalSeries).toBe(0);
  });

  it('cuts a range longer than the store keeps, on the caller’s grid, with a note', () => {
    const { store } = feed(new SeriesStore({ retentionMs: 60_000 }));
    const result = localRangeQuery(store, 'temperature', { startMs: 0, endMs: 100_000, stepMs: 15_000 });
    // Oldest kept: 100 s − 60 s = 40 s; the grid 0, 15, 30, 45… resumes at 45 s.
    expect(result.xs).toEqual([45_000, 60_000, 75_000, 90_000]);
    expect(result.series[0].values).toEqual([24, 26, 27, 29]);
    expect(result.notes).toEqual(['Slicewise keeps the last 1 minutes of samples, so the chart starts there; connect a Prometheus for longer ranges.']);
  });

  it('refuses what it cannot evaluate, with the column and a hint', () => {
    const { store } = feed();
    const error = (() => {
      try {
        localRangeQuery(store, 'sum(requests_total)', { startMs: 0, endMs: 1000, stepMs: 1000 });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'bad-request',
      message: 'Cannot read the selector at column 4: unknown function "sum" (supported without Prometheus: rate, irate, increase).',
      hint: expect.stringContaining('connect a Prometheus for full PromQL'),
    });
    expect(() => localRangeQuery(store, 'temperature', { startMs: 0, endMs: 11_001_000, stepMs: 1000 })).toThrow(
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
  });
});

describe('localInstantQuery and completion data', () => {
  it('answers the latest value, or the rate at a time', () => {
    const { store } = feed();
    expect(localInstantQuery(store, 'temperature', undefined).result).toEqual({
      resultType: 'vector',
      samples: [{ metric: { __name__: 'temperature', instance: 'h:9100', job: 'node' }, tsMs: 100_000, value: 30, raw: '30' }],
    });
    const rates = localInstantQuery(store, 'rate(requests_total[30s])', 100_000);
    expect(rates.result.resultType === 'vector' && rates.result.samples.map((sample) => [sample.metric.pod, sample.value, sample.tsMs])).toEqual([
      ['a', 1, 100_000],
      ['b', 2, 100_000],
    ]);
    const capped = localInstantQuery(store, 'requests_total', undefined, 1);
    expect([capped.totalSeries, capped.notes]).toEqual([2, ['Showing 1 of 2 series; narrow the selector to see the others.']]);
  });

  it('lists label names, values and metadata from the store', () => {
    const { store } = feed();
    expect(localLabelNames(store)).toEqual(['__name__', 'instance', 'job', 'pod']);
    expect(localLabelNames(store, 'temperature')).toEqual(['__name__', 'instance', 'job']);
    expect(localLabelValues(store, '__name__')).toEqual(['requests_total', 'scrape_duration_seconds', 'scrape_samples_scraped', 'temperature', 'up']);
    expect(localLabelValues(store, 'pod', 'requests_total{pod!="a"}')).toEqual(['b']);
    expect(localMetadata(store)).toEqual({
      requests_total: [{ type: 'counter', help: 'Requests.', unit: '' }],
      temperature: [{ type: 'gauge', help: 'Degrees.', unit: '' }],
    });
    expect(localMetadata(store, 'temperature')).toEqual({ temperature: [{ type: 'gauge', help: 'Degrees.', unit: '' }] });
  });
});

describe('range steps', () => {
  it('chooses a round step for about 250 points', () => {
    const minute = 60_000;
    // 5 min / 250 = 1.2 s → 2 s; 1 h → 14.4 s → 15 s; 6 h → 86.4 s → 2 min; 24 h → 345.6 s → 10 min; 7 d → 2419.2 s → 1 h.
    expect([5, 60, 360, 1440, 10_080].map((minutes) => autoStepMs(0, minutes * minute))).toEqual([2000, 15_000, 120_000, 600_000, 3_600_000]);
    expect(autoStepMs(0, 1000)).toBe(1000);
    expect(autoStepMs(0, 400 * 24 * 3_600_000)).toBe(2 * 86_400_000);
  });

  it('checks ranges with Prometheus’ own words', () => {
    expect(() => checkRange(0, 11_000_000, 1000)).not.toThrow();
    expect(() => checkRange(0, 11_001_000, 1000)).toThrow('exceeded maximum resolution of 11,000 points per timeseries');
    expect(() => checkRange(0, 1000, 0)).toThrow('zero or negative query resolution step widths are not accepted. Try a positive integer');
    expect(() => checkRange(2000, 1000, 1000)).toThrow('The end of the range is before its start.');
  });
});
