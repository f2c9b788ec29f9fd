import type { KubeObject } from '../cluster/objects.js';
import type { PodMeta } from './cgroup/tree.js';
import { parseQuantity } from './nodes.js';

/**
 * What a container is to its pod: an app container; an init container, which runs to completion
 * before the app containers start; or a sidecar, an init container with `restartPolicy: Always`
 * that starts before the app containers and runs beside them for the pod's life (KEP-753,
 * Kubernetes 1.29+; how Istio's native sidecar mode and many log shippers run).
 */
export type ContainerRole = 'app' | 'init' | 'sidecar';

/** One container of a pod spec with its status, in the units the views use (cores, bytes). */
export interface ContainerFacts {
  name: string;
  role: ContainerRole;
  image: string | null;
  cpuRequestCores: number | null;
  cpuLimitCores: number | null;
  memoryRequestBytes: number | null;
  memoryLimitBytes: number | null;
  /** 64 hex, runtime prefix (`containerd://`) stripped; null before the container started. */
  containerId: string | null;
  restarts: number | null;
  state: 'running' | 'waiting' | 'terminated' | 'unknown';
  stateReason: string | null;
  lastTerminationReason: string | null;
}

/** What the container, workload and application models need of a Pod object. */
export interface PodFacts {
  uid: string;
  name: string;
  namespace: string;
  node: string | null;
  phase: 'Running' | 'Pending' | 'Succeeded' | 'Failed' | 'Unknown';
  qosClass: 'Guaranteed' | 'Burstable' | 'BestEffort' | null;
  hostNetwork: boolean;
  /** The pod's controller as written in its ownerReferences (ReplicaSet, DaemonSet, StatefulSet, Job, Node…). */
  owner: { kind: string; name: string } | null;
  /** Static pods: the kubelet names the cgroup after this config hash (`kubernetes.io/config.mirror`). */
  mirrorHash: string | null;
  createdMs: number | null;
  /** Init containers and sidecars first, in spec order (the order they start in), then app containers. */
  containers: ContainerFacts[];
}

const PHASES = new Set(['Running', 'Pending', 'Succeeded', 'Failed', 'Unknown']);
const QOS = new Set(['Guaranteed', 'Burstable', 'BestEffort']);

/** `containerd://<64hex>` → `<64hex>` (also `docker://`, `cri-o://`). */
export function stripRuntimePrefix(containerId: string | undefined | null): string | null {
  if (!containerId) return null;
  const index = containerId.indexOf('://');
  return index >= 0 ? containerId.slice(index + 3) : containerId;
}

interface ContainerStatusLike {
  name: string;
  containerID?: string;
  restartCount?: number;
  state?: { running?: object; waiting?: { reason?: string }; terminated?: { reason?: string } };
  lastState?: { terminated?: { reason?: string } };
}

interface ContainerSpecLike {
  name: string;
  image?: string;
  restartPolicy?: string;
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
}

function containerFacts(container: ContainerSpecLike, role: ContainerRole, entry: ContainerStatusLike | undefined): ContainerFacts {
  const requests = container.resources?.requests ?? {};
  const limits = container.resources?.limits ?? {};
  let state: ContainerFacts['state'] = 'unknown';
  let stateReason: string | null = null;
  if (entry?.state?.running) state = 'running';
  else if (entry?.state?.waiting) {
    state = 'waiting';
    stateReason = entry.state.waiting.reason ?? null;
  } else if (entry?.state?.terminated) {
    state = 'terminated';
    stateReason = entry.state.terminated.reason ?? null;
  }
  return {
    name: container.name,
    role,
    image: container.image ?? null,
    cpuRequestCores: parseQuantity(requests.cpu),
    cpuLimitCores: parseQuantity(limits.cpu),
    memoryRequestBytes: parseQuantity(requests.memory),
    memoryLimitBytes: parseQuantity(limits.memory),
    containerId: stripRuntimePrefix(entry?.containerID),
    restarts: typeof entry?.restartCount === 'number' ? entry.restartCount : null,
    state,
    stateReason,
    lastTerminationReason: entry?.lastState?.terminated?.reason ?? null,
  };
}

function statusesByName(list: unknown): Map<string, ContainerStatusLike> {
  return new Map(((Array.isArray(list) ? list : []) as ContainerStatusLike[]).map((entry) => [entry.name, entry]));
}

/** Reads a Pod object (as the watch cache keeps it) into `PodFacts`, init containers and sidecars included. */
export function podFacts(pod: KubeObject): PodFacts {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const statuses = statusesByName(status.containerStatuses);
  const initStatuses = statusesByName(status.initContainerStatuses);
  const controller = (pod.metadata.ownerReferences ?? []).find((owner) => owner.controller) ?? pod.metadata.ownerReferences?.[0];
  const created = pod.metadata.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : NaN;
  const containers = [
    ...((spec.initContainers ?? []) as ContainerSpecLike[]).map((container) => containerFacts(container, container.restartPolicy === 'Always' ? 'sidecar' : 'init', initStatuses.get(container.name))),
    ...((spec.containers ?? []) as ContainerSpecLike[]).map((container) => containerFacts(container, 'app', statuses.get(container.name))),
  ];
  return {
    uid: pod.metadata.uid,
    name: pod.metadata.name,
    namespace: pod.metadata.namespace ?? '',
    node: spec.nodeName ?? null,
    phase: PHASES.has(status.phase) ? status.phase : 'Unknown',
    qosClass: QOS.has(status.qosClass) ? status.qosClass : null,
    hostNetwork: spec.hostNetwork === true,
    owner: controller ? { kind: controller.kind, name: controller.name } : null,
    mirrorHash: pod.metadata.annotations?.['kubernetes.io/config.mirror'] ?? null,
    createdMs: Number.isFinite(created) ? created : null,
    containers,
  };
}

/** Largest of two figures, either absent. */
function maxNullable(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/**
 * A pod's request or limit of one resource as the scheduler and kubelet reckon it (KEP-753,
 * `resourcehelper.PodRequests`): the larger of what it holds while running (app containers plus
 * sidecars) and its peak during start-up (each init container plus the sidecars started before it).
 * Containers that do not set the figure count zero; null when none sets it.
 */
export function podResource(containers: readonly ContainerFacts[], pick: (container: ContainerFacts) => number | null): number | null {
  let sidecars: number | null = null;
  let apps: number | null = null;
  let startupPeak: number | null = null;
  for (const container of containers) {
    const value = pick(container);
    if (container.role === 'sidecar') sidecars = value === null ? sidecars : (sidecars ?? 0) + value;
    else if (container.role === 'init') startupPeak = value === null ? startupPeak : maxNullable(startupPeak, value + (sidecars ?? 0));
    else apps = value === null ? apps : (apps ?? 0) + value;
  }
  const running = apps === null && sidecars === null ? null : (apps ?? 0) + (sidecars ?? 0);
  return maxNullable(running, startupPeak);
}

/** The cgroup tree's view of a pod (joins pod and container cgroups to names). */
export function toPodMeta(facts: PodFacts): PodMeta {
  const meta: PodMeta = {
    uid: facts.uid,
    name: facts.name,
    namespace: facts.namespace,
    containers: facts.containers.map((container) => ({
      name: container.name,
      ...(container.image ? { image: container.image } : {}),
      ...(container.containerId ? { containerId: container.containerId } : {}),
    })),
  };
  if (facts.qosClass) meta.qosClass = facts.qosClass;
  if (facts.owner) meta.owner = { ...facts.owner };
  if (facts.mirrorHash) meta.mirrorHash = facts.mirrorHash;
  return meta;
}
