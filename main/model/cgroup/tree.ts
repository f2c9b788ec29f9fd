import type { ParsedSample } from '../../scrape/exposition/samples.js';
import {
  normalizeCgroupPath,
  parentCgroupPath,
  parseCgroupPath,
  unescapeSystemdUnitName,
  type CgroupDriver,
  type CgroupSegment,
  type ContainerRuntime,
  type QosClass,
} from './names.js';

/** One sample as the exposition parser returns it (`readSamples`); the local reader produces the same shape. */
export type CgroupSample = ParsedSample;

/** A pod as the cluster cache knows it; joins the pod and container cgroups to Kubernetes names. */
export interface PodMeta {
  uid: string;
  name: string;
  namespace: string;
  qosClass?: 'Guaranteed' | 'Burstable' | 'BestEffort';
  owner?: { kind: string; name: string };
  /**
   * Static pods: the kubelet names the cgroup after the config hash, while the API shows the mirror
   * pod with another UID; pass the `kubernetes.io/config.mirror` annotation value here.
   */
  mirrorHash?: string;
  containers: { name: string; image?: string; /** 64 hex, runtime prefix (`containerd://`) stripped */ containerId?: string }[];
}

export type CgroupNodeKind = 'root' | 'slice' | 'qos' | 'pod' | 'container' | 'sandbox' | 'service' | 'scope' | 'other' | 'unaccounted';

export interface CgroupPodRef {
  uid: string;
  name?: string;
  namespace?: string;
  owner?: { kind: string; name: string };
}

export interface CgroupContainerRef {
  id: string;
  name?: string;
  image?: string;
  runtime?: ContainerRuntime;
}

export interface CgroupNode {
  /** The raw cgroup id (cAdvisor `id` label); unique in the tree. */
  path: string;
  /** What to show: unit name with systemd escapes undone, `namespace/pod`, container name, `/`. */
  name: string;
  kind: CgroupNodeKind;
  /** Last segment of the parsed path (null for the root and for unaccounted rows). */
  segment: CgroupSegment | null;
  /** False for levels that were not in the input but hold reported children (kubelet output lists `/system.slice/kubelet.service` without `/system.slice`). */
  isReported: boolean;
  qos?: QosClass;
  /** Set on pods, and on their containers and sandboxes. */
  pod?: CgroupPodRef;
  container?: CgroupContainerRef;
  /** Sorted by path. */
  children: CgroupNode[];
}

export interface CgroupTree {
  root: CgroupNode;
  /** Spelling of the kubelet-managed part of the tree (`unknown` when there is none). */
  driver: CgroupDriver;
  /** Every node by path, including unreported intermediate levels. */
  byPath: ReadonlyMap<string, CgroupNode>;
}

export interface CgroupTreeInput {
  ids?: readonly string[];
  /** cAdvisor-style samples; their `id` labels are the cgroups, their other labels name pods and containers. */
  samples?: readonly CgroupSample[];
  pods?: readonly PodMeta[];
}

/** The Kubernetes labels the kubelet's cAdvisor puts on each `container_*` series (protocols.md §6.3). */
interface IdLabels {
  container: string;
  pod: string;
  namespace: string;
  image: string;
  name: string;
}

/**
 * Builds the cgroup tree of one node from cgroup ids and/or cAdvisor samples. Each input id becomes
 * exactly one node; missing ancestors are added as unreported nodes. Pods and containers are named
 * from `pods` (cluster cache) first, then from the samples' own labels (`pod`, `namespace`,
 * `container`, `image`, `name`; the pre-1.16 `pod_name`/`container_name` too), then from dockershim
 * container names (`k8s_<container>_<pod>_<namespace>_<uid>_<attempt>`).
 */
export function buildCgroupTree(input: CgroupTreeInput): CgroupTree {
  const labelsById = input.samples ? collectIdLabels(input.samples) : new Map<string, IdLabels>();
  const reported = new Set<string>();
  for (const id of input.ids ?? []) reported.add(normalizeCgroupPath(id));
  for (const id of labelsById.keys()) reported.add(id);

  const byPath = new Map<string, CgroupNode>();
  const root: CgroupNode = { path: '/', name: '/', kind: 'root', segment: null, isReported: reported.has('/'), children: [] };
  byPath.set('/', root);
  let driver: CgroupDriver = 'unknown';

  const ensure = (path: string): CgroupNode => {
    const existing = byPath.get(path);
    if (existing) return existing;
    const parsed = parseCgroupPath(path);
    const segment = parsed.segments.at(-1) as CgroupSegment;
    if (driver === 'unknown' && segment.isKubelet && parsed.driver !== 'unknown') driver = parsed.driver;
    const node: CgroupNode = {
      path,
      name: unescapeSystemdUnitName(segment.raw),
      kind: segmentNodeKind(segment),
      segment,
      isReported: reported.has(path),
      children: [],
    };
    if (segment.qos) node.qos = segment.qos;
    byPath.set(path, node);
    const parent = ensure(parentCgroupPath(path) ?? '/');
    parent.children.push(node);
    return node;
  };
  for (const path of reported) if (path !== '/') ensure(path);

  const pods = indexPods(input.pods ?? []);
  for (const node of byPath.values()) sortChildren(node);
  for (const node of byPath.values()) {
    if (node.kind === 'pod') describePod(node, labelsById, pods);
  }
  for (const node of byPath.values()) {
    if (node.kind === 'container') describeContainer(node, byPath, labelsById, pods);
  }
  return { root, driver, byPath };
}

function segmentNodeKind(segment: CgroupSegment): CgroupNodeKind {
  switch (segment.kind) {
    case 'conmon':
      return 'other';
    default:
      return segment.kind;
  }
}

function sortChildren(node: CgroupNode): void {
  node.children.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Merges the Kubernetes labels of all `container_*` samples per normalized `id`; first non-empty value wins. */
function collectIdLabels(samples: readonly CgroupSample[]): Map<string, IdLabels> {
  const byId = new Map<string, IdLabels>();
  let lastRawId: string | undefined;
  let last: IdLabels | undefined;
  for (const sample of samples) {
    const rawId = sample.labels.id;
    if (rawId === undefined || !sample.name.startsWith('container_')) continue;
    let entry: IdLabels;
    if (rawId === lastRawId && last) {
      entry = last;
    } else {
      const id = normalizeCgroupPath(rawId);
      entry = byId.get(id) ?? { container: '', pod: '', namespace: '', image: '', name: '' };
      byId.set(id, entry);
      lastRawId = rawId;
      last = entry;
    }
    const labels = sample.labels;
    if (entry.container === '') entry.container = labels.container ?? labels.container_name ?? '';
    if (entry.pod === '') entry.pod = labels.pod ?? labels.pod_name ?? '';
    if (entry.namespace === '') entry.namespace = labels.namespace ?? '';
    if (entry.image === '') entry.image = labels.image ?? '';
    if (entry.name === '') entry.name = labels.name ?? '';
  }
  return byId;
}

interface PodIndex {
  byUid: Map<string, PodMeta>;
  byNamespacedName: Map<string, PodMeta>;
  byContainerId: Map<string, { pod: PodMeta; container: PodMeta['containers'][number] }>;
}

function indexPods(pods: readonly PodMeta[]): PodIndex {
  const index: PodIndex = { byUid: new Map(), byNamespacedName: new Map(), byContainerId: new Map() };
  for (const pod of pods) {
    index.byUid.set(pod.uid, pod);
    if (pod.mirrorHash) index.byUid.set(pod.mirrorHash, pod);
    index.byNamespacedName.set(`${pod.namespace}/${pod.name}`, pod);
    for (const container of pod.containers) {
      if (container.containerId) index.byContainerId.set(container.containerId, { pod, container });
    }
  }
  return index;
}

/** dockershim/cri-dockerd container names: `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>`. */
export function parseDockershimName(name: string): { container: string; pod: string; namespace: string; uid: string } | undefined {
  const parts = name.split('_');
  if (parts.length !== 6 || parts[0] !== 'k8s' || !/^\d+$/.test(parts[5])) return undefined;
  return { container: parts[1], pod: parts[2], namespace: parts[3], uid: parts[4] };
}

function describePod(node: CgroupNode, labelsById: Map<string, IdLabels>, pods: PodIndex): void {
  const uid = node.segment?.podUid as string;
  let name: string | undefined;
  let namespace: string | undefined;
  const own = labelsById.get(node.path);
  if (own?.pod) {
    name = own.pod;
    namespace = own.namespace || undefined;
  }
  // Older kubelets (1.15) leave pod labels empty on the pod cgroup; its containers carry them.
  for (const child of node.children) {
    if (name) break;
    const labels = labelsById.get(child.path);
    if (labels?.pod) {
      name = labels.pod;
      namespace = labels.namespace || undefined;
    } else if (labels?.name) {
      const docker = parseDockershimName(labels.name);
      if (docker) {
        name = docker.pod;
        namespace = docker.namespace;
      }
    }
  }
  const meta = pods.byUid.get(uid) ?? (name && namespace ? pods.byNamespacedName.get(`${namespace}/${name}`) : undefined);
  const pod: CgroupPodRef = { uid };
  if (meta) {
    pod.name = meta.name;
    pod.namespace = meta.namespace;
    if (meta.owner) pod.owner = { ...meta.owner };
  } else {
    if (name) pod.name = name;
    if (namespace) pod.namespace = namespace;
  }
  node.pod = pod;
  node.name = pod.name ? (pod.namespace ? `${pod.namespace}/${pod.name}` : pod.name) : node.segment?.name ?? node.name;
}

/**
 * Names a container cgroup and decides whether it is the pod's sandbox (pause container). The
 * sandbox is the cgroup whose `container` label is `POD` (dockershim, CRI-O), or whose image is a
 * pause image, or that the kubelet labelled with its pod but no container name (containerd sets
 * none on sandboxes); with pod metadata, a child that matches none of the pod's container ids.
 */
function describeContainer(node: CgroupNode, byPath: Map<string, CgroupNode>, labelsById: Map<string, IdLabels>, pods: PodIndex): void {
  const segment = node.segment as CgroupSegment;
  const id = segment.containerId as string;
  const parent = byPath.get(parentCgroupPath(node.path) ?? '/');
  const podNode = parent?.kind === 'pod' ? parent : undefined;
  const labels = labelsById.get(node.path);
  const docker = labels?.name ? parseDockershimName(labels.name) : undefined;
  const known = pods.byContainerId.get(id);

  const container: CgroupContainerRef = { id };
  let runtime = segment.runtime ?? 'unknown';
  if (runtime === 'unknown' && docker) runtime = 'docker';
  container.runtime = runtime;

  let isSandbox = false;
  const labelName = labels?.container ?? '';
  if (known) {
    container.name = known.container.name;
    if (known.container.image) container.image = known.container.image;
  } else if (labelName === 'POD' || docker?.container === 'POD') {
    isSandbox = true;
  } else if (labelName !== '') {
    container.name = labelName;
  } else if (docker) {
    container.name = docker.container;
  } else if (labels?.image && isPauseImage(labels.image)) {
    isSandbox = true;
  } else if (podNode && labels && (labels.pod !== '' || labels.image !== '')) {
    isSandbox = true;
  } else if (podNode?.pod && podHasKnownContainerIds(podNode.pod.uid, pods)) {
    isSandbox = true;
  }
  if (!container.image && labels?.image) container.image = labels.image;

  if (podNode?.pod) {
    node.pod = { ...podNode.pod };
    if (podNode.qos) node.qos = podNode.qos;
  }
  node.kind = isSandbox && podNode ? 'sandbox' : 'container';
  node.container = container;
  node.name = node.kind === 'sandbox' ? 'sandbox' : (container.name ?? id.slice(0, 12));
}

function isPauseImage(image: string): boolean {
  // registry.k8s.io/pause:3.10, k8s.gcr.io/pause-amd64:3.0, docker.io/rancher/mirrored-pause:3.6
  const repository = image.split('@')[0].replace(/:[^/:]*$/, '');
  const last = repository.split('/').at(-1) ?? '';
  return /(^|-)pause(-[a-z0-9]+)?$/.test(last);
}

function podHasKnownContainerIds(uid: string, pods: PodIndex): boolean {
  const meta = pods.byUid.get(uid);
  return meta !== undefined && meta.containers.some((container) => container.containerId);
}

/** Visits every node, parents before children. */
export function walkCgroupTree(node: CgroupNode, visit: (node: CgroupNode, depth: number) => void, depth = 0): void {
  visit(node, depth);
  for (const child of node.children) walkCgroupTree(child, visit, depth + 1);
}
