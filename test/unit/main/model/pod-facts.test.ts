import { describe, expect, it } from 'vitest';
import { podFacts, podResource, toPodMeta, type ContainerFacts } from '../../../../main/model/pod-facts.js';

const CONTAINERD = (hex: string) => `containerd://${hex.repeat(64 / hex.length)}`;

/** A pod with a finished init container, a native sidecar (KEP-753) and one app container. */
const pod = podFacts({
  metadata: { name: 'web-0', namespace: 'web', uid: 'u-1' },
  spec: {
    nodeName: 'n1',
    initContainers: [
      { name: 'migrate', image: 'migrate:1', resources: { requests: { cpu: '2', memory: '256Mi' } } },
      { name: 'istio-proxy', image: 'proxyv2:1.24', restartPolicy: 'Always', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '1Gi' } } },
    ],
    containers: [{ name: 'app', image: 'app:1', resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '1Gi' } } }],
  },
  status: {
    phase: 'Running',
    qosClass: 'Burstable',
    initContainerStatuses: [
      { name: 'migrate', containerID: CONTAINERD('a'), restartCount: 1, state: { terminated: { reason: 'Completed' } } },
      { name: 'istio-proxy', containerID: CONTAINERD('b'), restartCount: 0, state: { running: {} } },
    ],
    containerStatuses: [{ name: 'app', containerID: CONTAINERD('c'), restartCount: 2, state: { running: {} } }],
  },
});

describe('podFacts', () => {
  it('reads init containers and sidecars with their own statuses, in start order before the app containers', () => {
    expect(pod.containers.map((container) => [container.name, container.role, container.state, container.restarts])).toEqual([
      ['migrate', 'init', 'terminated', 1],
      ['istio-proxy', 'sidecar', 'running', 0],
      ['app', 'app', 'running', 2],
    ]);
    expect(pod.containers[1]).toMatchObject({ containerId: 'b'.repeat(64), cpuRequestCores: 0.1, memoryLimitBytes: 2 ** 30 });
  });

  it('names every container cgroup of the pod for the cgroup tree, sidecars and init containers included', () => {
    expect(toPodMeta(pod).containers).toEqual([
      { name: 'migrate', image: 'migrate:1', containerId: 'a'.repeat(64) },
      { name: 'istio-proxy', image: 'proxyv2:1.24', containerId: 'b'.repeat(64) },
      { name: 'app', image: 'app:1', containerId: 'c'.repeat(64) },
    ]);
  });
});

describe('podResource (the scheduler’s view of a pod, KEP-753)', () => {
  const container = (role: ContainerFacts['role'], cpu: number | null): ContainerFacts => ({
    name: `${role}-${String(cpu)}`,
    role,
    image: null,
    cpuRequestCores: cpu,
    cpuLimitCores: null,
    memoryRequestBytes: null,
    memoryLimitBytes: null,
    containerId: null,
    restarts: null,
    state: 'unknown',
    stateReason: null,
    lastTerminationReason: null,
  });
  const cpu = (containers: ContainerFacts[]) => podResource(containers, (entry) => entry.cpuRequestCores);

  it('is the start-up peak when an init container asks for more than the running pod', () => {
    // migrate 2 (+ no sidecar yet) against app 0.5 + sidecar 0.1.
    expect(cpu(pod.containers)).toBe(2);
  });

  it('adds sidecars to the app containers and to every init container that starts after them', () => {
    // Running: 1 + 0.5 + 0.25 = 1.75; start-up: init 1.5 after the 0.5 sidecar = 2.0.
    expect(cpu([container('sidecar', 0.5), container('init', 1.5), container('sidecar', 0.25), container('app', 1)])).toBe(2);
    // The same init container before the sidecar: 1.5 alone, below the running 1.75.
    expect(cpu([container('init', 1.5), container('sidecar', 0.5), container('sidecar', 0.25), container('app', 1)])).toBe(1.75);
  });

  it('counts containers that set nothing as zero, and is null when none sets the figure', () => {
    expect(cpu([container('app', null), container('app', 0.3)])).toBe(0.3);
    expect(cpu([container('init', null), container('app', null)])).toBeNull();
    expect(cpu([container('init', 0.2), container('app', null)])).toBe(0.2);
  });
});
