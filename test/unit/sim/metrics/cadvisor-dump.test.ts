import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fixturePath, readFixture } from '../../../helpers/fixtures.js';
import { loadCadvisorDump, parsePodCgroup, podCgroupPath } from '../../../sim/metrics/cadvisor-dump.js';
import { inferOwner } from '../../../sim/cluster/dump-objects.js';
import { containersFromDump, qosClassOf } from '../../../sim/cluster/pod-factory.js';

const dump = (file: string) => loadCadvisorDump(fixturePath('cadvisor', 'kubelet', file));

interface RecordedPod {
  metadata: { name: string; namespace: string; uid: string; annotations?: Record<string, string>; ownerReferences?: Array<{ kind: string }> };
  spec: { containers: Array<{ name: string; resources?: { limits?: Record<string, string> } }> };
  status: { qosClass: string };
}

describe('pods derived from a kubelet dump', () => {
  // nri-kubernetes captured `kubectl get pods -o yaml` of the same minikube as the 1.35 dump
  // (SOURCES.md §7): an independent record of what the dump's labels and cgroup ids must yield.
  const recorded = (parse(readFixture('kubernetes-api', 'nri-kubernetes-1.35', 'pods.yaml')) as { items: RecordedPod[] }).items;
  const derived = dump('k8s-1.35_minikube_containerd-2.2.1_cgroupfs_cgroupv2.prom');

  it('names, namespaces, UIDs (or static config hashes) and QoS classes agree with the API record', () => {
    expect(derived.pods).toHaveLength(18);
    for (const pod of derived.pods) {
      const match = recorded.find((r) => r.metadata.name === pod.name && r.metadata.namespace === pod.namespace);
      expect(match, `${pod.namespace}/${pod.name}`).toBeDefined();
      if (pod.isStatic) expect(match?.metadata.annotations?.['kubernetes.io/config.hash']).toBe(pod.cgroupUid);
      else expect(match?.metadata.uid).toBe(pod.cgroupUid);
      expect(match?.status.qosClass).toBe(pod.qos);
    }
  });

  it('owners inferred from names agree with the recorded ownerReferences', () => {
    const kinds: Record<string, string> = { Deployment: 'ReplicaSet', DaemonSet: 'DaemonSet', StatefulSet: 'StatefulSet', Node: 'Node' };
    for (const pod of derived.pods) {
      const match = recorded.find((r) => r.metadata.name === pod.name && r.metadata.namespace === pod.namespace);
      const owner = inferOwner(pod);
      expect(owner ? kinds[owner.kind] : undefined, pod.name).toBe(match?.metadata.ownerReferences?.[0]?.kind);
    }
  });

  it('container specs read back from cgroups keep the QoS class and the recorded limits', () => {
    for (const pod of derived.pods) {
      const containers = containersFromDump(pod);
      expect(qosClassOf(containers), pod.name).toBe(pod.qos);
    }
    const sts = derived.pods.find((p) => p.name === 'e2e-statefulset-0');
    const recordedSts = recorded.find((r) => r.metadata.name === 'e2e-statefulset-0');
    expect(containersFromDump(sts ?? derived.pods[0])[0].resources?.limits).toEqual(recordedSts?.spec.containers[0].resources?.limits);
  });

  it('machine size matches the recorded Node (14 CPUs, 8024304Ki)', () => {
    expect(derived.cores).toBe(14);
    expect(derived.memoryBytes).toBe(8024304 * 1024);
    expect(derived.kubeletVersion).toBe('v1.35.0');
    expect(derived.dumpNodeName).toBe('datagen-1-35');
  });

  // Counts and layouts from the table in SOURCES.md §2a.
  it.each([
    ['k8s-1.35_minikube_containerd-2.2.1_cgroupfs_cgroupv2.prom', 18, 35, 'cgroupfs', 2, 'containerd', 'current'],
    ['k8s-1.20_minikube-docker-desktop_docker-20.10.20_systemd_cgroupv2.prom', 16, 31, 'systemd', 2, 'docker', 'current'],
    ['k8s-1.20_minikube-vm_docker-20.10.8_systemd_cgroupv1.prom', 16, 30, 'systemd', 1, 'docker', 'current'],
    ['k8s-1.15_minikube-vm_docker-17.09_cgroupfs_cgroupv1.prom', 8, 20, 'cgroupfs', 1, 'docker', 'legacy'],
  ] as const)('%s: %i pod cgroups, %i container cgroups, %s v%i, %s, %s labels', (file, pods, containers, driver, version, runtime, labels) => {
    const d = dump(file);
    expect(d.pods).toHaveLength(pods);
    expect(d.pods.reduce((n, p) => n + p.containers.length + (p.sandbox ? 1 : 0), 0)).toBe(containers);
    expect([d.cgroupDriver, d.cgroupVersion, d.runtime, d.labelStyle]).toEqual([driver, version, runtime, labels]);
  });

  it('pod cgroup paths round-trip for both drivers and all QoS classes', () => {
    for (const driver of ['cgroupfs', 'systemd'] as const) {
      for (const qos of ['Guaranteed', 'Burstable', 'BestEffort'] as const) {
        const path = podCgroupPath(driver, qos, '0a29c6e7-a93e-426e-9148-c4186efc55c4');
        expect(parsePodCgroup(`${path}/cri-containerd-${'a'.repeat(64)}.scope`)).toMatchObject({ podCgroup: path, qos, cgroupUid: '0a29c6e7-a93e-426e-9148-c4186efc55c4', driver });
      }
    }
    expect(podCgroupPath('systemd', 'Burstable', '0a29c6e7-a93e-426e-9148-c4186efc55c4')).toBe('/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0a29c6e7_a93e_426e_9148_c4186efc55c4.slice');
    expect(parsePodCgroup('/system.slice/kubelet.service')).toBeNull();
  });
});
