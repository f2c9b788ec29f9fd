// ScrapePool reconciliation with in-memory requesters (the ScrapeRequester seam): new targets
// start, vanished ones stop and go stale, unchanged ones keep their loop, changed ones restart.
import { afterEach, describe, expect, it } from 'vitest';
import { InlineParseRunner } from '../../../../main/scrape/parse-runner.js';
import { ScrapePool, type ScrapeTarget, type TargetHealth } from '../../../../main/scrape/pool.js';
import type { ScrapeRequester } from '../../../../main/scrape/requester.js';
import { SeriesStore } from '../../../../main/store/series-store.js';
import { AppError } from '../../../../main/util/app-error.js';

function memoryRequester(name: string, body: () => string): ScrapeRequester & { calls: number } {
  const requester = {
    calls: 0,
    describe: () => `memory://${name}`,
    async request() {
      requester.calls++;
      const text = body();
      return {
        statusCode: 200,
        contentType: 'text/plain; version=0.0.4',
        body: (async function* () {
          yield new TextEncoder().encode(text);
        })(),
      };
    },
  };
  return requester;
}

function target(id: string, requester: ScrapeRequester, overrides: Partial<ScrapeTarget> = {}): ScrapeTarget {
  return { id, labels: { job: 'test', instance: id }, intervalMs: 600_000, timeoutMs: 1000, honorTimestamps: true, requester, ...overrides };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function setup() {
  const store = new SeriesStore();
  const runner = new InlineParseRunner();
  const pool = new ScrapePool(store, { runner, firstScrape: 'immediate' });
  cleanups.push(async () => {
    await pool.dispose();
    await runner.dispose();
  });
  const reports: TargetHealth[] = [];
  pool.onHealthChange((health) => reports.push(health));
  const settled = async (count: number) => {
    for (let i = 0; i < 200 && reports.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(reports.length).toBe(count);
  };
  const value = (instance: string) => {
    const [series] = store.select([
      { name: '__name__', op: '=', value: 'm' },
      { name: 'instance', op: '=', value: instance },
    ]);
    return series ? store.instant([series.id])[0] : undefined;
  };
  return { store, pool, reports, settled, value };
}

describe('ScrapePool.sync', () => {
  it('starts new targets, stops vanished ones (stale), keeps unchanged ones and restarts changed ones', async () => {
    const { pool, settled, value } = setup();
    const a = memoryRequester('a', () => 'm 1\n');
    const b = memoryRequester('b', () => 'm 2\n');
    const c = memoryRequester('c', () => 'm 3\n');
    await pool.sync([target('a', a), target('b', b), target('a', memoryRequester('dup', () => 'm 9\n'))]);
    await settled(2);
    expect(pool.health().map((health) => [health.targetId, health.health])).toEqual([
      ['a', 'up'],
      ['b', 'up'],
    ]);
    expect(value('a')?.value).toBe(1);

    await pool.sync([target('b', b), target('c', c)]);
    await settled(3);
    expect(pool.health().map((health) => health.targetId)).toEqual(['b', 'c']);
    expect([a.calls, b.calls, c.calls]).toEqual([1, 1, 1]); // b kept its loop: no new first scrape
    expect(value('a')).toBeNull(); // stopped: its series went stale
    expect(value('c')?.value).toBe(3);

    await pool.sync([target('b', b, { intervalMs: 600_001 }), target('c', c)]);
    await settled(4);
    expect(b.calls).toBe(2); // changed interval: new loop, scraped at once
  });

  it('swaps a new requester object with the same description in place', async () => {
    const { pool, settled } = setup();
    const first = memoryRequester('same', () => 'm 1\n');
    await pool.sync([target('x', first)]);
    await settled(1);
    const second = memoryRequester('same', () => 'm 2\n');
    await pool.sync([target('x', second)]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect([first.calls, second.calls]).toEqual([1, 0]);
  });

  it('reports a requester AppError as the last error, and up goes to 0', async () => {
    const { pool, settled, store } = setup();
    const failing: ScrapeRequester = {
      describe: () => 'memory://down',
      request: async () => {
        throw new AppError('forbidden', 'memory://down: the apiserver refused the proxy (needs nodes/proxy).');
      },
    };
    await pool.sync([target('down', failing)]);
    await settled(1);
    expect(pool.health()[0]).toMatchObject({ targetId: 'down', health: 'down', lastError: 'memory://down: the apiserver refused the proxy (needs nodes/proxy).' });
    const [up] = store.select([{ name: '__name__', op: '=', value: 'up' }]);
    expect(store.instant([up.id])[0]?.value).toBe(0);
  });

  it('rejects a target without a positive interval', async () => {
    const { pool } = setup();
    await expect(pool.sync([target('bad', memoryRequester('bad', () => ''), { intervalMs: 0 })])).rejects.toThrow(/positive number of ms/);
  });
});
