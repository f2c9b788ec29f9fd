// SeriesStore against hand-computed expectations: appends decoded by the real ScrapeDecoder, then
// queries. Times are small round numbers so every expected value can be checked by hand.
import { describe, expect, it } from 'vitest';
import { ScrapeDecoder } from '../../../../main/scrape/exposition/decoder.js';
import type { ScrapeBatch } from '../../../../main/scrape/appender.js';
import { SeriesStore } from '../../../../main/store/series-store.js';

const TARGET = { job: 'node', instance: '10.0.0.1:9100' };

function batch(decoder: ScrapeDecoder, text: string | null, tsMs: number, options: Partial<ScrapeBatch> = {}): ScrapeBatch {
  const decoded = text === null ? null : decoder.decode(text, 'text');
  return {
    targetId: 't1',
    targetLabels: TARGET,
    tsMs,
    honorTimestamps: true,
    decoded,
    report: { up: text === null ? 0 : 1, durationSeconds: 0.25, samplesScraped: decoded?.samplesScraped ?? 0 },
    ...options,
  };
}

function idOf(store: SeriesStore, name: string, extra: Record<string, string> = {}): number {
  const matchers = [{ name: '__name__', op: '=' as const, value: name }, ...Object.entries(extra).map(([label, value]) => ({ name: label, op: '=' as const, value }))];
  const found = store.select(matchers);
  expect(found, `${name} ${JSON.stringify(extra)}`).toHaveLength(1);
  return found[0].id;
}

describe('SeriesStore ingestion and raw ranges', () => {
  it('stores one column per series aligned on the scrape times, with a gap where a series went stale', () => {
    const store = new SeriesStore();
    const decoder = new ScrapeDecoder();
    store.appendScrape(batch(decoder, 'a 1\nb{x="1"} 10\n', 10_000));
    store.appendScrape(batch(decoder, 'a 2\n', 20_000));
    store.appendScrape(batch(decoder, 'a 3\nb{x="1"} 30\n', 30_000));
    const a = idOf(store, 'a');
    const b = idOf(store, 'b', { x: '1' });
    expect(store.range([a, b], 0, 40_000)).toEqual({ xs: [10_000, 20_000, 30_000], ys: [[1, 2, 3], [10, null, 30]] });
    expect(store.instant([a, b], 20_000)).toEqual([{ tsMs: 20_000, value: 2 }, null]);
    expect(store.instant([a, b])).toEqual([{ tsMs: 30_000, value: 3 }, { tsMs: 30_000, value: 30 }]);
  });

  it('keeps every row right across blocks of growing size (64, 128, 256, 512, 512… rows)', () => {
    const store = new SeriesStore();
    const decoder = new ScrapeDecoder();
    const scrape = (n: number, keep: (i: number) => boolean) =>
      Array.from({ length: 1500 }, (_, i) => i)
        .filter(keep)
        .map((i) => `m{i="${i}"} ${i * 10 + n}`)
        .join('\n') + '\n';
    store.appendScrape(batch(decoder, scrape(1, () => true), 1000));
    store.appendScrape(batch(decoder, scrape(2, (i) => i % 2 === 0), 2000));
    store.appendScrape(batch(decoder, scrape(3, () => true), 3000));
    for (const i of [0, 63, 64, 191, 192, 447, 448, 959, 960, 1471, 1472, 1499]) {
      const id = idOf(store, 'm', { i: String(i) });
      expect(store.range([id], 0, 5000), `row of i=${i}`).toEqual({ xs: [1000, 2000, 3000], ys: [[i * 10 + 1, i % 2 === 0 ? i * 10 + 2 : null, i * 10 + 3]] });
    }
  });

  it('adds target labels, renames clashing scraped ones to exported_*, drops empty labels, puts __name__ first', () => {
    const store = new SeriesStore();
    store.appendScrape(batch(new ScrapeDecoder(), 'm{job="app",zone="",b="2",a="1"} 1\n', 1000));
    const [series] = store.select([{ name: '__name__', op: '=', value: 'm' }]);
    expect(series.labels).toEqual({ __name__: 'm', a: '1', b: '2', exported_job: 'app', instance: '10.0.0.1:9100', job: 'node' });
    expect(Object.keys(series.labels)).toEqual(['__name__', 'a', 'b', 'exported_job', 'instance', 'job']);
    expect(series.targetId).toBe('t1');
  });

  it('records up, scrape_duration_seconds and scrape_samples_scraped, and marks everything stale on a failed scrape', () => {
    const store = new SeriesStore();
    const decoder = new ScrapeDecoder();
    store.appendScrape(batch(decoder, 'a 1\na 1\nb 2\n', 1000));
    store.appendScrape(batch(decoder, null, 2000));
    const up = idOf(store, 'up');
    const samples = idOf(store, 'scrape_samples_scraped');
    const duration = idOf(store, 'scrape_duration_seconds');
    expect(store.series(up)?.labels).toEqual({ __name__: 'up', ...TARGET });
    expect(store.range([up, samples, duration, idOf(store, 'a')], 0, 5000)).toEqual({
      xs: [1000, 2000],
      ys: [[1, 0], [3, 0], [0.25, 0.25], [1, null]],
    });
    expect(store.instant([idOf(store, 'a'), idOf(store, 'b')], 2000)).toEqual([null, null]);
  });

  it('keeps real NaN samples apart from stale markers', () => {
    const store = new SeriesStore();
    const decoder = new ScrapeDecoder();
    store.appendScrape(batch(decoder, 'q NaN\n', 1000));
    const q = idOf(store, 'q');
    const [sample] = store.instant([q], 1000);
    expect(sample?.tsMs).toBe(1000);
    expect(Number.isNaN(sample?.value)).toBe(true);
    expect(store.range([q], 0, 1000).ys[0]).toEqual([null]);
  });

  it('honours explicit timestamps, drops out-of-order ones and never reaches back past a stale marker', () => {
    const store = new SeriesStore();
    const decoder = new ScrapeDecoder();
    store.appendScrape(batch(decoder, 'c 1 9500\n', 10_000));
    store.appendScrape(batch(decoder, 'c 2 9500\n', 20_000)); // same timestamp again: no new sample
    store.appendScrape(batch(decoder, 'c 3 19000\n', 30_000));
    store.appendScrape(batch(decoder, '', 40_000)); // c vanished: stale at 40 s
    store.appendScrape(batch(decoder, 'c 5 35000\n', 50_000)); // older than the stale marker: dropped
    store.appendScrape(batch(decoder, 'c 6 45000\n', 60_000));
    const c = idOf(store, 'c');
    expect(store.range([c], 0, 100_000)).toEqual({ xs: [9500, 19_000, 40_000, 45_000], ys: [[1, 3, null, 6]] });
    const ignoring = new SeriesStore();
    const other = new ScrapeDecoder();
    ignoring.appendScrape(batch(other, 'c 1 9500\n', 10_000, { honorTimestamps: false }));
    expect(ignoring.range([idOf(ignoring, 'c')], 0, 20_000)).toEqual({ xs: [10_000], ys: [[1]] });
  });

  it('keeps a series whose explicit timestamps are all too old (no samples, but the same id every scrape)', () => {
    const store = new SeriesStore();
    const decoder = new ScrapeDecoder();
    const first = store.appendScrape(batch(decoder, 'ancient 1 1000\n', 10_000_000));
    const id = idOf(store, 'ancient');
    const second = store.appendScrape(batch(decoder, 'ancient 2 1000\n', 10_010_000));
    expect([first.unknownRefs, second.unknownRefs]).toEqual([0, 0]);
    expect(idOf(store, 'ancient')).toBe(id);
    expect(store.instant([id])).toEqual([null]);
  });

  it('keeps a duplicate series once (first sample wins), also when two spellings are the same series', () => {
    const store = new SeriesStore();
    store.appendScrape(batch(new ScrapeDecoder(), 'd{x=""} 1\nd 2\nd 3\n', 1000));
    expect(store.select([{ name: '__name__', op: '=', value: 'd' }])).toHaveLength(1);
    expect(store.instant([idOf(store, 'd')], 1000)).toEqual([{ tsMs: 1000, value: 1 }]);
  });

  it('keeps only the retention window, growing the ring to the interval and evicting series gone for longer', () => {
    const store = new SeriesStore({ retentionMs: 60_000 });
    const decoder = new ScrapeDecoder();
    for (let i = 1; i <= 20; i++) {
      const text = i <= 5 ? `g ${i}\nold 1\n` : `g ${i}\n`;
      store.appendScrape(batch(decoder, text, i * 10_000, { intervalMs: 10_000 }));
    }
    const g = idOf(store, 'g');
    const range = store.range([g], 0, 1_000_000);
    // 60 s window at 10 s: the scrapes at 140 … 200 s (7 slots).
    expect(range.xs).toEqual([140_000, 150_000, 160_000, 170_000, 180_000, 190_000, 200_000]);
    expect(range.ys[0]).toEqual([14, 15, 16, 17, 18, 19, 20]);
    // "old" went stale at 60 s and was evicted once that left the window.
    expect(store.select([{ name: '__name__', op: '=', value: 'old' }])).toEqual([]);
    // If it comes back it is a new series (ids are never reused).
    store.appendScrape(batch(new ScrapeDecoder(), 'g 21\nold 2\n', 210_000));
    const [back] = store.select([{ name: '__name__', op: '=', value: 'old' }]);
    expect(back.id).toBeGreaterThan(g);
    expect(store.range([back.id], 0, 1_000_000)).toEqual({ xs: [210_000], ys: [[2]] });
    store.setRetention(30_000);
    expect(store.range([g], 0, 1_000_000).xs).toEqual([180_000, 190_000, 200_000, 210_000]);
  });

  it('marks an ended target stale and drops it after the window', () => {
    const store = new SeriesStore({ retentionMs: 30_000 });
    const decoder = new ScrapeDecoder();
    store.appendScrape(batch(decoder, 'e 1\n', 10_000));
    store.endTarget('t1', 15_000);
    const e = idOf(store, 'e');
    expect(store.instant([e], 15_000)).toEqual([null]);
    expect(store.range([e], 0, 20_000)).toEqual({ xs: [10_000, 15_000], ys: [[1, null]] });
    store.appendScrape({ ...batch(new ScrapeDecoder(), 'f 1\n', 60_000), targetId: 't2' });
    expect(store.series(e)).toBeUndefined();
    expect(store.targetIds()).toEqual(['t2']);
  });

  it('counts refs it has no definition for, so the caller can reset its decoder', () => {
    const store = new SeriesStore();
    const decoder = new ScrapeDecoder();
    decoder.decode('lost 1\n', 'text'); // announced to nobody
    // The store's mirror of the decoder's string table is now out of step: nothing new is usable.
    const result = store.appendScrape(batch(decoder, 'lost 2\nfresh 1\n', 1000));
    expect(result.unknownRefs).toBe(2);
    expect(store.select([{ name: '__name__', op: '=', value: 'fresh' }])).toHaveLength(0);
    decoder.reset();
    expect(store.appendScrape(batch(decoder, 'lost 3\nfresh 2\n', 2000)).unknownRefs).toBe(0);
    expect(store.instant([idOf(store, 'lost'), idOf(store, 'fresh')])).toEqual([
      { tsMs: 2000, value: 3 },
      { tsMs: 2000, value: 2 },
    ]);
  });

  it('tells append listeners, and keeps family metadata per target', () => {
    const store = new SeriesStore();
    const events: unknown[] = [];
    const subscription = store.onAppend((event) => events.push(event));
    store.appendScrape(batch(new ScrapeDecoder(), '# HELP h Help text.\n# TYPE h counter\nh 1\n', 1000));
    subscription.dispose();
    store.appendScrape(batch(new ScrapeDecoder(), 'h 2\n', 2000));
    expect(events).toEqual([{ targetId: 't1', tsMs: 1000, samples: 4 }]);
    expect(store.metadata('t1')).toEqual([{ name: 'h', type: 'untyped' }]);
    expect(store.metadata('nope')).toEqual([]);
  });
});

describe('SeriesStore stepped ranges', () => {
  it('takes the latest sample at or before each step within the lookback, and null after a stale marker', () => {
    const store = new SeriesStore({ lookbackMs: 15_000 });
    const decoder = new ScrapeDecoder();
    store.appendScrape(batch(decoder, 's 1\n', 10_000));
    store.appendScrape(batch(decoder, 's 2\n', 20_000));
    store.appendScrape(batch(decoder, '', 30_000));
    store.appendScrape(batch(decoder, 's 4\n', 60_000));
    const s = idOf(store, 's');
    expect(store.range([s], 5_000, 80_000, 5_000)).toEqual({
      xs: [5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000, 45_000, 50_000, 55_000, 60_000, 65_000, 70_000, 75_000, 80_000],
      ys: [[null, 1, 1, 2, 2, null, null, null, null, null, null, 4, 4, 4, 4, null]],
    });
  });
});

describe('SeriesStore rate, irate, increase (Prometheus 2.x extrapolation)', () => {
  function counterStore(values: number[], stepMs = 10_000): { store: SeriesStore; id: number } {
    const store = new SeriesStore();
    const decoder = new ScrapeDecoder();
    values.forEach((value, i) => store.appendScrape(batch(decoder, `c_total ${value}\n`, i * stepMs)));
    return { store, id: idOf(store, 'c_total') };
  }

  it('handles a counter reset inside a window that the samples fill', () => {
    // 0, 10, 20, 5 (reset), 15 at 0…40 s: increase 15 + 20 = 35 over 40 s, no extrapolation needed.
    const { store, id } = counterStore([0, 10, 20, 5, 15]);
    expect(store.increase([id], 40_000, 40_000)).toEqual([35]);
    expect(store.rate([id], 40_000, 40_000)).toEqual([0.875]);
    expect(store.irate([id], 40_000, 40_000)).toEqual([1]);
  });

  it('extrapolates to the window edges when the first and last samples are near them', () => {
    // Window [5 s, 35 s] holds 10, 20, 5 at 10, 20, 30 s: raw increase 15, 5 s short at each end,
    // average spacing 10 s (threshold 11 s), so the 20 s of samples stretch to 30 s: 15 × 30/20.
    const { store, id } = counterStore([0, 10, 20, 5, 15]);
    expect(store.increase([id], 30_000, 35_000)).toEqual([22.5]);
    expect(store.rate([id], 30_000, 35_000)).toEqual([0.75]);
  });

  it('extrapolates only half a spacing when the window starts far before the first sample', () => {
    // 100…140 at 0…40 s, window [-20 s, 40 s]: 20 s ≥ 11 s so only 5 s is added: 40 × 45/40.
    const { store, id } = counterStore([100, 110, 120, 130, 140]);
    expect(store.increase([id], 60_000, 40_000)).toEqual([45]);
    expect(store.rate([id], 60_000, 40_000)).toEqual([0.75]);
  });

  it('does not extrapolate a counter below zero', () => {
    // 5, 15, 25 at 20, 30, 40 s, window [0, 40 s]: 20 s before the first sample, but at 10/s the
    // counter was 0 at 15 s, only 5 s earlier: 20 × (20 + 5 + 0)/20 = 25.
    const store = new SeriesStore();
    const decoder = new ScrapeDecoder();
    [5, 15, 25].forEach((value, i) => store.appendScrape(batch(decoder, `z_total ${value}\n`, 20_000 + i * 10_000)));
    const id = idOf(store, 'z_total');
    expect(store.increase([id], 40_000, 40_000)).toEqual([25]);
  });

  it('gives null with fewer than two samples, and ignores stale markers', () => {
    const { store, id } = counterStore([1, 2]);
    expect(store.rate([id], 5_000, 10_000)).toEqual([null]);
    const decoder = new ScrapeDecoder();
    const other = new SeriesStore();
    other.appendScrape(batch(decoder, 'y_total 1\n', 0));
    other.appendScrape(batch(decoder, '', 10_000));
    other.appendScrape(batch(decoder, 'y_total 3\n', 20_000));
    expect(other.increase([idOf(other, 'y_total')], 20_000, 20_000)).toEqual([2]);
  });

  it('evaluates over a grid as aligned columns', () => {
    const { store, id } = counterStore([0, 10, 20, 30, 40]);
    expect(store.irate([id], 20_000, { startMs: 0, endMs: 40_000, stepMs: 20_000 })).toEqual({ xs: [0, 20_000, 40_000], ys: [[null, 1, 1]] });
  });
});

describe('SeriesStore.select', () => {
  it('applies =, !=, =~ and !~ with anchored regexes and missing labels matching ""', () => {
    const store = new SeriesStore();
    store.appendScrape(batch(new ScrapeDecoder(), 'n{pod="api-1"} 1\nn{pod="api-2"} 2\nn{pod="db-1"} 3\nn 4\n', 1000));
    const pods = (matchers: Parameters<SeriesStore['select']>[0]) =>
      store.select([{ name: '__name__', op: '=', value: 'n' }, ...matchers]).map((series) => series.labels.pod ?? '');
    expect(pods([{ name: 'pod', op: '=~', value: 'api-.*' }])).toEqual(['api-1', 'api-2']);
    expect(pods([{ name: 'pod', op: '=~', value: 'api' }])).toEqual([]);
    expect(pods([{ name: 'pod', op: '!~', value: 'api-.*' }])).toEqual(['db-1', '']);
    expect(pods([{ name: 'pod', op: '!=', value: 'db-1' }])).toEqual(['api-1', 'api-2', '']);
    expect(pods([{ name: 'pod', op: '=', value: '' }])).toEqual(['']);
    expect(store.select([{ name: 'job', op: '=', value: 'node' }]).length).toBe(7);
  });

  it('rejects an invalid regular expression with a bad-request error', () => {
    const store = new SeriesStore();
    expect(() => store.select([{ name: 'a', op: '=~', value: '(' }])).toThrow(/Invalid regular expression/);
  });
});
