import { describe, expect, it } from 'vitest';
import { blueprintFromTemplate, buildPod, qosClassOf, type PodPlan } from '../../../sim/cluster/pod-factory.js';
import { validateScenario } from '../../../sim/cluster/scenario.js';

const template = {
  labels: { app: 'report' },
  initContainers: [
    { name: 'fetch', image: 'busybox:1.36' },
    { name: 'log-shipper', image: 'fluent-bit:3.2.4', restartPolicy: 'Always' as const, resources: { requests: { cpu: '5m', memory: '16Mi' }, limits: { cpu: '5m', memory: '16Mi' } } },
  ],
  containers: [{ name: 'report', image: 'python:3.13-slim', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } } }],
};

function plan(): PodPlan {
  return {
    namespace: 'batch',
    name: 'report',
    uid: 'u-1',
    nodeName: 'n1',
    blueprint: blueprintFromTemplate(template),
    createdMs: Date.parse('2026-01-01T00:00:00Z'),
    hostIP: '192.168.49.2',
    podIP: '10.244.0.9',
    runtime: 'containerd',
    containerIds: ['c'.repeat(64)],
    initContainerIds: ['a'.repeat(64), 'b'.repeat(64)],
  };
}

describe('simulated pods with init containers and sidecars', () => {
  it('runs the sidecar beside the app and shows the plain init container completed', () => {
    const pod = buildPod(plan(), 'running', Date.now());
    expect(pod.spec.initContainers?.map((c) => [c.name, c.restartPolicy])).toEqual([
      ['fetch', undefined],
      ['log-shipper', 'Always'],
    ]);
    const [fetch, sidecar] = pod.status.initContainerStatuses ?? [];
    expect(fetch).toMatchObject({ ready: false, containerID: `containerd://${'a'.repeat(64)}`, state: { terminated: { exitCode: 0, reason: 'Completed' } } });
    expect(sidecar).toMatchObject({ ready: true, started: true, containerID: `containerd://${'b'.repeat(64)}` });
    expect(sidecar.state.running).toBeDefined();
  });

  it('waits in PodInitializing before the pod runs', () => {
    const pod = buildPod(plan(), 'pending', Date.now());
    expect(pod.status.initContainerStatuses?.map((s) => s.state.waiting?.reason)).toEqual(['PodInitializing', 'PodInitializing']);
  });

  it('takes init containers into the QoS class, as the kubelet does', () => {
    // Every container with equal requests and limits except the plain init container, which sets none.
    expect(buildPod(plan(), 'running', Date.now()).status.qosClass).toBe('Burstable');
    const sidecarOnly = blueprintFromTemplate({ ...template, initContainers: [template.initContainers[1]] });
    expect(qosClassOf([...sidecarOnly.initContainers, ...sidecarOnly.containers])).toBe('Guaranteed');
  });

  it('refuses init containers the simulator cannot honour', () => {
    const scenario = (initContainers: unknown[]) => ({ name: 's', nodes: [{ name: 'n1', kubelet: { cadvisor: 'cadvisor/kubelet/k8s-1.35_minikube_containerd-2.2.1_cgroupfs_cgroupv2.prom' } }], workloads: [{ kind: 'Pod', namespace: 'a', name: 'p', template: { containers: [{ name: 'c', image: 'i' }], initContainers } }] });
    expect(() => validateScenario(scenario([{ name: 'x', image: 'i', restartPolicy: 'OnFailure' }]))).toThrow(/restartPolicy Always/);
    expect(() => validateScenario(scenario([{ name: 'x', image: 'i', ports: [{ containerPort: 80 }] }]))).toThrow(/has ports/);
    expect(() => validateScenario(scenario([{ name: 'x', image: 'i', restartPolicy: 'Always' }]))).not.toThrow();
  });
});
