import { describe, expect, it } from 'vitest';
import { counterIncrease, readLatestSamples, readTargetWindows } from '../../../../main/model/store-window.js';
import { ScrapeDecoder } from '../../../../main/scrape/exposition/decoder.js';
import { SeriesStore } from '../../../../main/store/series-store.js';

function feed(store: SeriesStore, targetId: string, labels: Record<string, string>, scrapes: readonly [number, string | null][]): void {
  const decoder = new ScrapeDecoder();
  for (const [tsMs, text] of scrapes) {
    const decoded = text === null ? null : decoder.decode(text, 'text');
    store.appendScrape({ targetId, targetLabels: labels, tsMs, honorTimestamps: true, decoded, report: { up: text === null ? 0 : 1, durationSeconds: 0.01, samplesScraped: 1 } });
  }
}

describe('counterIncrease', () => {
  it('adds the value after a drop (a restart from 0), as Prometheus does', () => {
    // 10 → 20 (+10), 20 → 5 (reset: +5), 5 → 8 (+3)
    expect(counterIncrease([10, 20, 5, 8])).toBe(18);
    expect(counterIncrease([7])).toBe(0);
  });
});

describe('readTargetWindows', () => {
  const labels = { job: 'app', instance: 'a:1', namespace: 'monitoring' };

  it('gives the newest sample and, lowered by the window’s increase, the first one: their rate is the window average', () => {
    const store = new SeriesStore();
    // requests_total: 100 at t=0, 160 at 10 s, 30 at 20 s (restarted), 90 at 30 s. The window
    // [5 s, 30 s] holds 160, 30, 90: increase 30 + 60 = 90 over 20 s → 4.5 per second.
    feed(store, 't1', labels, [
      [1_000_000, 'requests_total{namespace="web"} 100\n'],
      [1_010_000, 'requests_total{namespace="web"} 160\n'],
      [1_020_000, 'requests_total{namespace="web"} 30\n'],
      [1_030_000, 'requests_total{namespace="web"} 90\n'],
    ]);
    const window = readTargetWindows(store, new Map([['t1', labels]]), ['requests_total'], 25_000, 1_030_000).get('t1')!;
    const [now] = window.current.samples;
    const [before] = window.previous!.samples;
    // The scraped namespace comes back under its own name (the target's namespace label won the slot).
    expect(now).toEqual({ name: 'requests_total', labels: { namespace: 'web' }, value: 90, timestampMs: 1_030_000 });
    expect(before).toEqual({ name: 'requests_total', labels: { namespace: 'web' }, value: 0, timestampMs: 1_010_000 });
    expect((now.value - before.value) / ((now.timestampMs! - before.timestampMs!) / 1000)).toBe(4.5);
  });

  it('leaves out series that went stale, and targets it was not asked for', () => {
    const store = new SeriesStore();
    feed(store, 't1', labels, [
      [1_000_000, 'a 1\nb 1\n'],
      [1_010_000, 'a 2\n'],
    ]);
    feed(store, 't2', labels, [[1_000_000, 'a 5\n']]);
    const windows = readTargetWindows(store, new Map([['t1', labels]]), ['a', 'b'], 60_000, 1_010_000);
    expect([...windows.keys()]).toEqual(['t1']);
    expect(windows.get('t1')!.current.samples.map((sample) => sample.name)).toEqual(['a']);
    expect(readLatestSamples(store, new Map([['t1', labels]]), ['a', 'b']).map((sample) => [sample.name, sample.value])).toEqual([['a', 2]]);
  });
});
