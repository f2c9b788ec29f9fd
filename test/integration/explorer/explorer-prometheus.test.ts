// The Explorer and the Prometheus connection against the demo scenario: a real Debian Prometheus
// (pod monitoring/prometheus-k8s-0) scraping the real exporters, found through the cluster and
// reached through the apiserver service proxy. Expected answers come from Prometheus itself, asked
// directly on its own port (an oracle that shares none of Slicewise's transport or parsing code).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core/create-core.js';
import { Logger, nullSink } from '../../../main/util/log.js';
import type { CatalogPayload, PromRangeResult, PrometheusStatus } from '../../../preload/contract/index.js';
import { tempDir } from '../../helpers/processes.js';
import { startSimulator, type Simulator } from '../../helpers/sim.js';

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Prometheus' own answer, straight from its port (no apiserver, no Slicewise client). */
async function direct(base: string, path: string, form: Record<string, string>): Promise<{ status: number; body: { status: string; data?: unknown; error?: string; errorType?: string } }> {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  return { status: response.status, body: (await response.json()) as { status: string; data?: unknown; error?: string } };
}

describe('Explorer with the in-cluster Prometheus (demo scenario)', () => {
  let sim: Simulator;
  let core: Core;
  let prometheusBase: string;
  const settings = tempDir('slicewise-prom-settings-');
  const settingsPath = join(settings.path, 'prometheus.json');

  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'demo', secondCluster: false });
    const backend = sim.backendFor('monitoring', 'prometheus-k8s-0', 9090);
    if (!backend) throw new Error('the demo scenario has no Prometheus process');
    prometheusBase = `http://${backend.host}:${backend.port}`;
    core = createCore({ front: 'cli', log: new Logger(nullSink), kubeconfigPaths: [sim.kubeconfigPath], intervalMs: 3000, home: '/nonexistent-home', prometheusSettingsPath: settingsPath });
    await core.openSession({ context: 'token' });
  });

  afterAll(async () => {
    await core?.dispose();
    await sim?.stop();
    settings.remove();
  });

  it('finds Prometheus by its labels and reaches it through the service proxy, with its build info', async () => {
    const status = await until('Prometheus connected', () => (core.prometheus.status.value.state === 'connected' ? core.prometheus.status.value : undefined));
    const buildinfo = (await (await fetch(`${prometheusBase}/api/v1/status/buildinfo`)).json()) as { data: { version: string } };
    expect(status).toMatchObject({
      state: 'connected',
      transport: 'service-proxy',
      version: buildinfo.data.version,
      source: 'service monitoring/prometheus-k8s:9090 (label app.kubernetes.io/name=prometheus)',
      url: 'apiserver service proxy /api/v1/namespaces/monitoring/services/prometheus-k8s:9090/proxy',
    });
    const seen: PrometheusStatus[] = [];
    const subscription = core.dispatcher.prepareSubscription('prometheus.status', null)((payload) => seen.push(payload as PrometheusStatus));
    expect(seen.at(-1)?.state).toBe('connected');
    await subscription.dispose();
  });

  it('lists node_, nginx_, container_ and kube_ families under the sources that expose them', async () => {
    const expectations: [text: string, family: string, groupKey: string][] = [
      ['node_', 'node_cpu_seconds_total', 'node-exporter'],
      ['nginx_', 'nginx_connections_active', 'application:nginx'],
      ['container_', 'container_cpu_usage_seconds_total', 'cadvisor'],
      ['kube_', 'kube_pod_info', 'kube-state-metrics'],
    ];
    for (const [text, family, groupKey] of expectations) {
      const payload = await until(`${family} in the catalog`, () => {
        let latest: CatalogPayload | undefined;
        const subscription = core.dispatcher.prepareSubscription('explorer.catalog', { text, limit: 2000 })((payload) => (latest = payload as CatalogPayload));
        void subscription.dispose();
        return latest?.groups.some((group) => group.key === groupKey && group.families.some((entry) => entry.name === family)) ? latest : undefined;
      });
      const holders = payload.groups.filter((group) => group.families.some((entry) => entry.name === family)).map((group) => group.key);
      expect(holders, `${family} is listed under ${groupKey}`).toContain(groupKey);
      // Every family shown for a prefix search of a source's own prefix starts with it.
      const group = payload.groups.find((candidate) => candidate.key === groupKey)!;
      expect(group.families.filter((entry) => entry.name.startsWith(text)).length).toBeGreaterThan(0);
      const entry = group.families.find((candidate) => candidate.name === family)!;
      expect(entry.help.length).toBeGreaterThan(0);
      expect(entry.seriesCount).toBeGreaterThan(0);
    }
    // The types come from the exporters' own TYPE lines.
    const node = await core.dispatcher.call('explorer.family', { name: 'node_cpu_seconds_total' });
    expect(node.ok).toBe(true);
    if (!node.ok) return;
    const detail = node.result as { type: string; labels: { name: string; values: { value: string }[] }[] };
    expect(detail.type).toBe('counter');
    expect(detail.labels.find((label) => label.name === 'mode')?.values.map((value) => value.value)).toContain('idle');
  });

  it('lists names only Prometheus has in a group of their own, with details from its series API', async () => {
    // Prometheus writes scrape_series_added for each of its targets; Slicewise's scrapes do not.
    const payload = await until('Prometheus-only names in the catalog', () => {
      let latest: CatalogPayload | undefined;
      void core.dispatcher.prepareSubscription('explorer.catalog', { text: 'scrape_series_added' })((value) => (latest = value as CatalogPayload)).dispose();
      return latest?.groups.some((group) => group.kind === 'prometheus-only') ? latest : undefined;
    });
    const remote = payload.groups.find((group) => group.kind === 'prometheus-only')!;
    expect(remote.families[0]).toMatchObject({ name: 'scrape_series_added', seriesCount: null });
    const detail = await core.dispatcher.call('explorer.family', { name: 'scrape_series_added' });
    expect(detail.ok).toBe(true);
    if (!detail.ok) return;
    const oracle = (await (await fetch(`${prometheusBase}/api/v1/series?match[]=scrape_series_added&start=${(Date.now() - 300_000) / 1000}`)).json()) as { data: Record<string, string>[] };
    const result = detail.result as { groups: { key: string }[]; seriesCount: number; labels: { name: string; valueCount: number }[] };
    expect(result.groups.map((group) => group.key)).toEqual(['prometheus-only']);
    expect(result.seriesCount).toBeGreaterThan(0);
    expect(result.labels.find((label) => label.name === 'job')?.valueCount).toBe(new Set(oracle.data.map((series) => series.job)).size);
  });

  it('charts a range query of rate(node_cpu_seconds_total[1m]) exactly as Prometheus answers it', async () => {
    // Let Prometheus (scraping every 5 s) hold a few samples of every series first, so rate() has points.
    const endMs = await until('samples in Prometheus', async () => {
      const answer = await direct(prometheusBase, '/api/v1/query', { query: 'count_over_time(node_cpu_seconds_total[1m])' });
      const counts = ((answer.body.data as { result: { value: [number, string] }[] }).result ?? []).map((entry) => Number(entry.value[1]));
      return counts.length > 0 && Math.min(...counts) >= 3 ? Date.now() - 1_000 : undefined;
    }, 90_000);
    const startMs = endMs - 5 * 60_000;
    const call = await core.dispatcher.call('promql.queryRange', { expr: 'rate(node_cpu_seconds_total[1m])', startMs, endMs, maxSeries: 1000 });
    expect(call.ok, JSON.stringify(call)).toBe(true);
    if (!call.ok) return;
    const result = call.result as PromRangeResult;
    expect(result.source).toBe('prometheus');
    expect(result.stepMs).toBe(2000); // 5 min / 250 = 1.2 s → the next round step
    expect(result.xs).toHaveLength(151);
    expect(result.xs[0]).toBe(startMs);

    const oracle = await direct(prometheusBase, '/api/v1/query_range', { query: 'rate(node_cpu_seconds_total[1m])', start: (startMs / 1000).toFixed(3), end: (endMs / 1000).toFixed(3), step: '2' });
    const expected = (oracle.body.data as { result: { metric: Record<string, string>; values: [number, string][] }[] }).result;
    expect(result.series.length).toBe(expected.length);
    expect(result.series.length).toBeGreaterThan(0);
    for (const series of expected) {
      const mine = result.series.find((candidate) => JSON.stringify(candidate.metric) === JSON.stringify(series.metric));
      expect(mine, JSON.stringify(series.metric)).toBeDefined();
      for (const [tsSeconds, raw] of series.values) {
        const index = result.xs.indexOf(Math.round(tsSeconds * 1000));
        expect(index).toBeGreaterThanOrEqual(0);
        expect(mine!.values[index]).toBe(Number(raw));
      }
      expect(mine!.values.filter((value) => value !== null)).toHaveLength(series.values.length);
    }
  });

  it('finds a live series in Prometheus by its exporter labels and node, for a longer range', async () => {
    const session = core.session.value!;
    const cases: { name: string; matchers: { name: string; op: '='; value: string }[]; target: (labels: Record<string, string>) => boolean }[] = [
      // id="/" exists on every node's kubelet: only the node tells them apart.
      { name: 'container_cpu_usage_seconds_total', matchers: [{ name: 'id', op: '=', value: '/' }], target: (labels) => labels.instance === 'minikube-m03' && labels.job === 'kubernetes-nodes-cadvisor' },
      // One shared node-exporter behind three pods: the same exporter labels three times.
      { name: 'node_cpu_seconds_total', matchers: [{ name: 'cpu', op: '=', value: '0' }, { name: 'mode', op: '=', value: 'idle' }], target: (labels) => labels.node === 'minikube-m02' },
    ];
    for (const entry of cases) {
      const ref = await until(`a live ${entry.name}`, () =>
        session.store.select([{ name: '__name__', op: '=', value: entry.name }, ...entry.matchers]).find((candidate) => entry.target(candidate.labels)),
      );
      const endMs = Date.now() - 1000;
      const startMs = endMs - 5 * 60_000;
      const call = await core.dispatcher.call('promql.seriesHistory', { seriesId: ref.id, fn: 'rate', startMs, endMs });
      expect(call.ok, JSON.stringify(call)).toBe(true);
      if (!call.ok) continue;
      const result = call.result as PromRangeResult;
      expect(result.series).toHaveLength(1);
      expect(result.notes).toBeUndefined();
      expect(result.expr).toMatch(new RegExp(`^rate\\(${entry.name}\\{.*\\}\\[60s\\]\\)$`));
      // Oracle: Prometheus' own answer to the expression Slicewise built.
      const oracle = await direct(prometheusBase, '/api/v1/query_range', { query: result.expr!, start: (startMs / 1000).toFixed(3), end: (endMs / 1000).toFixed(3), step: String(result.stepMs! / 1000) });
      const expected = (oracle.body.data as { result: { metric: Record<string, string>; values: [number, string][] }[] }).result;
      expect(expected).toHaveLength(1);
      expect(result.series[0].metric).toEqual(expected[0].metric);
      for (const [label, value] of Object.entries(ref.labels)) {
        // Exporter labels carry over as they are; the node shows up under Prometheus' own label for it.
        if (!['job', 'instance', 'namespace', 'pod', 'node', '__name__'].includes(label) && !(label in (session.targets.value.find((t) => t.id === ref.targetId)?.labels ?? {}))) expect(expected[0].metric[label], label).toBe(value);
      }
      expect(Object.values(expected[0].metric)).toContain(entry.name === 'container_cpu_usage_seconds_total' ? 'minikube-m03' : 'minikube-m02');
      expect(result.series[0].values.filter((value) => value !== null)).toHaveLength(expected[0].values.length);
    }
  });

  it('shows Prometheus’ own message for a PromQL syntax error', async () => {
    const broken = 'rate(node_cpu_seconds_total[1m]';
    const oracle = await direct(prometheusBase, '/api/v1/query', { query: broken });
    expect(oracle.status).toBe(400);
    expect(oracle.body.errorType).toBe('bad_data');
    const call = await core.dispatcher.call('promql.query', { expr: broken });
    expect(call).toEqual({ ok: false, error: { code: 'bad-request', message: oracle.body.error } });
    // Prometheus words the two endpoints' parse errors slightly differently; each is shown as sent.
    const endMs = Date.now();
    const rangeOracle = await direct(prometheusBase, '/api/v1/query_range', { query: broken, start: ((endMs - 60_000) / 1000).toFixed(3), end: (endMs / 1000).toFixed(3), step: '1' });
    const range = await core.dispatcher.call('promql.queryRange', { expr: broken, startMs: endMs - 60_000, endMs, stepMs: 1000 });
    expect(range).toEqual({ ok: false, error: { code: 'bad-request', message: rangeOracle.body.error } });
    expect(rangeOracle.body.error).toContain('unclosed left parenthesis');
  });

  it('completes label names and values from Prometheus', async () => {
    const labels = await core.dispatcher.call('promql.labelNames', { match: 'node_cpu_seconds_total' });
    const values = await core.dispatcher.call('promql.labelValues', { label: 'mode', match: 'node_cpu_seconds_total' });
    const expectedLabels = (await (await fetch(`${prometheusBase}/api/v1/labels?match[]=node_cpu_seconds_total`)).json()) as { data: string[] };
    const expectedValues = (await (await fetch(`${prometheusBase}/api/v1/label/mode/values?match[]=node_cpu_seconds_total`)).json()) as { data: string[] };
    expect(labels).toEqual({ ok: true, result: expectedLabels.data });
    expect(values).toEqual({ ok: true, result: expectedValues.data });
  });

  it('falls back to a port-forward when the service proxy is forbidden, and says why', async () => {
    sim.faults.forbid('services/proxy');
    try {
      const status = await core.prometheus.recheck();
      expect(status.state).toBe('connected');
      expect(status.transport).toBe('port-forward');
      expect(status.url).toBe('port-forward to pod monitoring/prometheus-k8s-0:9090');
      expect(status.message).toContain('services/proxy');
      const call = await core.dispatcher.call('promql.query', { expr: 'up{job="kubelet"}' });
      expect(call.ok).toBe(true);
    } finally {
      sim.faults.forbid('services/proxy', false);
    }
    expect((await core.prometheus.recheck()).transport).toBe('service-proxy');
  });

  it('uses a user-given URL with a tenant header, remembers the URL but never the token, and goes back to auto-detection', async () => {
    const token = 'canary-token-5a1c3e';
    const configured = await core.dispatcher.call('prometheus.configure', { url: `${prometheusBase}/`, orgId: 'tenant-a', bearerToken: token });
    expect(configured.ok).toBe(true);
    if (!configured.ok) return;
    const status = configured.result as PrometheusStatus;
    expect(status).toMatchObject({ state: 'connected', source: 'configured URL', transport: 'direct', url: prometheusBase, configured: { url: prometheusBase, orgId: 'tenant-a', hasToken: true } });
    expect(JSON.stringify(status)).not.toContain(token);
    expect(existsSync(settingsPath)).toBe(true);
    const saved = readFileSync(settingsPath, 'utf8');
    expect(JSON.parse(saved)).toEqual({ version: 1, contexts: { token: { url: `${prometheusBase}/`, orgId: 'tenant-a' } } });
    expect(saved).not.toContain(token);

    const back = await core.dispatcher.call('prometheus.configure', {});
    expect(back.ok && (back.result as PrometheusStatus).transport).toBe('service-proxy');
    expect(JSON.parse(readFileSync(settingsPath, 'utf8'))).toEqual({ version: 1, contexts: {} });
  });
  it('follows a switch to this machine: no Prometheus there, and a catalog of its own targets', async () => {
    await core.openSession({ local: true });
    expect(core.prometheus.status.value).toMatchObject({ state: 'none', message: 'This machine has no cluster to look for a Prometheus in; give a Prometheus URL to use one.' });
    expect(core.prometheus.client()).toBeNull();
    const forced = await core.dispatcher.call('promql.query', { expr: 'up', source: 'prometheus' });
    expect(forced.ok ? '' : forced.error.code).toBe('unavailable');
    const payload = await until('this machine’s catalog', () => {
      let latest: CatalogPayload | undefined;
      void core.dispatcher.prepareSubscription('explorer.catalog', {})((value) => (latest = value as CatalogPayload)).dispose();
      return latest && ['cadvisor', 'node-exporter'].every((key) => latest!.groups.some((group) => group.key === key)) ? latest : undefined;
    });
    // Its cgroups read as cAdvisor and /proc as node-exporter; nothing of the cluster is left.
    expect(payload.groups.find((group) => group.key === 'cadvisor')?.selector).toBe('job="local-cgroups"');
    expect(payload.groups.find((group) => group.key === 'node-exporter')?.selector).toBe('job="local-node"');
    expect(payload.groups.some((group) => group.kind === 'application' || group.kind === 'kube-state-metrics')).toBe(false);
  });
});
