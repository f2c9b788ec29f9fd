import type { CadvisorDump, DumpPod } from '../metrics/cadvisor-dump.js';
import type { Node } from './kube-object.js';
import type { ScenarioNode } from './scenario.js';
import { rfc3339 } from './time-format.js';
import type { NameSource } from './names.js';

/**
 * Node objects and workload owners read from a kubelet dump. The dump carries no owner
 * references, so owners are inferred from pod names the way controllers generate them:
 * `<deploy>-<pod-template-hash>-<5>` (ReplicaSet), `<ds>-<5>` (DaemonSet), `<sts>-<ordinal>`
 * (StatefulSet), 32-hex cgroup UIDs (static pods, mirror pods owned by the Node).
 */

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';
const DEPLOYMENT_POD = new RegExp(`^(.+)-([${SAFE}]{6,10})-([${SAFE}]{5})$`);
const DAEMONSET_POD = new RegExp(`^(.+)-([${SAFE}]{5})$`);
const STATEFULSET_POD = /^(.+)-(\d+)$/;

export type InferredOwner =
  | { kind: 'Deployment'; name: string; hash: string }
  | { kind: 'DaemonSet'; name: string }
  | { kind: 'StatefulSet'; name: string; ordinal: number }
  | { kind: 'Node' }
  | null;

export function inferOwner(pod: DumpPod): InferredOwner {
  if (pod.isStatic) return { kind: 'Node' };
  let match = DEPLOYMENT_POD.exec(pod.name);
  if (match) return { kind: 'Deployment', name: match[1], hash: match[2] };
  match = STATEFULSET_POD.exec(pod.name);
  if (match) return { kind: 'StatefulSet', name: match[1], ordinal: Number(match[2]) };
  match = DAEMONSET_POD.exec(pod.name);
  if (match) return { kind: 'DaemonSet', name: match[1] };
  return null;
}

/** The labels the usual manifests of these well-known workloads carry (kubeadm, minikube addons). */
export function workloadLabels(name: string): Record<string, string> {
  switch (name) {
    case 'coredns':
    case 'kube-dns':
      return { 'k8s-app': 'kube-dns' };
    case 'kube-proxy':
      return { 'k8s-app': 'kube-proxy' };
    case 'metrics-server':
      return { 'k8s-app': 'metrics-server' };
    case 'kindnet':
      return { app: 'kindnet', 'k8s-app': 'kindnet', tier: 'node' };
    case 'storage-provisioner':
      return { 'addonmanager.kubernetes.io/mode': 'Reconcile', 'integration-test': 'storage-provisioner' };
    default:
      return { app: name };
  }
}

/** The control-plane component of a static pod name (`kube-apiserver-node1` → `kube-apiserver`). */
export function staticComponent(podName: string, dumpNodeName: string | null): string {
  if (dumpNodeName && podName.endsWith(`-${dumpNodeName}`)) return podName.slice(0, -dumpNodeName.length - 1);
  return podName.replace(/-[^-]+$/, '');
}

/** The container runtime version string of a node (`containerd://2.2.1`, `docker://20.10.8`). */
export function runtimeVersion(dump: CadvisorDump, override?: string): string {
  if (override) return override;
  if (dump.runtime === 'docker') return `docker://${dump.dockerVersion ?? '20.10.0'}`;
  const fromName = new RegExp(`${dump.runtime}-(\\d+\\.\\d+\\.\\d+)`).exec(dump.fileName)?.[1];
  return `${dump.runtime}://${fromName ?? (dump.runtime === 'containerd' ? '1.7.0' : '1.30.0')}`;
}

export function kubeletVersion(dump: CadvisorDump, override?: string): string {
  return override ?? dump.kubeletVersion ?? 'v1.32.4';
}

/** Distinct container images of the dump with plausible sizes, as Node.status.images lists them. */
function nodeImages(dump: CadvisorDump): Array<{ names: string[]; sizeBytes: number }> {
  const images = new Set<string>();
  for (const pod of dump.pods) {
    for (const c of pod.containers) if (c.image) images.add(c.image);
    if (pod.sandbox?.image) images.add(pod.sandbox.image);
  }
  return [...images].sort().map((name, i) => ({ names: [name], sizeBytes: name.includes('pause') ? 265_458 : 8_000_000 + ((i * 7_919_351) % 60_000_000) }));
}

export interface NodeBuild {
  readonly spec: ScenarioNode;
  readonly dump: CadvisorDump;
  readonly index: number;
  readonly internalIP: string;
  readonly podCidr: string;
  /** When the dump's "now" maps to in simulation time (epoch ms). */
  readonly startMs: number;
}

export function buildNode(build: NodeBuild, names: NameSource): Node {
  const { spec, dump } = build;
  const arch = spec.arch ?? 'amd64';
  const roles = spec.roles ?? [];
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': spec.name,
    'kubernetes.io/os': 'linux',
    ...Object.fromEntries(roles.map((r) => [`node-role.kubernetes.io/${r}`, ''])),
    ...(spec.labels ?? {}),
  };
  const rootStart = dump.cgroupStartSec.get('/') ?? dump.cgroupStartSec.get(dump.cgroupDriver === 'systemd' ? '/kubepods.slice' : '/kubepods');
  const uptimeMs = rootStart !== undefined ? Math.max(60_000, dump.dumpTimeMs - rootStart * 1000) : 600_000;
  const createdMs = build.startMs - uptimeMs;
  const memoryKi = `${Math.floor(dump.memoryBytes / 1024)}Ki`;
  const rootFs = (() => {
    let limit = 0;
    dump.template.families.forEach((family) => {
      if (family.name !== 'container_fs_limit_bytes') return;
      for (const s of family.samples) if (s.labelsText.includes('id="/"') && s.value > limit) limit = s.value;
    });
    return limit > 0 ? `${Math.floor(limit / 1024)}Ki` : '61202244Ki';
  })();
  const capacity = { cpu: String(dump.cores), 'ephemeral-storage': rootFs, 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: memoryKi, pods: '110' };
  const heartbeat = rfc3339(build.startMs);
  const since = rfc3339(createdMs + 5000);
  const conditions = [
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
  ].map((c) => ({ ...c, lastHeartbeatTime: heartbeat, lastTransitionTime: since }));
  const version = kubeletVersion(dump, spec.kubelet?.kubeletVersion);
  const minor = Number(/^v1\.(\d+)/.exec(version)?.[1] ?? '32');
  const runtimeSocket = dump.runtime === 'docker' ? (minor >= 24 ? 'unix:///var/run/cri-dockerd.sock' : '/var/run/dockershim.sock') : dump.runtime === 'cri-o' ? 'unix:///var/run/crio/crio.sock' : 'unix:///run/containerd/containerd.sock';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.name,
      uid: names.uid(),
      creationTimestamp: rfc3339(createdMs),
      labels,
      annotations: {
        'kubeadm.alpha.kubernetes.io/cri-socket': runtimeSocket,
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        // Not a Kubernetes annotation: the simulator's record of where this node's data comes from.
        'kube-sim.slicewise.dev/cadvisor-dump': dump.fileName,
        'kube-sim.slicewise.dev/cgroup-driver': dump.cgroupDriver,
        ...(dump.cgroupVersion ? { 'kube-sim.slicewise.dev/cgroup-version': `v${dump.cgroupVersion}` } : {}),
      },
    },
    spec: { podCIDR: build.podCidr, podCIDRs: [build.podCidr], providerID: `kube-sim://${spec.name}` },
    status: {
      capacity,
      allocatable: { ...capacity },
      conditions,
      addresses: [
        { type: 'InternalIP', address: build.internalIP },
        { type: 'Hostname', address: spec.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: dump.machineId ?? names.hex(32),
        systemUUID: dump.systemUuid ?? names.uid(),
        bootID: dump.bootId ?? names.uid(),
        kernelVersion: spec.kubelet?.kernelVersion ?? dump.kernelVersion ?? '6.1.0-28-amd64',
        osImage: spec.kubelet?.osImage ?? dump.osImage ?? 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: runtimeVersion(dump, spec.kubelet?.containerRuntimeVersion),
        kubeletVersion: version,
        kubeProxyVersion: minor >= 31 ? '' : version,
        operatingSystem: 'linux',
        architecture: arch,
      },
      images: nodeImages(dump),
    },
  };
}
