import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../helpers/fixtures.js';
import { parseExposition, parseLabels } from '../../../sim/metrics/exposition-template.js';
import { parseQuantity, renderKubeStateMetrics } from '../../../sim/metrics/kube-state-metrics.js';
import type { Pod, Workload } from '../../../sim/cluster/kube-object.js';

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1', creationTimestamp: '2026-06-26T10:12:51Z', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-1', controller: true }] },
  spec: { nodeName: 'n1', restartPolicy: 'Always', containers: [{ name: 'web', image: 'nginx:1.22', resources: { requests: { cpu: '40m', memory: '15Mi' }, limits: { memory: '30Mi' } } }] },
  status: {
    phase: 'Running',
    podIP: '10.244.0.12',
    hostIP: '192.168.67.2',
    qosClass: 'Burstable',
    startTime: '2026-06-26T10:12:52Z',
    conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-06-26T10:12:55Z' }],
    containerStatuses: [{ name: 'web', image: 'nginx:1.22', imageID: 'nginx@sha256:ab', containerID: 'containerd://cd', ready: true, restartCount: 0, state: { running: { startedAt: '2026-06-26T10:12:53Z' } } }],
  },
};

const deployment: Workload = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', uid: 'd-1', generation: 2, creationTimestamp: '2026-06-26T10:12:50Z' },
  spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: {}, spec: pod.spec } },
  status: { replicas: 3, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 3, unavailableReplicas: 1, observedGeneration: 2 },
};

describe('generated kube-state-metrics', () => {
  const text = renderKubeStateMetrics({ namespaces: [], nodes: [], pods: [pod], deployments: [deployment], replicasets: [], daemonsets: [], statefulsets: [], services: [], endpoints: [] });
  const lines = text.split('\n');

  it('writes samples with the values of the objects', () => {
    expect(lines).toContain('kube_pod_info{namespace="shop",pod="web-1",uid="u-1",host_ip="192.168.67.2",pod_ip="10.244.0.12",node="n1",created_by_kind="ReplicaSet",created_by_name="web-abc",priority_class="",host_network="false"} 1');
    expect(lines).toContain('kube_pod_status_phase{namespace="shop",pod="web-1",uid="u-1",phase="Running"} 1');
    expect(lines).toContain('kube_pod_status_phase{namespace="shop",pod="web-1",uid="u-1",phase="Pending"} 0');
    expect(lines).toContain('kube_pod_container_resource_requests{namespace="shop",pod="web-1",uid="u-1",container="web",node="n1",resource="cpu",unit="core"} 0.04');
    expect(lines).toContain('kube_pod_container_resource_requests{namespace="shop",pod="web-1",uid="u-1",container="web",node="n1",resource="memory",unit="byte"} 1.572864e+07');
    expect(lines).toContain('kube_pod_created{namespace="shop",pod="web-1",uid="u-1"} 1.782468771e+09');
    expect(lines).toContain('kube_deployment_status_replicas_available{namespace="shop",deployment="web"} 2');
    expect(lines).toContain('kube_deployment_spec_replicas{namespace="shop",deployment="web"} 3');
    expect(lines).toContain('kube_deployment_metadata_generation{namespace="shop",deployment="web"} 2');
  });

  it('uses the recorded KSM 2.19 HELP/TYPE lines, family order and label order', () => {
    const recorded = parseExposition(readFixture('kube-state-metrics', 'ksm-v2.19.0_k8s-1.35_minikube.prom'));
    const generated = parseExposition(text);
    const order = recorded.families.map((f) => f.name);
    const positions = generated.families.map((f) => order.indexOf(f.name));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    for (const family of generated.families) {
      const original = recorded.families.find((f) => f.name === family.name);
      expect(family.header, family.name).toEqual(original?.header.filter((l) => l.startsWith('# HELP') || l.startsWith('# TYPE')));
      if (original?.samples[0] && family.samples[0]) {
        expect(parseLabels(family.samples[0].labelsText).map(([k]) => k), family.name).toEqual(parseLabels(original.samples[0].labelsText).map(([k]) => k));
      }
    }
  });

  it('parses Kubernetes quantities', () => {
    expect([parseQuantity('100m'), parseQuantity('2'), parseQuantity('64Mi'), parseQuantity('1G'), parseQuantity('8024304Ki')]).toEqual([0.1, 2, 67108864, 1e9, 8216887296]);
  });
});
