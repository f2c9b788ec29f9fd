// Container rows for the Containers view: cgroup figures from one node's kubelet cAdvisor (two
// readings, see store-window.ts) joined to the pod specs of the cluster cache.
//
// Accounting rules (anchors.md §5 items 5–6, protocols.md §6.3):
// - one row per container of a pod spec, measured by its own container cgroup only: never the pod
//   cgroup (which holds every container plus the sandbox) and never the sandbox (pause container,
//   `container="POD"` on docker/CRI-O, `container=""` with a pause image on containerd);
// - network belongs to the pod: the sandbox owns the network namespace, so every container of a
//   pod shows the sandbox's interfaces; host-network pods would show the node's interfaces and get
//   none; the `id="/"` host interfaces are never read;
// - CPU is the average over the window; throttled share = Δthrottled_periods / Δperiods (the
//   kubernetes-mixin "CPU throttling" panel, anchors.md §2.6), present only with a CFS quota;
// - requests/limits come from the pod spec (authoritative), kube-state-metrics when the pod is not
//   in the cache, and limits fall back to the cgroup's own (quota/period, memory.max).
import type { ContainerRow } from '../../preload/contract/index.js';
import { computeCgroupFigures, type CgroupFigures } from './cgroup/figures.js';
import { parentCgroupPath } from './cgroup/names.js';
import { buildCgroupTree, type CgroupNode } from './cgroup/tree.js';
import { toPodMeta, type ContainerFacts, type PodFacts } from './pod-facts.js';
import type { TargetWindow } from './store-window.js';

/** The kubelet cAdvisor families the container rows read (everything else in a 5 MB scrape is left alone). */
export const CONTAINER_FAMILIES = [
  'container_cpu_usage_seconds_total',
  'container_cpu_cfs_periods_total',
  'container_cpu_cfs_throttled_periods_total',
  'container_cpu_cfs_throttled_seconds_total',
  'container_spec_cpu_quota',
  'container_spec_cpu_period',
  'container_memory_working_set_bytes',
  'container_spec_memory_limit_bytes',
  'container_oom_events_total',
  'container_fs_reads_bytes_total',
  'container_fs_writes_bytes_total',
  'container_blkio_device_usage_total',
  'container_network_receive_bytes_total',
  'container_network_transmit_bytes_total',
  'machine_memory_bytes',
] as const;

/** Families kubelet cAdvisor writes without sample timestamps (protocols.md §6.3). */
export function isUnstampedCadvisorFamily(family: string): boolean {
  return family.startsWith('container_spec_') || family === 'container_start_time_seconds' || family.startsWith('machine_');
}

/** Requests, limits and restarts of one container as kube-state-metrics reports them. */
export interface KsmContainerFacts {
  cpuRequestCores: number | null;
  cpuLimitCores: number | null;
  memoryRequestBytes: number | null;
  memoryLimitBytes: number | null;
  restarts: number | null;
}

/** A sample with its scraped labels (see scraped-labels.ts). */
export interface LabelledSample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

/**
 * `namespace/pod/container` → KSM figures, from `kube_pod_container_resource_requests|limits`
 * (`resource="cpu"` in cores, `resource="memory"` in bytes; protocols.md §8) and
 * `kube_pod_container_status_restarts_total`.
 */
export function ksmContainerFacts(samples: Iterable<LabelledSample>): Map<string, KsmContainerFacts> {
  const facts = new Map<string, KsmContainerFacts>();
  const entry = (labels: Readonly<Record<string, string>>): KsmContainerFacts | undefined => {
    if (!labels.namespace || !labels.pod || !labels.container) return undefined;
    const key = `${labels.namespace}/${labels.pod}/${labels.container}`;
    let found = facts.get(key);
    if (!found) facts.set(key, (found = { cpuRequestCores: null, cpuLimitCores: null, memoryRequestBytes: null, memoryLimitBytes: null, restarts: null }));
    return found;
  };
  for (const sample of samples) {
    if (sample.name === 'kube_pod_container_status_restarts_total') {
      const found = entry(sample.labels);
      if (found) found.restarts = sample.value;
      continue;
    }
    const isRequest = sample.name === 'kube_pod_container_resource_requests';
    if (!isRequest && sample.name !== 'kube_pod_container_resource_limits') continue;
    const resource = sample.labels.resource;
    if (resource !== 'cpu' && resource !== 'memory') continue;
    const found = entry(sample.labels);
    if (!found) continue;
    if (resource === 'cpu') found[isRequest ? 'cpuRequestCores' : 'cpuLimitCores'] = sample.value;
    else found[isRequest ? 'memoryRequestBytes' : 'memoryLimitBytes'] = sample.value;
  }
  return facts;
}

export interface ContainerRowsInput {
  /** The node the readings come from (null: unknown). */
  node: string | null;
  /** Readings of the node's kubelet cAdvisor; absent when it was not scraped (rows keep spec figures). */
  window?: TargetWindow;
  /** Pods on this node from the cluster cache. */
  pods: readonly PodFacts[];
  ksm?: ReadonlyMap<string, KsmContainerFacts>;
  /** Top-level controller of a pod owner (ReplicaSet → Deployment); identity when unknown. */
  controllerOf?: (namespace: string, owner: { kind: string; name: string }) => { kind: string; name: string };
}

interface MeasuredContainer {
  cgroup: CgroupNode;
  pod: CgroupNode | undefined;
}

/**
 * One row per container of the node: every container of the pod specs (measured or not) and every
 * container cgroup cAdvisor names that no pod spec lists (pods the cache does not have, this
 * machine). Figures the source does not report are null.
 */
export function containerRows(input: ContainerRowsInput): ContainerRow[] {
  const figures: Map<string, CgroupFigures> = input.window ? computeCgroupFigures(input.window.current, input.window.previous) : new Map();
  const tree = input.window ? buildCgroupTree({ samples: input.window.current.samples, pods: input.pods.map(toPodMeta) }) : undefined;

  // Container cgroups by `namespace/pod/container`; several when a restarted container's old
  // cgroup is still listed, told apart by container id.
  const measured = new Map<string, MeasuredContainer[]>();
  const podCgroups = new Map<string, CgroupNode>();
  for (const cgroup of tree?.byPath.values() ?? []) {
    if (cgroup.kind === 'pod' && cgroup.pod?.name && cgroup.pod.namespace) podCgroups.set(`${cgroup.pod.namespace}/${cgroup.pod.name}`, cgroup);
    if (cgroup.kind !== 'container' || !cgroup.isReported || !cgroup.pod?.name || !cgroup.pod.namespace || !cgroup.container?.name) continue;
    const key = `${cgroup.pod.namespace}/${cgroup.pod.name}/${cgroup.container.name}`;
    const parent = tree?.byPath.get(parentCgroupPath(cgroup.path) ?? '/');
    const list = measured.get(key);
    const entry = { cgroup, pod: parent?.kind === 'pod' ? parent : undefined };
    if (list) list.push(entry);
    else measured.set(key, [entry]);
  }

  const rows: ContainerRow[] = [];
  const used = new Set<string>();
  for (const pod of input.pods) {
    const owner = pod.owner ? (input.controllerOf?.(pod.namespace, pod.owner) ?? pod.owner) : null;
    for (const container of pod.containers) {
      const key = `${pod.namespace}/${pod.name}/${container.name}`;
      used.add(key);
      // An init container that finished its work holds nothing; a line per pod for it is noise
      // (kubectl shows them only while the pod is initialising).
      if (container.role === 'init' && container.state === 'terminated' && container.stateReason === 'Completed') continue;
      const candidates = measured.get(key) ?? [];
      const match = candidates.find((candidate) => container.containerId && candidate.cgroup.container?.id === container.containerId) ?? pickLatest(candidates, figures);
      const podCgroup = match?.pod ?? podCgroups.get(`${pod.namespace}/${pod.name}`);
      rows.push(
        buildRow({
          key,
          node: pod.node ?? input.node,
          namespace: pod.namespace,
          pod: pod.name,
          container: container.name,
          role: container.role,
          image: container.image ?? match?.cgroup.container?.image ?? null,
          owner,
          qosClass: pod.qosClass,
          spec: container,
          ksm: input.ksm?.get(key),
          own: match ? (figures.get(match.cgroup.path) ?? null) : null,
          podFigures: podCgroup ? (figures.get(podCgroup.path) ?? null) : null,
          hostNetwork: pod.hostNetwork,
        }),
      );
    }
  }
  for (const [key, candidates] of measured) {
    if (used.has(key)) continue;
    const match = pickLatest(candidates, figures) as MeasuredContainer;
    const podRef = match.cgroup.pod!;
    const owner = podRef.owner ?? null;
    rows.push(
      buildRow({
        key,
        node: input.node,
        namespace: podRef.namespace!,
        pod: podRef.name!,
        container: match.cgroup.container!.name!,
        role: null,
        image: match.cgroup.container?.image ?? null,
        owner: owner ? (input.controllerOf?.(podRef.namespace!, owner) ?? owner) : null,
        qosClass: qosName(match.cgroup.qos),
        spec: null,
        ksm: input.ksm?.get(key),
        own: figures.get(match.cgroup.path) ?? null,
        podFigures: match.pod ? (figures.get(match.pod.path) ?? null) : null,
        hostNetwork: false,
      }),
    );
  }
  return rows;
}

/** Among cgroups of one container name, the one read most recently (the live one after a restart). */
function pickLatest(candidates: readonly MeasuredContainer[], figures: ReadonlyMap<string, CgroupFigures>): MeasuredContainer | undefined {
  if (candidates.length <= 1) return candidates[0];
  return [...candidates].sort((a, b) => (figures.get(b.cgroup.path)?.cpuUsageSeconds ?? -1) - (figures.get(a.cgroup.path)?.cpuUsageSeconds ?? -1))[0];
}

function qosName(qos: CgroupNode['qos']): ContainerRow['qosClass'] {
  switch (qos) {
    case 'guaranteed':
      return 'Guaranteed';
    case 'burstable':
      return 'Burstable';
    case 'besteffort':
      return 'BestEffort';
    default:
      return null;
  }
}

interface RowParts {
  key: string;
  node: string | null;
  namespace: string;
  pod: string;
  container: string;
  role: ContainerRow['role'];
  image: string | null;
  owner: { kind: string; name: string } | null;
  qosClass: ContainerRow['qosClass'];
  spec: ContainerFacts | null;
  ksm: KsmContainerFacts | undefined;
  own: CgroupFigures | null;
  podFigures: CgroupFigures | null;
  hostNetwork: boolean;
}

function buildRow(parts: RowParts): ContainerRow {
  const { spec, ksm, own, podFigures } = parts;
  const fromSpec = spec !== null && (spec.cpuRequestCores !== null || spec.cpuLimitCores !== null || spec.memoryRequestBytes !== null || spec.memoryLimitBytes !== null);
  const fromKsm = !spec && ksm !== undefined && (ksm.cpuRequestCores !== null || ksm.cpuLimitCores !== null || ksm.memoryRequestBytes !== null || ksm.memoryLimitBytes !== null);
  const resources = spec ?? (fromKsm ? ksm : undefined);
  return {
    key: parts.key,
    node: parts.node,
    namespace: parts.namespace,
    pod: parts.pod,
    container: parts.container,
    role: parts.role,
    image: parts.image,
    ownerKind: parts.owner?.kind ?? null,
    ownerName: parts.owner?.name ?? null,
    qosClass: parts.qosClass,
    state: spec?.state ?? (own ? 'running' : 'unknown'),
    stateReason: spec?.stateReason ?? null,
    restarts: spec?.restarts ?? ksm?.restarts ?? null,
    lastTerminationReason: spec?.lastTerminationReason ?? null,
    cpuCores: own?.cpuCores ?? null,
    cpuRequestCores: resources?.cpuRequestCores ?? null,
    // The spec is authoritative (no limit there means none); the cgroup's own limit only stands in without one.
    cpuLimitCores: resources ? resources.cpuLimitCores : (own?.cpuLimitCores ?? null),
    throttledShare: own?.throttledShare ?? null,
    memoryWorkingSetBytes: own?.memoryWorkingSetBytes ?? null,
    memoryRequestBytes: resources?.memoryRequestBytes ?? null,
    memoryLimitBytes: resources ? resources.memoryLimitBytes : (own?.memoryLimitBytes ?? null),
    oomEvents: own?.oomEvents ?? null,
    networkRxBytesPerSec: parts.hostNetwork ? null : (podFigures?.networkRxBytesPerSec ?? null),
    networkTxBytesPerSec: parts.hostNetwork ? null : (podFigures?.networkTxBytesPerSec ?? null),
    networkNote: parts.hostNetwork ? 'host network: the pod uses the node’s interfaces' : null,
    fsReadBytesPerSec: own?.ioReadBytesPerSec ?? null,
    fsWriteBytesPerSec: own?.ioWriteBytesPerSec ?? null,
    resourcesFrom: fromSpec ? 'pod-spec' : fromKsm ? 'kube-state-metrics' : null,
    measured: own !== null,
  };
}
