import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core/create-core.js';
import { cgroupRowPaths } from '../../../main/model/cgroup/tree-payload.js';
import { detectCgroupLayout } from '../../../main/transport/local-host/cgroup-layout.js';
import { Logger, nullSink } from '../../../main/util/log.js';
import type { CgroupSeriesPayload } from '../../../preload/contract/index.js';
import { withStructure, type CgroupTree } from '../../../renderer/views/cgroups/cgroup-tree.js';
import { readFixture } from '../../helpers/fixtures.js';
import { startSimulator, type Simulator } from '../../helpers/sim.js';

/** The simulator's Pod objects with the fields these tests read. */
interface SimPod {
  metadata: { name: string; namespace?: string; uid: string };
  spec?: { nodeName?: string };
  status?: { phase?: string };
}

function simPods(sim: Simulator, namespace?: string): SimPod[] {
  return sim.objects.list('pods', namespace) as unknown as SimPod[];
}

const NODE = 'datagen-1-35';

/** Subscribes through the dispatcher (as a bridge would) and resolves with the first payload `done` accepts. */
function waitForPayload<T>(core: Core, topic: 'cgroups.tree' | 'cgroup.series', params: object, done: (payload: T) => boolean, timeoutMs = 60_000, complete: (payload: T, previous: T | undefined) => T = (payload) => payload): Promise<{ payload: T; all: T[] }> {
  const all: T[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void subscription.dispose();
      reject(new Error(`no ${topic} payload in time; last: ${JSON.stringify(all.at(-1))?.slice(0, 600)}`));
    }, timeoutMs);
    // The first payload arrives synchronously; `subscription` is only touched later (microtask, timer).
    const subscription = core.dispatcher.prepareSubscription(topic, params)((raw) => {
      const payload = complete(raw as T, all.at(-1));
      all.push(payload);
      if (done(payload)) {
        clearTimeout(timer);
        queueMicrotask(() => void subscription.dispose());
        resolve({ payload, all });
      }
    });
  });
}

/** `cgroups.tree` payloads with their structure filled in (sent once, then left out while unchanged). */
function waitForTree(core: Core, node: string, done: (tree: CgroupTree) => boolean): Promise<{ payload: CgroupTree; all: CgroupTree[] }> {
  return waitForPayload<CgroupTree>(core, 'cgroups.tree', { node }, done, 60_000, (payload, previous) => {
    const full = withStructure(payload, previous ?? null);
    if (!full) throw new Error(`payload without the structure ${payload.structureId}, which was never sent`);
    return full;
  });
}

describe('cgroups.tree and cgroup.series against the simulator and this machine', () => {
  let sim: Simulator;
  let core: Core;

  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'minimal', processes: false, secondCluster: false });
    core = createCore({ front: 'cli', log: new Logger(nullSink), kubeconfigPaths: [sim.kubeconfigPath], intervalMs: 2000, home: '/nonexistent-home' });
  });

  afterAll(async () => {
    await core?.dispose();
    await sim?.stop();
  });

  it('shows the node’s tree with every running pod of the cluster named, rates after two scrapes', async () => {
    expect((await core.openSession({ context: 'token' })).state).not.toBe('error');
    const { payload, all } = await waitForTree(core, NODE, (tree) => tree.structure.rows.length > 0 && tree.intervalMs !== null && tree.figures.cpuCores[0] !== null && tree.source?.health === 'up');
    // Before the data: an empty tree that says why.
    expect(all[0].structure.rows).toEqual([]);
    expect(all[0].note).toMatch(/Waiting|No kubelet cAdvisor target/);

    expect(payload.source?.health).toBe('up');
    expect(payload.driver).toBe('cgroupfs');
    expect(payload.cgroupVersion).toBe('v2');
    expect(payload.runtime).toMatch(/containerd/);
    expect(payload.note).toBeNull();
    const paths = cgroupRowPaths(payload.structure.rows);
    expect(paths[0]).toBe('/');
    expect(paths).toContain('/kubepods/burstable');
    expect(paths).toContain('/system.slice/kubelet.service');

    // The oracle: the simulator's own Pod objects on this node. Each running one is a pod row named from the cache.
    const running = simPods(sim).filter((pod) => pod.spec?.nodeName === NODE && pod.status?.phase === 'Running');
    expect(running.length).toBeGreaterThan(10);
    const podRows = payload.structure.rows.filter((row) => row.kind === 'pod');
    for (const pod of running) {
      const row = podRows.find((candidate) => payload.structure.pods[candidate.pod]?.uid === pod.metadata.uid || payload.structure.pods[candidate.pod]?.name === pod.metadata.name);
      expect(row, `${pod.metadata.namespace}/${pod.metadata.name}`).toBeDefined();
      expect(payload.structure.pods[row!.pod]).toMatchObject({ name: pod.metadata.name, namespace: pod.metadata.namespace });
      expect(row!.name).toBe(`${pod.metadata.namespace}/${pod.metadata.name}`);
    }
    const nginx = payload.structure.pods.find((pod) => pod.namespace === 'web' && pod.name?.startsWith('nginx-'));
    expect(nginx?.owner?.kind).toBe('ReplicaSet');
    expect(payload.totals.pods).toBe(podRows.length);

    // Rates: the simulator grows counters, so the root uses CPU and no figure is negative.
    const rootCores = payload.figures.cpuCores[0];
    expect(rootCores).not.toBeNull();
    expect(rootCores!).toBeGreaterThan(0);
    for (const value of payload.figures.cpuCores) if (value !== null) expect(value).toBeGreaterThanOrEqual(0);
    expect(payload.figures.memoryWorkingSetBytes[0]).toBeGreaterThan(0);
  });

  it('charts a container with CPU, memory against its limit and the sandbox network', async () => {
    const { payload: tree } = await waitForTree(core, NODE, (candidate) => candidate.intervalMs !== null);
    const paths = cgroupRowPaths(tree.structure.rows);
    const index = tree.structure.rows.findIndex((row) => row.kind === 'container' && row.name === 'coredns');
    expect(index).toBeGreaterThan(0);
    // The oracle: the limit the recorded kubelet reported for this very cgroup.
    const dump = readFixture('cadvisor', 'kubelet', 'k8s-1.35_minikube_containerd-2.2.1_cgroupfs_cgroupv2.prom');
    const limitLine = dump.split('\n').find((line) => line.startsWith('container_spec_memory_limit_bytes{') && line.includes(`id="${paths[index]}"`));
    const recordedLimit = Number(limitLine?.split(' ')[1]);
    expect(recordedLimit).toBeGreaterThan(0);

    const { payload } = await waitForPayload<CgroupSeriesPayload>(core, 'cgroup.series', { node: NODE, path: paths[index] }, (series) => (series.panels.find((panel) => panel.id === 'cpu')?.xs.length ?? 0) >= 3);
    expect(payload.name).toBe('coredns');
    expect(payload.kind).toBe('container');
    const panels = Object.fromEntries(payload.panels.map((panel) => [panel.id, panel]));
    expect(panels.cpu.lines.map((line) => line.label)).toEqual(['user', 'system']);
    expect(panels.memory.lines.at(-1)).toEqual({ label: 'limit', role: 'limit' });
    expect(panels.memory.ys.at(-1)!.at(-1)).toBe(recordedLimit);
    expect(panels.network.lines.map((line) => line.label)).toEqual(['receive', 'transmit']);
    for (const panel of payload.panels) for (const column of panel.ys) expect(column).toHaveLength(panel.xs.length);
    // The readings are cAdvisor's, one per scrape here: rates from the second on.
    expect(panels.cpu.ys[0][0]).toBeNull();
    expect(panels.cpu.ys[0].at(-1)).not.toBeNull();
  });

  it('answers for a node that does not exist with a note, not an error', async () => {
    const { payload } = await waitForTree(core, 'nope', (tree) => tree.note !== null && /not in this cluster/.test(tree.note));
    expect(payload.structure.rows).toEqual([]);
  });

  it('shows this machine’s cgroups in local mode, with the version of its mounts', async () => {
    await core.openSession({ local: true });
    const { payload } = await waitForTree(core, hostname(), (tree) => tree.structure.rows.length > 0);
    expect(payload.node).toBe(hostname());
    expect(payload.source?.targetId).toBe('local-cgroups');
    expect(payload.cgroupVersion).toBe(detectCgroupLayout('/sys/fs/cgroup').mode);
    expect(payload.structure.rows[0]).toMatchObject({ segment: '/', kind: 'root', parent: -1 });
    expect(payload.structure.pods.length).toBe(0);
    await core.closeSession();
  });
});
