// The Explorer without any Prometheus (the minimal scenario has none): the catalog still lists what
// Slicewise scrapes, and rate() of a pod's CPU counter is charted from Slicewise's own store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core/create-core.js';
import { Logger, nullSink } from '../../../main/util/log.js';
import type { CatalogPayload, PromInstantAnswer, PromRangeResult } from '../../../preload/contract/index.js';
import { startSimulator, type Simulator } from '../../helpers/sim.js';

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('Explorer without Prometheus (minimal scenario)', () => {
  let sim: Simulator;
  let core: Core;

  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'minimal', processes: false, secondCluster: false });
    core = createCore({ front: 'cli', log: new Logger(nullSink), kubeconfigPaths: [sim.kubeconfigPath], intervalMs: 2000, home: '/nonexistent-home', prometheusSettingsPath: '' });
    await core.openSession({ context: 'token' });
  });

  afterAll(async () => {
    await core?.dispose();
    await sim?.stop();
  });

  it('says in words that no Prometheus was found', async () => {
    const status = await until('detection to finish', () => (['none', 'error'].includes(core.prometheus.status.value.state) ? core.prometheus.status.value : undefined));
    expect(status.state).toBe('none');
    expect(status.message).toMatch(/^No Prometheus found in this cluster \(looked for .*operated.*app\.kubernetes\.io\/name=prometheus.*\)\. Give a Prometheus URL/);
  });

  it('charts rate(container_cpu_usage_seconds_total{pod="…"}[1m]) from the store, matching the counter’s own growth', async () => {
    const session = core.session.value!;
    // A pod's container CPU counter with enough scrapes behind it (the kubelet replays counters at each cgroup's constant average rate).
    const ref = await until('a pod CPU counter with 5 scrapes', () => {
      const refs = session.store.select([
        { name: '__name__', op: '=', value: 'container_cpu_usage_seconds_total' },
        { name: 'pod', op: '!=', value: '' },
        { name: 'container', op: '!=', value: '' },
      ]);
      return refs.find((candidate) => session.store.range([candidate.id], 0, Date.now()).xs.length >= 5);
    });
    const pod = ref.labels.pod;
    const endMs = Date.now();
    const call = await core.dispatcher.call('promql.queryRange', { expr: `rate(container_cpu_usage_seconds_total{pod="${pod}"}[1m])`, startMs: endMs - 5 * 60_000, endMs });
    expect(call.ok, JSON.stringify(call)).toBe(true);
    if (!call.ok) return;
    const result = call.result as PromRangeResult;
    expect(result.source).toBe('local');
    expect(result.stepMs).toBe(2000);
    expect(result.series.length).toBeGreaterThan(0);
    for (const series of result.series) {
      expect(series.metric.pod).toBe(pod);
      expect(series.metric.__name__).toBeUndefined(); // rate() drops the name, as in PromQL
    }

    const mine = result.series.find((series) => series.metric.container === ref.labels.container && series.metric.id === ref.labels.id)!;
    expect(mine).toBeDefined();
    // Oracle: the counter's raw samples (no stepping, no extrapolation). The kubelet replay grows it
    // at a constant rate r = Δv/Δt, so a rate() point at x whose [x-1m, x] window holds samples
    // spanning S seconds (average spacing a) lies between r·S/60 (no extrapolation) and
    // r·min(60, S + 2·1.1·a)/60 (the most Prometheus extrapolates towards both window edges).
    const raw = session.store.range([ref.id], 0, endMs);
    const points = raw.xs.map((x, index) => [x, raw.ys[0][index]] as const).filter((point): point is readonly [number, number] => point[1] !== null);
    const [firstMs, firstValue] = points[0];
    const [lastMs, lastValue] = points[points.length - 1];
    const slope = (lastValue - firstValue) / ((lastMs - firstMs) / 1000);
    expect(slope).toBeGreaterThan(0);
    let checked = 0;
    result.xs.forEach((x, index) => {
      const inWindow = points.filter(([t]) => t >= x - 60_000 && t <= x);
      const value = mine.values[index];
      if (inWindow.length < 2) {
        expect(value, `no rate with fewer than two samples at ${x}`).toBeNull();
        return;
      }
      const spanSeconds = (inWindow[inWindow.length - 1][0] - inWindow[0][0]) / 1000;
      const spacingSeconds = spanSeconds / (inWindow.length - 1);
      expect(value).not.toBeNull();
      expect(value!).toBeGreaterThanOrEqual((slope * spanSeconds) / 60 - 1e-12);
      expect(value!).toBeLessThanOrEqual((slope * Math.min(60, spanSeconds + 2.2 * spacingSeconds)) / 60 + 1e-12);
      checked++;
    });
    expect(checked).toBeGreaterThanOrEqual(2);
    // Five minutes lie inside the store's 15-minute window: nothing was cut, so nothing is noted.
    expect(result.notes ?? []).toEqual([]);
  });

  it('answers instant queries and completion from the store, and explains PromQL it cannot evaluate', async () => {
    const instant = await core.dispatcher.call('promql.query', { expr: 'up{job="kubernetes-nodes-cadvisor"}' });
    expect(instant.ok).toBe(true);
    if (instant.ok) {
      const answer = instant.result as PromInstantAnswer;
      expect(answer.source).toBe('local');
      expect(answer.result.resultType === 'vector' && answer.result.samples.map((sample) => [sample.metric.instance, sample.value])).toEqual([['datagen-1-35', 1]]);
    }
    const names = await core.dispatcher.call('promql.labelValues', { label: '__name__', match: '{job="kubernetes-nodes-cadvisor"}' });
    expect(names.ok && names.result).toContain('container_cpu_usage_seconds_total');
    const unsupported = await core.dispatcher.call('promql.query', { expr: 'sum(rate(container_cpu_usage_seconds_total[1m]))' });
    expect(unsupported).toEqual({
      ok: false,
      error: {
        code: 'bad-request',
        message: 'Cannot read the selector at column 4: unknown function "sum" (supported without Prometheus: rate, irate, increase).',
        hint: 'Without a Prometheus, Slicewise evaluates a selector like name{label="value"} or rate(), irate() or increase() of one; connect a Prometheus for full PromQL.',
      },
    });
    const forced = await core.dispatcher.call('promql.query', { expr: 'up', source: 'prometheus' });
    expect(forced.ok ? '' : forced.error.code).toBe('unavailable');
  });

  it('groups the scraped families by source, without Prometheus', async () => {
    const payload = await until('the catalog', () => {
      let latest: CatalogPayload | undefined;
      void core.dispatcher.prepareSubscription('explorer.catalog', { text: 'container_cpu_usage' })((value) => (latest = value as CatalogPayload)).dispose();
      return latest?.groups.some((group) => group.kind === 'cadvisor') ? latest : undefined;
    });
    const cadvisor = payload.groups.find((group) => group.kind === 'cadvisor')!;
    expect(cadvisor.families[0].name).toBe('container_cpu_usage_seconds_total');
    expect(cadvisor.selector).toBe('job="kubernetes-nodes-cadvisor"');
    expect(payload.groups.some((group) => group.kind === 'prometheus-only')).toBe(false);
  });
});
