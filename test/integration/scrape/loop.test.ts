// Scrape loops against live local HTTP servers: gzip, timeouts (a server that hangs, a body that
// never ends), the REL-06 default limits (33 MiB body, gzip bomb, 250k samples, 10 KiB label
// value), HTML instead of metrics, and a target that disappears and returns. Each scenario waits
// for the loop's own health reports; nothing asserts on timing.
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { InlineParseRunner } from '../../../main/scrape/parse-runner.js';
import { ScrapePool, type ScrapeTarget, type TargetHealth } from '../../../main/scrape/pool.js';
import { httpRequester } from '../../../main/scrape/requester.js';
import { SeriesStore } from '../../../main/store/series-store.js';
import { startMetricsServer, textRoute, type MetricsServer } from '../../helpers/metrics-server.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(server: MetricsServer, path: string, overrides: Partial<ScrapeTarget> = {}) {
  const store = new SeriesStore();
  const runner = new InlineParseRunner();
  const pool = new ScrapePool(store, { runner, firstScrape: 'immediate' });
  const reports: TargetHealth[] = [];
  const waiters: { predicate: (h: TargetHealth) => boolean; resolve: (h: TargetHealth) => void }[] = [];
  pool.onHealthChange((health) => {
    reports.push(health);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(health)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(health);
      }
    }
  });
  const target: ScrapeTarget = {
    id: `t-${path}`,
    labels: { job: 'test', instance: `127.0.0.1:${server.port}` },
    intervalMs: 2000,
    timeoutMs: 1000,
    honorTimestamps: true,
    requester: httpRequester(server.url(path)),
    ...overrides,
  };
  await pool.sync([target]);
  cleanups.push(async () => {
    await pool.dispose();
    await runner.dispose();
  });
  const next = (predicate: (h: TargetHealth) => boolean = () => true) =>
    new Promise<TargetHealth>((resolve) => waiters.push({ predicate, resolve }));
  return { store, pool, reports, next, target };
}

async function server(routes: Parameters<typeof startMetricsServer>[0]) {
  const started = await startMetricsServer(routes);
  cleanups.push(() => started.stop());
  return started;
}

function value(store: SeriesStore, name: string): number | undefined {
  const [series] = store.select([{ name: '__name__', op: '=', value: name }]);
  if (!series) return undefined;
  return store.instant([series.id])[0]?.value;
}

describe('scrape loop against local servers', () => {
  it('scrapes gzip with the Prometheus headers, stores samples and the synthetic series, and reports up', async () => {
    const body = '# TYPE requests_total counter\nrequests_total{code="200"} 42\n';
    const s = await server({
      '/metrics': (request, response) => {
        const gzip = /gzip/.test(request.headers['accept-encoding'] ?? '');
        response.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
        response.end(gzip ? gzipSync(body) : body);
      },
    });
    const { store, next } = await setup(s, '/metrics');
    const health = await next();
    expect(health).toMatchObject({ health: 'up', lastSizeBytes: Buffer.byteLength(body), lastSamples: 1 });
    expect(health.lastError).toBeUndefined();
    const headers = s.lastHeaders('/metrics')!;
    expect(headers['accept']).toMatch(/^application\/openmetrics-text;version=1\.0\.0,.*text\/plain;version=0\.0\.4;q=0\.5/);
    expect(headers['accept-encoding']).toBe('gzip');
    expect(headers['x-prometheus-scrape-timeout-seconds']).toBe('1');
    const [series] = store.select([{ name: '__name__', op: '=', value: 'requests_total' }]);
    expect(series.labels).toEqual({ __name__: 'requests_total', code: '200', instance: `127.0.0.1:${s.port}`, job: 'test' });
    expect(value(store, 'requests_total')).toBe(42);
    expect(value(store, 'up')).toBe(1);
    expect(value(store, 'scrape_samples_scraped')).toBe(1);
    expect(store.metadata('t-/metrics')).toEqual([{ name: 'requests_total', type: 'counter' }]);
  });

  it('parses OpenMetrics when the target answers with that Content-Type', async () => {
    const s = await server({
      '/om': textRoute('# TYPE a counter\na_total 3\na_created 1.5e9\n# EOF\n', 'application/openmetrics-text; version=1.0.0; charset=utf-8'),
    });
    const { store, next } = await setup(s, '/om');
    expect((await next()).health).toBe('up');
    expect(value(store, 'a_created')).toBe(1.5e9);
    expect(store.metadata('t-/om')).toEqual([{ name: 'a', type: 'counter' }]);
  });

  it('times out on a server that accepts the request and never answers', async () => {
    const s = await server({ '/hang': () => undefined });
    const { store, next } = await setup(s, '/hang', { timeoutMs: 300 });
    const health = await next();
    expect(health.health).toBe('down');
    expect(health.lastError).toBe(`${s.url('/hang')} did not answer completely within 0.3 s (the scrape timeout). The exporter may be slow or stuck.`);
    expect(value(store, 'up')).toBe(0);
  });

  it('times out on a body that never ends', async () => {
    const s = await server({
      '/trickle': (_request, response) => {
        response.writeHead(200, { 'Content-Type': 'text/plain' });
        response.write('a 1\n');
      },
    });
    const { next } = await setup(s, '/trickle', { timeoutMs: 300 });
    expect((await next()).lastError).toMatch(/did not answer completely within 0\.3 s/);
  });

  it('fails a 33 MiB body at the 32 MiB default body_size_limit', async () => {
    const line = 'filler_metric{padding="' + 'x'.repeat(1000) + '"} 1\n';
    const body = line.repeat(Math.ceil((33 * 1024 * 1024) / line.length));
    const s = await server({ '/big': textRoute(body) });
    const { next, store } = await setup(s, '/big', { intervalMs: 20_000, timeoutMs: 15_000 });
    const health = await next();
    expect(health.health).toBe('down');
    expect(health.lastError).toBe(
      `${s.url('/big')} sent more than 32 MiB of metrics (uncompressed), the body_size_limit; raise the target's body size limit if that is expected.`,
    );
    expect(store.select([{ name: '__name__', op: '=', value: 'filler_metric' }])).toEqual([]);
  });

  // REL-06 asks for "a 10 KiB gzip that inflates to 1 GiB"; deflate cannot exceed ~1032:1, so the
  // bomb here is 16 MiB-of-zeros gzip members (16 KiB each) repeated: 16 GiB inflated from 16 MiB,
  // more than local socket buffers can swallow, so the server sees the client give up early.
  it('stops a gzip bomb (16 GiB of zeros in 16 MiB of gzip) at the body limit, with bounded memory', async () => {
    const member = gzipSync(Buffer.alloc(16 * 1024 * 1024));
    const members = 1024;
    let sentMembers = 0;
    let closedEarly = false;
    const s = await server({
      '/bomb': (_request, response) => {
        response.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' });
        response.once('close', () => {
          closedEarly = sentMembers < members;
        });
        const pump = () => {
          while (sentMembers < members) {
            sentMembers++;
            if (!response.write(member)) {
              response.once('drain', pump);
              return;
            }
          }
          response.end();
        };
        pump();
      },
    });
    global.gc?.();
    const before = process.memoryUsage();
    const { next } = await setup(s, '/bomb', { intervalMs: 20_000, timeoutMs: 15_000 });
    const health = await next();
    const after = process.memoryUsage();
    expect(health.lastError).toMatch(/sent more than 32 MiB of metrics \(uncompressed\), the body_size_limit/);
    // Inflating everything would need 16 GiB; stopping at the limit keeps ~32 MiB of chunks.
    const grownBytes = after.arrayBuffers + after.heapUsed - (before.arrayBuffers + before.heapUsed);
    expect(grownBytes).toBeLessThan(256 * 1024 * 1024);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closedEarly).toBe(true);
    expect(sentMembers).toBeLessThan(members);
  });

  it('fails 250,000 samples at the 200,000 default sample_limit and marks earlier series stale', async () => {
    let big = false;
    const s = await server({
      '/many': textRoute(() => {
        if (!big) return 'kept 1\n';
        const lines: string[] = [];
        for (let i = 0; i < 250_000; i++) lines.push(`m{i="${i}"} ${i}`);
        return lines.join('\n') + '\n';
      }),
    });
    const { next, store, pool, target } = await setup(s, '/many', { intervalMs: 600_000, timeoutMs: 15_000 });
    expect((await next()).health).toBe('up');
    expect(value(store, 'kept')).toBe(1);
    big = true;
    await pool.sync([{ ...target, intervalMs: 600_001 }]); // a changed target gets a new loop: scrapes at once
    const health = await next((h) => h.health === 'down');
    expect(health.lastError).toBe(`${s.url('/many')}: the target exposes more than 200000 samples (sample_limit).`);
    expect(value(store, 'kept')).toBeUndefined();
  });

  it('fails a 10 KiB label value at the 4 KiB label_value_length_limit', async () => {
    const s = await server({ '/long': textRoute(`m{big="${'v'.repeat(10 * 1024)}"} 1\n`) });
    const { next } = await setup(s, '/long');
    expect((await next()).lastError).toBe(
      `${s.url('/long')}: the value of label "big" of "m" is 10240 bytes, more than the label_value_length_limit of 4096.`,
    );
  });

  it('says so when a target answers with an HTML page', async () => {
    const s = await server({ '/': textRoute('<!doctype html><html><body>Login</body></html>\n', 'text/html; charset=utf-8') });
    const { next } = await setup(s, '/');
    expect((await next()).lastError).toBe(`${s.url('/')} answered with a web page (Content-Type text/html), not metrics: check the URL and path.`);
  });

  it('reports HTTP errors in words', async () => {
    const s = await server({});
    const { next } = await setup(s, '/nope');
    expect((await next()).lastError).toBe(`${s.url('/nope')} answered 404 Not Found: check the metrics path.`);
  });

  it('goes down with stale series when the target disappears, and up again when it returns', async () => {
    let n = 0;
    const s = await server({ '/metrics': textRoute(() => `counter_total ${++n}\n`) });
    const { next, store } = await setup(s, '/metrics', { intervalMs: 300, timeoutMs: 250 });
    expect((await next((h) => h.health === 'up')).health).toBe('up');
    await s.stop();
    const down = await next((h) => h.health === 'down');
    expect(down.lastError).toBe(`${s.url('/metrics')} refused the connection: is the exporter running and listening on that port?`);
    const [series] = store.select([{ name: '__name__', op: '=', value: 'counter_total' }]);
    expect(store.instant([series.id])).toEqual([null]);
    await s.restart();
    await next((h) => h.health === 'up');
    expect(store.instant([series.id])[0]?.value).toBeGreaterThan(1);
    const range = store.range([series.id], 0, Date.now() + 1000);
    expect(range.ys[0]).toContain(null);
  });
});
