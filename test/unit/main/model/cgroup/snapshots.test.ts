import { describe, expect, it } from 'vitest';
import { computeCgroupFigures, type CadvisorSnapshot } from '../../../../../main/model/cgroup/figures.js';
import { CGROUP_FAMILIES, hasRates, readCadvisorReadings } from '../../../../../main/model/cgroup/snapshots.js';
import { cgroupTreePayload } from '../../../../../main/model/cgroup/tree-payload.js';
import { readSamples } from '../../../../../main/scrape/exposition/samples.js';
import { KUBELET_DUMPS, readFixture } from '../../../../helpers/fixtures.js';
import { newestTimestampMs, rewriteExposition } from '../../../../helpers/cadvisor-text.js';
import { StoreFeed } from '../../../../helpers/store-feed.js';

const KUBELET_LABELS = { job: 'kubernetes-nodes-cadvisor', instance: 'n1', node: 'n1' };
/** A standalone cAdvisor pod's target labels collide with the exposition's `namespace`/`pod`: the store keeps those as `exported_*`. */
const POD_TARGET_LABELS = { job: 'cadvisor', namespace: 'monitoring', pod: 'cadvisor-7x2kq', node: 'n1' };

/**
 * Two scrapes of a recorded dump 10 s apart: the second has every counter (`*_total`) grown by
 * a per-line amount, the root's CPU by exactly 5 CPU-seconds in all, and cAdvisor's timestamps
 * moved by 10 s (dumps without timestamps stay without).
 */
function twoScrapes(dump: string) {
  const first = readFixture('cadvisor', 'kubelet', dump);
  const stamped = newestTimestampMs(first);
  const firstScrapeMs = (stamped ?? 1_600_000_000_000) + 1000;
  let rootCpuLines = 0;
  rewriteExposition(first, (sample) => {
    if (sample.name === 'container_cpu_usage_seconds_total' && sample.id === '/') rootCpuLines++;
    return sample;
  });
  let line = 0;
  const second = rewriteExposition(first, (sample) => {
    line++;
    let value = sample.value;
    if (sample.name === 'container_cpu_usage_seconds_total' && sample.id === '/') value += 5 / rootCpuLines;
    else if (sample.name.endsWith('_total')) value += line % 7;
    return { value, timestampMs: sample.timestampMs === null ? null : sample.timestampMs + 10_000 };
  });
  return { first, second, firstScrapeMs, secondScrapeMs: firstScrapeMs + 10_000, stamped: stamped !== null };
}

describe('readCadvisorReadings: the last two scrapes rebuilt from the store', () => {
  for (const dump of KUBELET_DUMPS) {
    for (const [what, labels] of [
      ['kubelet target', KUBELET_LABELS],
      ['standalone-cAdvisor pod target', POD_TARGET_LABELS],
    ] as const) {
      it(`gives the figures and the tree of parsing both scrapes directly (${dump}, ${what})`, () => {
        const scrapes = twoScrapes(dump);
        const feed = new StoreFeed();
        feed.scrape('cad', labels, scrapes.firstScrapeMs, scrapes.first);
        feed.scrape('cad', labels, scrapes.secondScrapeMs, scrapes.second);
        const readings = readCadvisorReadings(feed.store, 'cad', labels);
        expect(readings?.lastScrapeUp).toBe(true);
        expect(readings?.current.tsMs).toBe(scrapes.secondScrapeMs);
        expect(readings?.previous?.tsMs).toBe(scrapes.firstScrapeMs);

        // The oracle: the parser's samples of the whole payloads, as `slicewise cgls --from-file` reads them.
        const direct: { current: CadvisorSnapshot; previous: CadvisorSnapshot } = {
          current: { tsMs: scrapes.secondScrapeMs, samples: readSamples(scrapes.second, 'text') },
          previous: { tsMs: scrapes.firstScrapeMs, samples: readSamples(scrapes.first, 'text') },
        };
        const fromStore = computeCgroupFigures(readings!.current, readings!.previous);
        const expected = computeCgroupFigures(direct.current, direct.previous);
        expect(fromStore.size).toBe(expected.size);
        expect(Object.fromEntries(fromStore)).toEqual(Object.fromEntries(expected));

        const root = fromStore.get('/');
        if (root?.cpuUsageSeconds !== null && root?.cpuUsageSeconds !== undefined) expect(root.cpuCores).toBeCloseTo(0.5, 9);
        // Every cgroup has a rate interval of cAdvisor's 10 s (or the scrapes' 10 s without stamps).
        for (const figures of fromStore.values()) expect(figures.intervalMs).toBe(10_000);

        const payload = cgroupTreePayload({ node: 'n1', readings, source: null });
        const oracle = cgroupTreePayload({ node: 'n1', readings: { ...direct, lastScrapeUp: true }, source: null });
        expect(payload).toEqual(oracle);
        expect(payload.structure?.rows.length).toBeGreaterThan(40);
      });
    }
  }

  it('reads only the cgroup families, and leaves out series gone from the newest scrape', () => {
    const feed = new StoreFeed();
    const one = [
      'container_memory_working_set_bytes{id="/a"} 100 1000',
      'container_memory_working_set_bytes{id="/b"} 200 1000',
      'container_fs_inodes_free{id="/a",device="/dev/vda"} 5 1000',
    ].join('\n');
    const two = ['container_memory_working_set_bytes{id="/a"} 150 2000', 'container_fs_inodes_free{id="/a",device="/dev/vda"} 5 2000'].join('\n');
    feed.scrape('cad', KUBELET_LABELS, 1500, one);
    feed.scrape('cad', KUBELET_LABELS, 2500, two);
    const readings = readCadvisorReadings(feed.store, 'cad', KUBELET_LABELS)!;
    expect(CGROUP_FAMILIES).not.toContain('container_fs_inodes_free');
    expect(readings.current.samples).toEqual([{ name: 'container_memory_working_set_bytes', labels: { id: '/a' }, value: 150, timestampMs: 2000 }]);
    expect(readings.previous?.samples).toEqual([{ name: 'container_memory_working_set_bytes', labels: { id: '/a' }, value: 100, timestampMs: 1000 }]);
  });

  it('takes rates over cAdvisor collection times when a scrape repeats them (housekeeping slower than scraping)', () => {
    const feed = new StoreFeed();
    const text = (cpu: number, stampMs: number) =>
      [`container_cpu_usage_seconds_total{cpu="total",id="/"} ${cpu} ${stampMs}`, 'container_spec_cpu_period{id="/"} 100000'].join('\n');
    feed.scrape('cad', KUBELET_LABELS, 10_500, text(100, 10_000));
    // The next scrape comes 5 s later but cAdvisor has not collected again: same stamp, dropped by the store.
    feed.scrape('cad', KUBELET_LABELS, 15_500, text(100, 10_000));
    feed.scrape('cad', KUBELET_LABELS, 20_500, text(103, 20_000));
    const readings = readCadvisorReadings(feed.store, 'cad', KUBELET_LABELS)!;
    const figures = computeCgroupFigures(readings.current, readings.previous).get('/')!;
    // 3 CPU-seconds over cAdvisor's 10 s, not over the 5 s between the last two scrapes.
    expect(figures.intervalMs).toBe(10_000);
    expect(figures.cpuCores).toBeCloseTo(0.3, 12);
    // The spec sample carried no timestamp: it comes back without one.
    expect(readings.current.samples.find((sample) => sample.name === 'container_spec_cpu_period')).toEqual({
      name: 'container_spec_cpu_period',
      labels: { id: '/' },
      value: 100000,
      timestampMs: null,
    });
    expect(readings.previous?.tsMs).toBe(15_500);
  });

  it('keeps the last good reading when the newest scrape failed, and says so', () => {
    const feed = new StoreFeed();
    feed.scrape('cad', KUBELET_LABELS, 1500, 'container_memory_working_set_bytes{id="/"} 100 1000');
    feed.scrape('cad', KUBELET_LABELS, 2500, 'container_memory_working_set_bytes{id="/"} 300 2000');
    feed.scrape('cad', KUBELET_LABELS, 3500, null);
    const readings = readCadvisorReadings(feed.store, 'cad', KUBELET_LABELS)!;
    expect(readings.lastScrapeUp).toBe(false);
    expect(readings.current.tsMs).toBe(2500);
    expect(readings.current.samples.map((sample) => sample.value)).toEqual([300]);
    expect(readings.previous?.samples.map((sample) => sample.value)).toEqual([100]);
  });

  it('steps over the stale markers of a failed scrape while cAdvisor’s stamps lag behind it, for two good scrapes', () => {
    const feed = new StoreFeed();
    const cpu = (value: number, stampMs: number) => `container_cpu_usage_seconds_total{cpu="total",id="/"} ${value} ${stampMs}`;
    feed.scrape('cad', KUBELET_LABELS, 10_000, cpu(1, 5000));
    feed.scrape('cad', KUBELET_LABELS, 11_000, cpu(2, 6000));
    expect(hasRates(readCadvisorReadings(feed.store, 'cad', KUBELET_LABELS))).toBe(true);
    feed.scrape('cad', KUBELET_LABELS, 12_000, null);
    // Stamped 7 s, before the 12 s stale marker: the store drops it (out of order), the series looks gone.
    feed.scrape('cad', KUBELET_LABELS, 13_000, cpu(3, 7000));
    let readings = readCadvisorReadings(feed.store, 'cad', KUBELET_LABELS)!;
    expect(readings.lastScrapeUp).toBe(true);
    expect(readings.current.samples.map((sample) => [sample.value, sample.timestampMs])).toEqual([[2, 6000]]);
    expect(hasRates(readings)).toBe(true);
    feed.scrape('cad', KUBELET_LABELS, 14_000, cpu(4, 8000));
    expect(readCadvisorReadings(feed.store, 'cad', KUBELET_LABELS)!.current.samples).toHaveLength(1);
    // A third good scrape without the series: it is gone.
    feed.scrape('cad', KUBELET_LABELS, 15_000, cpu(5, 9000));
    readings = readCadvisorReadings(feed.store, 'cad', KUBELET_LABELS)!;
    expect(readings.current.samples).toEqual([]);
    expect(hasRates(readings)).toBe(false);
    // Once cAdvisor's stamps pass the marker, samples are stored again; the counter runs on across the gap.
    feed.scrape('cad', KUBELET_LABELS, 16_000, cpu(6, 12_500));
    readings = readCadvisorReadings(feed.store, 'cad', KUBELET_LABELS)!;
    expect(computeCgroupFigures(readings.current, readings.previous).get('/')?.cpuCores).toBeCloseTo((6 - 2) / 6.5, 12);
    feed.scrape('cad', KUBELET_LABELS, 17_000, cpu(7, 13_500));
    readings = readCadvisorReadings(feed.store, 'cad', KUBELET_LABELS)!;
    expect(hasRates(readings)).toBe(true);
    expect(computeCgroupFigures(readings.current, readings.previous).get('/')?.cpuCores).toBeCloseTo(1, 12);
  });

  it('is undefined before any successful scrape and for unknown targets', () => {
    const feed = new StoreFeed();
    expect(readCadvisorReadings(feed.store, 'cad', KUBELET_LABELS)).toBeUndefined();
    feed.scrape('cad', KUBELET_LABELS, 1500, null);
    expect(readCadvisorReadings(feed.store, 'cad', KUBELET_LABELS)).toBeUndefined();
    feed.scrape('other', KUBELET_LABELS, 1500, 'container_memory_working_set_bytes{id="/"} 1');
    expect(readCadvisorReadings(feed.store, 'cad', KUBELET_LABELS)).toBeUndefined();
  });
});
