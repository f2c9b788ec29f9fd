import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core/create-core.js';
import { Logger, nullSink } from '../../../main/util/log.js';
import type { AppPanel, AppTarget, ContainerSeriesPayload, ContainersPayload, EventParams, EventPayload, EventTopic, WorkloadsPayload } from '../../../preload/contract/index.js';
import { startSimulator, type Simulator } from '../../helpers/sim.js';

/** Subscribes through the dispatcher (as a bridge would) and keeps the latest payload. */
function subscribe<T extends EventTopic>(core: Core, topic: T, params: EventParams<T>) {
  const state: { latest: EventPayload<T> | null; count: number; stop: () => Promise<void> } = { latest: null, count: 0, stop: async () => undefined };
  const subscription = core.dispatcher.prepareSubscription(topic, params)((payload) => {
    state.latest = payload as EventPayload<T>;
    state.count++;
  });
  state.stop = async () => subscription.dispose();
  return state;
}

async function until<T>(read: () => T | undefined | null | false, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('containers, workloads and applications topics against the simulator (minimal scenario)', () => {
  let sim: Simulator;
  let core: Core;

  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'minimal', processes: false, secondCluster: false });
    core = createCore({ front: 'cli', log: new Logger(nullSink), kubeconfigPaths: [sim.kubeconfigPath], intervalMs: 1000, home: '/nonexistent-home' });
    await core.openSession({ context: 'token' });
  });

  afterAll(async () => {
    await core?.dispose();
    await sim?.stop();
  });

  it('lists the web namespace’s containers with rates, the pod spec’s requests/limits and the sandbox network', async () => {
    const topic = subscribe(core, 'containers.list', { namespace: 'web' });
    const payload = await until<ContainersPayload>(() => {
      const latest = topic.latest;
      return latest && latest.rows.length === 4 && latest.rows.every((row) => row.cpuCores !== null && row.networkRxBytesPerSec !== null) ? latest : null;
    }, 'four measured nginx containers');
    await topic.stop();
    const nginx = payload.rows.filter((row) => row.container === 'nginx');
    expect(nginx).toHaveLength(2);
    for (const row of nginx) {
      // minimal.yaml: nginx requests cpu 50m, memory 64Mi; limits memory 128Mi (no CPU limit → no CFS → no throttling figure).
      expect(row).toMatchObject({ namespace: 'web', node: 'datagen-1-35', cpuRequestCores: 0.05, memoryRequestBytes: 64 * 1024 ** 2, memoryLimitBytes: 128 * 1024 ** 2, resourcesFrom: 'pod-spec', ownerKind: 'Deployment', ownerName: 'nginx', measured: true });
      expect(row.cpuLimitCores).toBeNull();
      expect(row.memoryWorkingSetBytes).toBeGreaterThan(0);
      expect(row.cpuCores).toBeGreaterThanOrEqual(0);
    }
    // The two containers of one pod share the pod's (sandbox's) network figures.
    const byPod = new Map<string, number[]>();
    for (const row of payload.rows) byPod.set(row.pod, [...(byPod.get(row.pod) ?? []), row.networkRxBytesPerSec as number]);
    for (const values of byPod.values()) expect(new Set(values).size).toBe(1);
    expect(payload.notes).toEqual([]);
  });

  it('charts one container with request and limit lines', async () => {
    const pod = sim.objects.list('pods', 'web')[0] as { metadata: { name: string } };
    const topic = subscribe(core, 'containers.series', { namespace: 'web', pod: pod.metadata.name, container: 'nginx' });
    const payload = await until<ContainerSeriesPayload>(() => {
      const latest = topic.latest;
      const cpu = latest?.charts.find((chart) => chart.id === 'cpu');
      return latest && cpu && cpu.ys[0].some((value) => value !== null) ? latest : null;
    }, 'a CPU chart with data');
    await topic.stop();
    expect(payload.node).toBe('datagen-1-35');
    const ids = payload.charts.map((chart) => chart.id);
    expect(ids).toEqual(expect.arrayContaining(['cpu', 'memory', 'network']));
    // No CPU limit in minimal.yaml's nginx: the CPU chart has a request line only; memory has both.
    expect(payload.charts.find((chart) => chart.id === 'cpu')!.lines.map((line) => line.role ?? 'data')).toEqual(['data', 'request']);
    const memory = payload.charts.find((chart) => chart.id === 'memory')!;
    expect(memory.lines.map((line) => line.role ?? 'data')).toEqual(['data', 'request', 'limit']);
    expect(memory.ys[1].every((value) => value === 64 * 1024 ** 2)).toBe(true);
    expect(memory.ys[2].every((value) => value === 128 * 1024 ** 2)).toBe(true);
  });

  it('shows workloads from kube-state-metrics and follows a scale-out', async () => {
    const topic = subscribe(core, 'workloads.list', {});
    const nginx = (payload: WorkloadsPayload | null) => payload?.workloads.find((workload) => workload.key === 'Deployment/web/nginx');
    const before = await until(() => topic.latest?.source === 'kube-state-metrics' && nginx(topic.latest)?.available === 2 && topic.latest, 'KSM figures for web/nginx');
    expect(nginx(before)).toMatchObject({ from: 'kube-state-metrics', desired: 2, ready: 2, available: 2 });
    expect(nginx(before)!.pods.running).toBe(2);
    expect(before.nodes.map((node) => [node.node, node.ready])).toEqual([['datagen-1-35', true]]);
    await sim.scaleDeployment('web', 'nginx', 3);
    const after = await until(() => nginx(topic.latest)?.available === 3 && topic.latest, 'three available nginx replicas');
    expect(nginx(after)).toMatchObject({ desired: 3, available: 3 });
    // Requests summed over the three pods' two containers: 3 × (50m + 10m), 3 × (64Mi + 16Mi).
    await until(() => nginx(topic.latest)?.cpuRequestCores !== null && Math.abs((nginx(topic.latest)?.cpuRequestCores ?? 0) - 0.18) < 1e-9, 'requests of three pods');
    expect(nginx(topic.latest)!.memoryRequestBytes).toBe(3 * 80 * 1024 ** 2);
    await topic.stop();
    await sim.scaleDeployment('web', 'nginx', 2);
  });

  it('follows the namespace picked for the session', async () => {
    const topic = subscribe(core, 'workloads.list', {});
    await until(() => topic.latest?.workloads.some((workload) => workload.namespace === 'monitoring'), 'all namespaces');
    await core.dispatcher.call('session.setNamespace', { namespace: 'web' });
    const scoped = await until(() => topic.latest?.workloads.every((workload) => workload.namespace === 'web') && topic.latest, 'only the web namespace');
    expect(scoped.workloads.map((workload) => workload.key)).toEqual(['Deployment/web/nginx']);
    const containers = subscribe(core, 'containers.list', {});
    const rows = await until(() => (containers.latest?.rows.length ?? 0) > 0 && containers.latest!.rows, 'containers of web');
    expect(new Set(rows.map((row) => row.namespace))).toEqual(new Set(['web']));
    await core.dispatcher.call('session.setNamespace', {});
    await until(() => containers.latest?.rows.some((row) => row.namespace === 'monitoring'), 'all namespaces again');
    await containers.stop();
    await topic.stop();
  });

  it('lists the nginx exporters as applications and shows their metrics by type', async () => {
    const list = subscribe(core, 'apps.list', null);
    const targets = await until<AppTarget[]>(() => {
      const nginx = (list.latest ?? []).filter((target) => target.kind === 'nginx' && target.health === 'up' && target.familyCount > 0);
      return nginx.length >= 2 ? nginx : null;
    }, 'two nginx exporters');
    await list.stop();
    const panel = subscribe(core, 'apps.panel', { targetId: targets[0].targetId });
    const payload = await until<AppPanel>(() => {
      const requests = panel.latest?.families.find((family) => family.name === 'nginx_http_requests_total');
      return requests && requests.values[0]?.value !== null ? panel.latest : null;
    }, 'a request rate');
    await panel.stop();
    const byName = new Map(payload.families.map((family) => [family.name, family]));
    expect(byName.get('nginx_http_requests_total')).toMatchObject({ type: 'counter', display: 'rate' });
    expect(byName.get('nginx_connections_active')).toMatchObject({ type: 'gauge', display: 'value' });
    expect(byName.get('nginx_up')?.values[0].value).toBe(1);
    // Target labels (namespace, pod, job…) are not what tells series apart: none is shown.
    expect(byName.get('nginx_up')?.values[0].labels).toEqual({});
  });
});
