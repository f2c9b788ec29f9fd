import { describe, expect, it } from 'vitest';
import { HttpPrometheusClient, alignMatrix, parseSampleValue, type PrometheusTransport } from '../../../../main/promql/client.js';
import { CachedPrometheusClient } from '../../../../main/promql/cached-client.js';
import { AppError } from '../../../../main/util/app-error.js';
import { readFixture } from '../../../helpers/fixtures.js';

/** Answers each API path with a fixture body, recording what was asked. */
function fixtureTransport(routes: Record<string, { status?: number; body: string }>) {
  const calls: Array<{ path: string; method: string; body?: string; headers: Record<string, string> }> = [];
  const transport: PrometheusTransport = async (pathAndQuery, init) => {
    calls.push({ path: pathAndQuery, method: init.method, body: init.body, headers: init.headers });
    const route = routes[pathAndQuery.split('?')[0]];
    if (!route) return { status: 404, contentType: 'text/plain', body: '404 page not found' };
    return { status: route.status ?? 200, contentType: 'application/json', body: route.body };
  };
  return { transport, calls };
}

const api = (name: string) => readFixture('prometheus-api', 'docs-querying-api-md', `${name}.json`);

describe('HttpPrometheusClient', () => {
  it('parses an instant vector from the API docs', async () => {
    const { transport, calls } = fixtureTransport({ '/api/v1/query': { body: api('query_instant_up') } });
    const client = new HttpPrometheusClient(transport, { headers: { Authorization: 'Bearer t0k', 'X-Scope-OrgID': 'tenant-a' } });
    const result = await client.query('up', 1435781451781);
    expect(result.resultType).toBe('vector');
    if (result.resultType !== 'vector') return;
    expect(result.samples).toEqual([
      { metric: { __name__: 'up', job: 'prometheus', instance: 'localhost:9090' }, tsMs: 1435781451781, value: 1, raw: '1' },
      { metric: { __name__: 'up', job: 'node', instance: 'localhost:9100' }, tsMs: 1435781451781, value: 0, raw: '0' },
    ]);
    expect(calls[0]).toMatchObject({ path: '/api/v1/query', method: 'POST', body: 'query=up&time=1435781451.781' });
    expect(calls[0].headers).toMatchObject({ Authorization: 'Bearer t0k', 'X-Scope-OrgID': 'tenant-a', 'Content-Type': 'application/x-www-form-urlencoded' });
  });

  it('aligns a range result on the step grid with null gaps', async () => {
    const { transport, calls } = fixtureTransport({ '/api/v1/query_range': { body: api('query_range_up') } });
    const client = new HttpPrometheusClient(transport);
    const result = await client.queryRange('up', 1435781430781, 1435781475781, 15_000);
    expect(result.xs).toEqual([1435781430781, 1435781445781, 1435781460781, 1435781475781]);
    expect(result.series.map((series) => series.values)).toEqual([
      [1, 1, 1, null],
      [0, 0, 1, null],
    ]);
    expect(calls[0].body).toBe('query=up&start=1435781430.781&end=1435781475.781&step=15');
  });

  it('surfaces Prometheus’ own error text for a bad query, as a bad-request', async () => {
    const { transport } = fixtureTransport({ '/api/v1/query': { status: 400, body: readFixture('prometheus-api', 'errors', 'grafana-proxied-bad_data_bergquist-dashboards-10.json') } });
    const error = await new HttpPrometheusClient(transport).query('irate(x[5m]').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'bad-request', message: 'Parse error at char 25: unknown function with name "irate"' });
  });

  it('explains an answer that is not the Prometheus API', async () => {
    const { transport } = fixtureTransport({});
    const error = await new HttpPrometheusClient(transport).buildInfo().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unavailable', message: 'The Prometheus endpoint answered HTTP 404 without an API response.' });
  });

  it('reads build info, labels, metadata and series', async () => {
    const { transport } = fixtureTransport({
      '/api/v1/status/buildinfo': { body: api('status_buildinfo') },
      '/api/v1/labels': { body: api('labels') },
      '/api/v1/metadata': { body: api('metadata_limit2') },
      '/api/v1/series': { body: api('series') },
    });
    const client = new HttpPrometheusClient(transport);
    expect((await client.buildInfo()).version).toMatch(/^\d+\.\d+\.\d+/);
    expect(await client.labelNames()).toContain('__name__');
    expect((await client.metadata()).http_requests_total).toHaveLength(2);
    expect((await client.series(['up'], 0, 1000))[0]).toHaveProperty('__name__');
  });
});

describe('label lookups narrowed to series', () => {
  it('sends match[] and the window, and caches each scope on its own', async () => {
    const { transport, calls } = fixtureTransport({ '/api/v1/labels': { body: api('labels') }, '/api/v1/label/job/values': { body: api('label_http_status_code_values') } });
    const client = new CachedPrometheusClient(new HttpPrometheusClient(transport), { now: () => 0 });
    await client.labelNames({ match: ['up{job="node"}'] });
    await client.labelNames({ match: ['up{job="node"}'] });
    await client.labelNames();
    await client.labelValues('job', { match: ['up'], startMs: 1000, endMs: 2000 });
    await client.labelValues('job', { match: ['up'], startMs: 1000, endMs: 2000 });
    expect(calls.map((call) => call.path)).toEqual([
      '/api/v1/labels?match%5B%5D=up%7Bjob%3D%22node%22%7D',
      '/api/v1/labels',
      // Windowed lookups depend on when they were asked: not cached.
      '/api/v1/label/job/values?match%5B%5D=up&start=1.000&end=2.000',
      '/api/v1/label/job/values?match%5B%5D=up&start=1.000&end=2.000',
    ]);
  });
});

describe('CachedPrometheusClient and empty answers', () => {
  it('keeps an empty answer (nothing scraped yet) for a short while only', async () => {
    let now = 0;
    let names: string[] = [];
    let asked = 0;
    const inner = { labelValues: async () => (asked++, names) } as unknown as ConstructorParameters<typeof CachedPrometheusClient>[0];
    const client = new CachedPrometheusClient(inner, { maxAgeMs: 120_000, emptyMaxAgeMs: 10_000, now: () => now });
    expect(await client.labelValues('__name__')).toEqual([]);
    names = ['up'];
    now = 5_000;
    expect(await client.labelValues('__name__')).toEqual([]);
    now = 10_000;
    expect(await client.labelValues('__name__')).toEqual(['up']);
    now = 20_000;
    expect(await client.labelValues('__name__')).toEqual(['up']);
    expect(asked).toBe(2);
    // Past the refresh age: still served from the cache, refreshed once in the background.
    now = 100_000;
    expect(await client.labelValues('__name__')).toEqual(['up']);
    expect(asked).toBe(3);
  });
});

describe('values and alignment', () => {
  it('maps NaN and infinities to gaps', () => {
    expect(parseSampleValue('1.5e-7')).toBe(1.5e-7);
    expect(parseSampleValue('NaN')).toBeNull();
    expect(parseSampleValue('+Inf')).toBeNull();
    expect(parseSampleValue('-Inf')).toBeNull();
  });

  it('unions timestamps when no step is known', () => {
    const aligned = alignMatrix([
      { metric: { a: '1' }, values: [[1, '1'], [3, '3']] },
      { metric: { a: '2' }, values: [[2, '2']] },
    ]);
    expect(aligned.xs).toEqual([1000, 2000, 3000]);
    expect(aligned.series.map((series) => series.values)).toEqual([
      [1, null, 3],
      [null, 2, null],
    ]);
  });
});

describe('CachedPrometheusClient', () => {
  it('caches label and metadata lookups for their max age, never queries, and forgets failures', async () => {
    let now = 0;
    const counts: Record<string, number> = {};
    let failLabels = true;
    const inner = {
      buildInfo: async () => ({ version: '2.42.0' }),
      query: async () => {
        counts.query = (counts.query ?? 0) + 1;
        return { resultType: 'scalar' as const, tsMs: 0, raw: '1' };
      },
      queryRange: async () => ({ xs: [], series: [], warnings: [] }),
      labelNames: async () => {
        counts.labels = (counts.labels ?? 0) + 1;
        if (failLabels) throw new Error('boom');
        return ['job'];
      },
      labelValues: async () => ['a'],
      series: async () => [],
      metadata: async () => {
        counts.metadata = (counts.metadata ?? 0) + 1;
        return {};
      },
    };
    const client = new CachedPrometheusClient(inner, { maxAgeMs: 1000, now: () => now });
    await client.metadata();
    await client.metadata();
    expect(counts.metadata).toBe(1);
    now = 1500;
    await client.metadata();
    expect(counts.metadata).toBe(2);
    await client.query('1');
    await client.query('1');
    expect(counts.query).toBe(2);
    await expect(client.labelNames()).rejects.toThrow('boom');
    await Promise.resolve();
    failLabels = false;
    expect(await client.labelNames()).toEqual(['job']);
    expect(counts.labels).toBe(2);
  });
});

describe('CachedPrometheusClient refresh', () => {
  it('serves a stale hit at once and refreshes it in the background', async () => {
    let now = 0;
    let names = ['up'];
    let calls = 0;
    const inner = {
      buildInfo: async () => ({ version: '2.42.0' }),
      query: async () => ({ resultType: 'scalar' as const, tsMs: 0, raw: '1' }),
      queryRange: async () => ({ xs: [], series: [], warnings: [] }),
      labelNames: async () => ['__name__'],
      labelValues: async () => {
        calls += 1;
        return [...names];
      },
      series: async () => [],
      metadata: async () => ({}),
    };
    const client = new CachedPrometheusClient(inner, { maxAgeMs: 120_000, refreshAfterMs: 15_000, now: () => now });
    expect(await client.labelValues('__name__')).toEqual(['up']);
    names = ['up', 'nginx_up'];
    now = 5_000;
    expect(await client.labelValues('__name__')).toEqual(['up']);
    expect(calls).toBe(1);
    now = 20_000;
    // Stale: the old answer now, a refresh behind it.
    expect(await client.labelValues('__name__')).toEqual(['up']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toBe(2);
    expect(await client.labelValues('__name__')).toEqual(['up', 'nginx_up']);
    expect(calls).toBe(2);
  });
});
