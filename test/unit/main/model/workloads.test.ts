import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../main/cluster/objects.js';
import { containerRows, ksmContainerFacts } from '../../../../main/model/containers.js';
import { podFacts } from '../../../../main/model/pod-facts.js';
import { summarizeWorkloads, WORKLOAD_KSM_FAMILIES, type WorkloadsInput } from '../../../../main/model/workloads.js';
import { readSamples } from '../../../../main/scrape/exposition/samples.js';
import { KUBELET_DUMPS, readFixture } from '../../../helpers/fixtures.js';

const KSM = readSamples(readFixture('kube-state-metrics', 'ksm-v2.19.0_k8s-1.35_minikube.prom'), 'text').filter((sample) => (WORKLOAD_KSM_FAMILIES as readonly string[]).includes(sample.name));
const DUMP = readSamples(readFixture('cadvisor', 'kubelet', KUBELET_DUMPS[0]), 'text');

function input(overrides: Partial<WorkloadsInput>): WorkloadsInput {
  return { deployments: [], daemonSets: [], statefulSets: [], replicaSets: [], pods: [], nodes: [], ksm: null, containers: [], tsMs: 1000, ...overrides };
}

describe('summarizeWorkloads from the real KSM 2.19 scrape and the matching 1.35 kubelet dump', () => {
  const containers = containerRows({ node: 'datagen-1-35', window: { current: { tsMs: 0, samples: DUMP } }, pods: [] });
  const payload = summarizeWorkloads(input({ ksm: KSM, ksmContainers: ksmContainerFacts(KSM), containers }));

  it('lists the 6 deployments, 3 daemonsets and 1 statefulset of the scrape', () => {
    expect(payload.source).toBe('kube-state-metrics');
    expect(payload.note).toBeNull();
    expect(payload.workloads.map((workload) => `${workload.kind} ${workload.namespace}/${workload.name}`)).toEqual([
      'Deployment kube-system/coredns',
      'Deployment kube-system/metrics-server',
      'Deployment scraper/e2e-deployment',
      'Deployment scraper/e2e-hpa',
      'Deployment scraper/e2e-kube-state-metrics',
      'Deployment scraper/e2e-scraper',
      'DaemonSet kube-system/kindnet',
      'DaemonSet kube-system/kube-proxy',
      'DaemonSet scraper/e2e-daemonset',
      'StatefulSet scraper/e2e-statefulset',
    ]);
  });

  it('reads replicas, joins pods through their ReplicaSet, and sums requests, limits and usage', () => {
    const deployment = payload.workloads.find((workload) => workload.key === 'Deployment/scraper/e2e-deployment')!;
    expect(deployment).toMatchObject({ from: 'kube-state-metrics', desired: 2, current: 2, ready: 2, available: 2, updated: 2, unavailable: 0, restarts: 0 });
    expect(deployment.pods).toEqual({ running: 2, pending: 0, succeeded: 0, failed: 0, unknown: 0 });
    // Two pods × (requests 0.04 cores, 15 MiB; limits 0.08 cores, 30 MiB) from kube_pod_container_resource_*.
    expect(deployment.cpuRequestCores).toBeCloseTo(0.08, 12);
    expect(deployment.cpuLimitCores).toBeCloseTo(0.16, 12);
    expect(deployment.memoryRequestBytes).toBe(2 * 15728640);
    expect(deployment.memoryLimitBytes).toBe(2 * 31457280);
    // Working sets of the two compute-pi-digits containers in the dump: 10412032 + 10469376.
    expect(deployment.memoryWorkingSetBytes).toBe(20881408);
    // One reading: no CPU rate.
    expect(deployment.cpuUsedCores).toBeNull();
    const statefulSet = payload.workloads.find((workload) => workload.key === 'StatefulSet/scraper/e2e-statefulset')!;
    expect(statefulSet).toMatchObject({ desired: 2, ready: 2, available: 2 });
    expect(statefulSet.pods.running).toBe(2);
  });

  it('takes node conditions from kube_node_status_condition', () => {
    expect(payload.nodes).toEqual([
      {
        node: 'datagen-1-35',
        ready: true,
        unschedulable: false,
        from: 'kube-state-metrics',
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'DiskPressure', status: 'False' },
          { type: 'MemoryPressure', status: 'False' },
          { type: 'PIDPressure', status: 'False' },
        ],
      },
    ]);
  });

  it('counts a KSM scraped through two targets once', () => {
    const twice = summarizeWorkloads(input({ ksm: [...KSM, ...KSM], ksmContainers: ksmContainerFacts(KSM), containers }));
    expect(twice).toEqual(payload);
  });

  it('fills what this KSM does not report from the cached object, keeping KSM’s own figures', () => {
    const withoutAvailable = KSM.filter((sample) => sample.name !== 'kube_statefulset_status_replicas_available');
    const statefulSet: KubeObject = {
      metadata: { name: 'e2e-statefulset', namespace: 'scraper', uid: 's1' },
      spec: { replicas: 5, template: { spec: { containers: [{ name: 'compute-pi-digits', image: 'perl:5.34' }] } } },
      status: { replicas: 2, readyReplicas: 2, availableReplicas: 1 },
    };
    const row = summarizeWorkloads(input({ ksm: withoutAvailable, statefulSets: [statefulSet], containers })).workloads.find((workload) => workload.kind === 'StatefulSet')!;
    // desired 2 and ready 2 from KSM (the object's spec says 5, KSM wins); available 1 from the object.
    expect(row).toMatchObject({ from: 'kube-state-metrics', desired: 2, ready: 2, available: 1, images: ['perl:5.34'] });
  });

  it('filters by namespace', () => {
    const scoped = summarizeWorkloads(input({ ksm: KSM, containers, namespace: 'kube-system' }));
    expect(scoped.workloads.map((workload) => workload.name)).toEqual(['coredns', 'metrics-server', 'kindnet', 'kube-proxy']);
    expect(scoped.nodes).toHaveLength(1);
  });
});

describe('summarizeWorkloads from the API objects (no kube-state-metrics)', () => {
  const deployment: KubeObject = {
    metadata: { name: 'nginx', namespace: 'web', uid: 'd1', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { replicas: 6, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.22' }] } } },
    // availableReplicas 4; unavailableReplicas omitted by the apiserver would mean 0, but it is 2 here.
    status: { replicas: 6, readyReplicas: 4, availableReplicas: 4, updatedReplicas: 6, unavailableReplicas: 2 },
  };
  const replicaSet: KubeObject = { metadata: { name: 'nginx-abc', namespace: 'web', uid: 'r1', ownerReferences: [{ kind: 'Deployment', name: 'nginx', controller: true }] } };
  const pod = (name: string, phase: string, restarts: number) =>
    podFacts({
      metadata: { name, namespace: 'web', uid: name, ownerReferences: [{ kind: 'ReplicaSet', name: 'nginx-abc', controller: true }] },
      spec: { nodeName: 'n1', containers: [{ name: 'nginx', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } } }] },
      status: { phase, containerStatuses: [{ name: 'nginx', restartCount: restarts, state: { running: {} } }] },
    });
  const pods = [pod('nginx-abc-1', 'Running', 1), pod('nginx-abc-2', 'Running', 0), pod('nginx-abc-3', 'Pending', 2), pod('nginx-abc-4', 'Succeeded', 0)];
  const node: KubeObject = { metadata: { name: 'n1', uid: 'n1' }, spec: { unschedulable: true }, status: { conditions: [{ type: 'MemoryPressure', status: 'True' }, { type: 'Ready', status: 'Unknown' }] } };

  it('reads the Deployment status, counts pods by phase and notes where the figures come from', () => {
    const payload = summarizeWorkloads(input({ deployments: [deployment], replicaSets: [replicaSet], pods, nodes: [node], ksmProblem: 'target monitoring/ksm is down' }));
    expect(payload.source).toBe('api');
    expect(payload.note).toBe('From the API (no kube-state-metrics: target monitoring/ksm is down).');
    const row = payload.workloads[0];
    expect(row).toMatchObject({ kind: 'Deployment', from: 'api', desired: 6, current: 6, ready: 4, available: 4, updated: 6, unavailable: 2, restarts: 3, images: ['nginx:1.22'], createdMs: Date.parse('2026-01-01T00:00:00Z') });
    expect(row.pods).toEqual({ running: 2, pending: 1, succeeded: 1, failed: 0, unknown: 0 });
    // Requests of the three pods still holding resources (the Succeeded one does not): 3 × 0.1 cores, 3 × 64 MiB.
    expect(row.cpuRequestCores).toBeCloseTo(0.3, 12);
    expect(row.memoryLimitBytes).toBe(3 * 128 * 1024 * 1024);
    // No CPU limit in any container: not reported rather than 0.
    expect(row.cpuLimitCores).toBeNull();
    expect(payload.nodes).toEqual([
      { node: 'n1', ready: null, unschedulable: true, from: 'api', conditions: [{ type: 'Ready', status: 'Unknown' }, { type: 'MemoryPressure', status: 'True' }] },
    ]);
  });

  it('counts a pod with a sidecar and an init container as the scheduler does', () => {
    const withSidecar = podFacts({
      metadata: { name: 'nginx-abc-9', namespace: 'web', uid: 'nginx-abc-9', ownerReferences: [{ kind: 'ReplicaSet', name: 'nginx-abc', controller: true }] },
      spec: {
        nodeName: 'n1',
        initContainers: [
          { name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '50m', memory: '32Mi' } } },
          { name: 'warm-cache', resources: { requests: { cpu: '1', memory: '16Mi' } } },
        ],
        containers: [{ name: 'nginx', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } } }],
      },
      status: { phase: 'Running', initContainerStatuses: [{ name: 'proxy', restartCount: 5, state: { running: {} } }], containerStatuses: [{ name: 'nginx', restartCount: 0, state: { running: {} } }] },
    });
    const row = summarizeWorkloads(input({ deployments: [deployment], replicaSets: [replicaSet], pods: [withSidecar] })).workloads[0];
    // CPU: start-up peak warm-cache 1 + proxy 0.05 beats running 0.1 + 0.05. Memory: running 64 + 32 MiB beats 16 + 32.
    expect(row.cpuRequestCores).toBeCloseTo(1.05, 12);
    expect(row.memoryRequestBytes).toBe(96 * 1024 * 1024);
    expect(row.restarts).toBe(5);
  });

  it('treats omitted zero-valued status fields as 0 (the apiserver drops them)', () => {
    const scaledFromZero: KubeObject = { ...deployment, spec: { replicas: 2 }, status: { replicas: 2, updatedReplicas: 2 } };
    const row = summarizeWorkloads(input({ deployments: [scaledFromZero] })).workloads[0];
    expect(row).toMatchObject({ desired: 2, current: 2, ready: 0, available: 0, unavailable: 0 });
  });
});
