import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientRequest } from 'node:http';
import { request } from 'node:https';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { simGet, startSimulator, type Simulator } from '../../helpers/sim.js';

// The simulated apiserver's own GET /metrics: authenticated like any non-resource URL, counting the
// requests it really answered (the request log is the oracle), with in-flight and long-running
// gauges and object counts.

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'minimal', processes: false, secondCluster: false });
});

afterAll(async () => {
  await sim?.stop();
});

interface ParsedFamily {
  name: string;
  type: string;
  metrics: Array<{ labels?: Record<string, string>; value?: string }>;
}

/** Scrapes /metrics and parses it with the npm parser (independent of the simulator's writer). */
async function scrape(): Promise<ParsedFamily[]> {
  const response = await simGet(sim, '/metrics');
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parsePrometheusTextFormat(response.body) as ParsedFamily[];
}

function values(families: ParsedFamily[], name: string, match: Record<string, string>): number[] {
  const family = families.find((candidate) => candidate.name === name);
  return (family?.metrics ?? []).filter((metric) => Object.entries(match).every(([key, value]) => metric.labels?.[key] === value)).map((metric) => Number(metric.value));
}

describe('apiserver /metrics', () => {
  it('answers 401 without credentials and 403 with the apiserver’s words when RBAC forbids the path', async () => {
    const anonymous = await simGet(sim, '/metrics', { token: null });
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    sim.faults.forbid('/metrics');
    try {
      const forbidden = await simGet(sim, '/metrics');
      expect(forbidden.status).toBe(403);
      expect(JSON.parse(forbidden.body)).toMatchObject({ reason: 'Forbidden', message: 'forbidden: User "sim-token" cannot get path "/metrics"' });
    } finally {
      sim.faults.forbid('/metrics', false);
    }
  });

  it('counts the requests it answered, by verb, resource, scope and code, as the request log records them', async () => {
    for (let i = 0; i < 3; i++) expect((await simGet(sim, '/api/v1/namespaces/web/pods')).status).toBe(200);
    expect((await simGet(sim, '/api/v1/namespaces/web/pods/no-such-pod')).status).toBe(404);
    expect((await simGet(sim, '/apis/apps/v1/deployments')).status).toBe(200);
    const families = await scrape();
    const logged = (path: string, status: number) => sim.requests.filter((r) => r.path === path && r.status === status && r.user !== null && !r.watch).length;
    const total = (match: Record<string, string>) => values(families, 'apiserver_request_total', { component: 'apiserver', dry_run: '', ...match });
    expect(total({ verb: 'LIST', group: '', version: 'v1', resource: 'pods', subresource: '', scope: 'namespace', code: '200' })).toEqual([logged('/api/v1/namespaces/web/pods', 200)]);
    expect(logged('/api/v1/namespaces/web/pods', 200)).toBe(3);
    expect(total({ verb: 'GET', resource: 'pods', scope: 'resource', code: '404' })).toEqual([1]);
    expect(total({ verb: 'LIST', group: 'apps', version: 'v1', resource: 'deployments', scope: 'cluster', code: '200' })).toEqual([1]);
    // The 401 and the 403 of the previous test: the 403 counts (it passed authentication), the 401 does not.
    expect(values(families, 'apiserver_request_total', { component: '', subresource: '/metrics', verb: 'GET', code: '403' })).toEqual([1]);
    expect(values(families, 'apiserver_request_total', { subresource: '/metrics', code: '401' })).toEqual([]);
    // The scrape is itself in flight while the body is written.
    expect(values(families, 'apiserver_current_inflight_requests', { request_kind: 'readOnly' })[0]).toBeGreaterThanOrEqual(1);
    expect(values(families, 'apiserver_current_inflight_requests', { request_kind: 'mutating' })).toHaveLength(1);
    expect(values(families, 'apiserver_storage_objects', { resource: 'pods' })).toEqual([sim.objects.count('pods')]);
    expect(values(families, 'apiserver_storage_objects', { resource: 'deployments.apps' })).toEqual([sim.objects.count('deployments')]);
    expect(families.find((family) => family.name === 'process_cpu_seconds_total')?.type).toBe('COUNTER');
    // The next scrape counts this one.
    const again = await scrape();
    expect(values(again, 'apiserver_request_total', { subresource: '/metrics', verb: 'GET', code: '200' })).toEqual([1]);
  });

  it('shows an open watch as a long-running request until it ends', async () => {
    const url = new URL('/api/v1/pods?watch=true&timeoutSeconds=30', sim.url);
    let watch: ClientRequest | undefined;
    const opened = new Promise<void>((resolve, reject) => {
      watch = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, ca: sim.caPem, agent: false, headers: { Authorization: `Bearer ${sim.token}` } }, (res) => {
        res.resume();
        resolve();
      });
      watch.on('error', () => undefined);
      watch.on('close', () => reject(new Error('watch closed before it was answered')));
      watch.end();
    });
    await opened;
    const during = await scrape();
    expect(values(during, 'apiserver_longrunning_requests', { verb: 'WATCH', resource: 'pods', scope: 'cluster', component: 'apiserver' })).toEqual([1]);
    watch?.destroy();
    const deadline = Date.now() + 5000;
    let after = await scrape();
    while (values(after, 'apiserver_longrunning_requests', { verb: 'WATCH', resource: 'pods' }).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = await scrape();
    }
    expect(values(after, 'apiserver_longrunning_requests', { verb: 'WATCH', resource: 'pods' })).toEqual([]);
    expect(values(after, 'apiserver_request_total', { verb: 'WATCH', resource: 'pods', scope: 'cluster', code: '200' })).toEqual([1]);
  });
});
