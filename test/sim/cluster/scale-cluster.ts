import { GeneratedCollection, type ObjectGenerator } from '../store/collection.js';
import { loadCadvisorDump } from '../metrics/cadvisor-dump.js';
import { CadvisorNode } from '../metrics/cadvisor-node.js';
import type { KubeletView } from '../metrics/kubelet-endpoints.js';
import { fnv1a } from './names.js';
import type { Namespace, Node, Pod, Workload } from './kube-object.js';
import { fixtureFile, DEFAULT_CADVISOR_DUMP } from './scenario.js';
import type { SimCluster } from './sim-cluster.js';
import { rfc3339 } from './time-format.js';

/**
 * Scale mode: N nodes × M pods (default 5,000 × 30 = 150,000 pods) whose objects are computed from
 * their index on demand, so listing them in pages costs CPU, not memory. Layout:
 * - deployment d (`app-<d>` in namespace `team-<d mod 50>`) owns pods d·R … d·R+R−1 (R = 10);
 * - pod p runs on node p mod N, so a deployment's replicas land on R different nodes and every
 *   node gets exactly M pods;
 * - pod p's IP is 10.(64 + n div 256).(n mod 256).(2 + p div N) on node n.
 * Each node's kubelet replays the default cAdvisor dump's node-level series plus series cloned for
 * its M pods, built when first asked for (a few nodes are cached).
 */

export interface ScaleShape {
  readonly nodes: number;
  readonly podsPerNode: number;
}

export const DEFAULT_SCALE: ScaleShape = { nodes: 5000, podsPerNode: 30 };

const REPLICAS = 10;
const NAMESPACES = 50;
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function safeString(seed: number, length: number): string {
  let value = seed >>> 0;
  let out = '';
  for (let i = 0; i < length; i++) {
    out += SAFE[value % SAFE.length];
    value = Math.floor(value / SAFE.length) ^ Math.imul(i + 1, 2654435761);
    value >>>= 0;
  }
  return out;
}

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** 8 hex digits of a 32-bit number (a table lookup: Number#toString(16) dominated generation time). */
function hex8(n: number): string {
  return HEX_BYTE[(n >>> 24) & 255] + HEX_BYTE[(n >>> 16) & 255] + HEX_BYTE[(n >>> 8) & 255] + HEX_BYTE[n & 255];
}

function uuidFor(kind: string, index: number): string {
  const hex = hex8(fnv1a(`${kind}a${index}`)) + hex8(fnv1a(`${kind}b${index}`)) + hex8(fnv1a(`${kind}c${index}`)) + hex8(fnv1a(`${kind}d${index}`));
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function installScaleCluster(cluster: SimCluster, shape: ScaleShape, startMs: number): void {
  const { nodes: nodeCount, podsPerNode } = shape;
  const podCount = nodeCount * podsPerNode;
  const deploymentCount = Math.ceil(podCount / REPLICAS);
  const nodeName = (n: number) => `scale-node-${String(n).padStart(5, '0')}`;
  // Strings shared by many objects are computed once (generation cost matters at 150,000 pods).
  const rsHashes: string[] = new Array(deploymentCount);
  const rsHash = (d: number) => (rsHashes[d] ??= safeString(fnv1a(`rs${d}`), 10));
  const podName = (p: number) => {
    const d = Math.floor(p / REPLICAS);
    return `app-${d}-${rsHash(d)}-${safeString(fnv1a(`pod${p}`), 5)}`;
  };
  const createdTimes: string[] = new Array(3600);
  const created = (i: number) => (createdTimes[i % 3600] ??= rfc3339(startMs - 86_400_000 + (i % 3600) * 1000));
  const images: string[] = [];
  const imageOf = (d: number) => (images[(d % NAMESPACES) * 7 + (d % 7)] ??= `registry.example.com/team-${d % NAMESPACES}/app:1.${d % 7}.0`);
  const namespaces: string[] = [];
  const namespaceOf = (d: number) => (namespaces[d % NAMESPACES] ??= `team-${String(d % NAMESPACES).padStart(2, '0')}`);
  const nodeIp = (n: number) => `10.1.${Math.floor(n / 250)}.${(n % 250) + 2}`;
  const podCidr = (n: number) => `10.${64 + Math.floor(n / 256)}.${n % 256}.0/24`;

  const nodeGenerator: ObjectGenerator = {
    count: nodeCount,
    keyAt: nodeName,
    indexOf: (key) => {
      const match = /^scale-node-(\d{5})$/.exec(key);
      const n = match ? Number(match[1]) : -1;
      return n >= 0 && n < nodeCount ? n : -1;
    },
    objectAt: (n): Node => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: nodeName(n),
        uid: uuidFor('node', n),
        resourceVersion: '900',
        creationTimestamp: created(n),
        labels: { 'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': nodeName(n), 'kubernetes.io/os': 'linux', 'topology.kubernetes.io/zone': `zone-${n % 3}`, ...(n < 3 ? { 'node-role.kubernetes.io/control-plane': '' } : {}) },
      },
      spec: { podCIDR: podCidr(n), podCIDRs: [podCidr(n)] },
      status: {
        capacity: { cpu: '16', memory: '65842676Ki', pods: '110', 'ephemeral-storage': '203056560Ki' },
        allocatable: { cpu: '15800m', memory: '64692212Ki', pods: '110', 'ephemeral-storage': '187136925387' },
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: rfc3339(startMs), lastTransitionTime: created(n) }],
        addresses: [
          { type: 'InternalIP', address: nodeIp(n) },
          { type: 'Hostname', address: nodeName(n) },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: { machineID: uuidFor('machine', n).replace(/-/g, ''), systemUUID: uuidFor('system', n), bootID: uuidFor('boot', n), kernelVersion: '6.1.0-28-amd64', osImage: 'Debian GNU/Linux 12 (bookworm)', containerRuntimeVersion: 'containerd://2.2.1', kubeletVersion: 'v1.32.4', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64' },
      },
    }),
  };

  const podIndexOf = (key: string): number => {
    const match = /^team-(\d{2})\/app-(\d+)-([a-z0-9]{10})-([a-z0-9]{5})$/.exec(key);
    if (!match) return -1;
    const d = Number(match[2]);
    if (d >= deploymentCount || namespaceOf(d) !== `team-${match[1]}`) return -1;
    for (let p = d * REPLICAS; p < Math.min(podCount, (d + 1) * REPLICAS); p++) if (podName(p) === key.slice(key.indexOf('/') + 1)) return p;
    return -1;
  };

  const podAt = (p: number): Pod => {
      const d = Math.floor(p / REPLICAS);
      const n = p % nodeCount;
      const ip = `10.${64 + Math.floor(n / 256)}.${n % 256}.${2 + Math.floor(p / nodeCount)}`;
      const rs = `app-${d}-${rsHash(d)}`;
      const started = created(p);
      const containerId = (hex8(fnv1a(`c${p}`)) + hex8(fnv1a(`d${p}`))).repeat(4);
      return {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName(p),
          generateName: `${rs}-`,
          namespace: namespaceOf(d),
          uid: uuidFor('pod', p),
          resourceVersion: '1000',
          creationTimestamp: started,
          labels: { app: `app-${d}`, 'pod-template-hash': rsHash(d) },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: uuidFor('rs', d), controller: true, blockOwnerDeletion: true }],
        },
        spec: {
          nodeName: nodeName(n),
          containers: [{ name: 'app', image: imageOf(d), ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }], resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } } }],
          restartPolicy: 'Always',
          serviceAccountName: 'default',
          schedulerName: 'default-scheduler',
        },
        status: {
          phase: 'Running',
          conditions: [
            { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: started },
            { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: started },
          ],
          hostIP: nodeIp(n),
          podIP: ip,
          podIPs: [{ ip }],
          startTime: started,
          qosClass: 'Burstable',
          containerStatuses: [{ name: 'app', image: imageOf(d), imageID: '', containerID: `containerd://${containerId}`, ready: true, started: true, restartCount: 0, state: { running: { startedAt: started } } }],
        },
      };
  };

  const podGenerator: ObjectGenerator = {
    count: podCount,
    keyAt: (p) => `${namespaceOf(Math.floor(p / REPLICAS))}/${podName(p)}`,
    indexOf: podIndexOf,
    namespaceAt: (p) => namespaceOf(Math.floor(p / REPLICAS)),
    nodeNameAt: (p) => nodeName(p % nodeCount),
    objectAt: podAt,
  };

  const workloadGenerator = (kind: 'Deployment' | 'ReplicaSet'): ObjectGenerator => ({
    count: deploymentCount,
    keyAt: (d) => `${namespaceOf(d)}/${kind === 'Deployment' ? `app-${d}` : `app-${d}-${rsHash(d)}`}`,
    indexOf: (key) => {
      const match = /^team-(\d{2})\/app-(\d+)(?:-([a-z0-9]{10}))?$/.exec(key);
      if (!match) return -1;
      const d = Number(match[2]);
      if (d >= deploymentCount || namespaceOf(d) !== `team-${match[1]}`) return -1;
      if ((kind === 'ReplicaSet') !== Boolean(match[3]) || (match[3] && match[3] !== rsHash(d))) return -1;
      return d;
    },
    namespaceAt: namespaceOf,
    objectAt: (d): Workload => {
      const replicas = Math.min(REPLICAS, podCount - d * REPLICAS);
      const selector: Record<string, string> = kind === 'Deployment' ? { app: `app-${d}` } : { app: `app-${d}`, 'pod-template-hash': rsHash(d) };
      return {
        apiVersion: 'apps/v1',
        kind,
        metadata: {
          name: kind === 'Deployment' ? `app-${d}` : `app-${d}-${rsHash(d)}`,
          namespace: namespaceOf(d),
          uid: uuidFor(kind === 'Deployment' ? 'deploy' : 'rs', d),
          resourceVersion: '950',
          generation: 1,
          creationTimestamp: created(d),
          labels: selector,
          ...(kind === 'ReplicaSet' ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: `app-${d}`, uid: uuidFor('deploy', d), controller: true, blockOwnerDeletion: true }] } : {}),
        },
        spec: { replicas, selector: { matchLabels: selector }, template: { metadata: { labels: selector }, spec: { containers: [{ name: 'app', image: `registry.example.com/team-${d % NAMESPACES}/app:1.${d % 7}.0` }], restartPolicy: 'Always' } } },
        status: { observedGeneration: 1, replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas },
      };
    },
  });

  cluster.store.setCollection('nodes', new GeneratedCollection(nodeGenerator));
  cluster.store.setCollection('pods', new GeneratedCollection(podGenerator));
  cluster.store.setCollection('deployments', new GeneratedCollection(workloadGenerator('Deployment')));
  cluster.store.setCollection('replicasets', new GeneratedCollection(workloadGenerator('ReplicaSet')));
  for (let i = 0; i < NAMESPACES; i++) {
    const ns: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${String(i).padStart(2, '0')}`, uid: uuidFor('ns', i), creationTimestamp: created(i) }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
    cluster.store.put('namespaces', ns);
  }

  // Kubelets: cAdvisor series cloned per pod, built on first request, a few cached.
  const dump = loadCadvisorDump(fixtureFile(DEFAULT_CADVISOR_DUMP));
  const cache = new Map<string, KubeletView>();
  cluster.kubeletFor = (node) => {
    const cached = cache.get(node.metadata.name);
    if (cached) return cached;
    const n = nodeGenerator.indexOf(node.metadata.name);
    if (n < 0) return undefined;
    const cadvisor = new CadvisorNode(dump, { startMs });
    const pods: Pod[] = [];
    for (let p = n; p < podCount; p += nodeCount) {
      const pod = podAt(p);
      pods.push(pod);
      cadvisor.addSyntheticPod({
        uid: pod.metadata.uid,
        name: pod.metadata.name,
        namespace: pod.metadata.namespace ?? '',
        qos: 'Burstable',
        createdMs: Date.parse(pod.metadata.creationTimestamp),
        containers: [{ name: 'app', image: pod.spec.containers[0].image, id: (pod.status.containerStatuses?.[0].containerID ?? '').replace('containerd://', '') }],
        sandboxId: uuidFor('sandbox', p).replace(/-/g, '').repeat(2),
      });
    }
    const view: KubeletView = { node, cadvisor, pods, startMs };
    if (cache.size >= 4) cache.delete(cache.keys().next().value as string);
    cache.set(node.metadata.name, view);
    return view;
  };
}
