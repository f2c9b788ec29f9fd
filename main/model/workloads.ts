// The Workloads view: Deployments, DaemonSets and StatefulSets with their replica figures, pods by
// phase, restarts, and requests/limits against live usage; plus node conditions.
//
// Replica figures, phases, restarts and node conditions come from kube-state-metrics when a KSM
// target answers (protocols.md §8; the figures Grafana's kubernetes-mixin reads), else from the
// cached apps/v1 objects and pods. Requests and limits come from the pod specs (authoritative),
// KSM's `kube_pod_container_resource_*` for pods the cache lacks. Usage is summed over the
// workload's measured containers (container rows: container cgroups only, never pod + sandbox).
import type { ContainerRow, NodeConditionsRow, PodPhaseCounts, WorkloadRow, WorkloadsPayload } from '../../preload/contract/index.js';
import type { KubeObject } from '../cluster/objects.js';
import type { KsmContainerFacts, LabelledSample } from './containers.js';
import { podResource, type PodFacts } from './pod-facts.js';

/** The kube-state-metrics families the Workloads view reads. */
export const WORKLOAD_KSM_FAMILIES = [
  'kube_deployment_spec_replicas',
  'kube_deployment_status_replicas',
  'kube_deployment_status_replicas_ready',
  'kube_deployment_status_replicas_available',
  'kube_deployment_status_replicas_updated',
  'kube_deployment_status_replicas_unavailable',
  'kube_deployment_created',
  'kube_daemonset_status_desired_number_scheduled',
  'kube_daemonset_status_current_number_scheduled',
  'kube_daemonset_status_number_ready',
  'kube_daemonset_status_number_available',
  'kube_daemonset_status_updated_number_scheduled',
  'kube_daemonset_status_number_unavailable',
  'kube_daemonset_created',
  'kube_statefulset_replicas',
  'kube_statefulset_status_replicas',
  'kube_statefulset_status_replicas_ready',
  'kube_statefulset_status_replicas_available',
  'kube_statefulset_status_replicas_updated',
  'kube_statefulset_created',
  'kube_pod_owner',
  'kube_replicaset_owner',
  'kube_pod_status_phase',
  'kube_pod_container_status_restarts_total',
  'kube_pod_container_resource_requests',
  'kube_pod_container_resource_limits',
  'kube_node_status_condition',
  'kube_node_spec_unschedulable',
] as const;

type Kind = WorkloadRow['kind'];
type ReplicaField = 'desired' | 'current' | 'ready' | 'available' | 'updated' | 'unavailable';

/** KSM family → [kind, label naming the object, field]. */
const KSM_REPLICAS: Record<string, [Kind, string, ReplicaField | 'created']> = {
  kube_deployment_spec_replicas: ['Deployment', 'deployment', 'desired'],
  kube_deployment_status_replicas: ['Deployment', 'deployment', 'current'],
  kube_deployment_status_replicas_ready: ['Deployment', 'deployment', 'ready'],
  kube_deployment_status_replicas_available: ['Deployment', 'deployment', 'available'],
  kube_deployment_status_replicas_updated: ['Deployment', 'deployment', 'updated'],
  kube_deployment_status_replicas_unavailable: ['Deployment', 'deployment', 'unavailable'],
  kube_deployment_created: ['Deployment', 'deployment', 'created'],
  kube_daemonset_status_desired_number_scheduled: ['DaemonSet', 'daemonset', 'desired'],
  kube_daemonset_status_current_number_scheduled: ['DaemonSet', 'daemonset', 'current'],
  kube_daemonset_status_number_ready: ['DaemonSet', 'daemonset', 'ready'],
  kube_daemonset_status_number_available: ['DaemonSet', 'daemonset', 'available'],
  kube_daemonset_status_updated_number_scheduled: ['DaemonSet', 'daemonset', 'updated'],
  kube_daemonset_status_number_unavailable: ['DaemonSet', 'daemonset', 'unavailable'],
  kube_daemonset_created: ['DaemonSet', 'daemonset', 'created'],
  kube_statefulset_replicas: ['StatefulSet', 'statefulset', 'desired'],
  kube_statefulset_status_replicas: ['StatefulSet', 'statefulset', 'current'],
  kube_statefulset_status_replicas_ready: ['StatefulSet', 'statefulset', 'ready'],
  kube_statefulset_status_replicas_available: ['StatefulSet', 'statefulset', 'available'],
  kube_statefulset_status_replicas_updated: ['StatefulSet', 'statefulset', 'updated'],
  kube_statefulset_created: ['StatefulSet', 'statefulset', 'created'],
};

const KINDS: readonly Kind[] = ['Deployment', 'DaemonSet', 'StatefulSet'];

export interface WorkloadsInput {
  deployments: readonly KubeObject[];
  daemonSets: readonly KubeObject[];
  statefulSets: readonly KubeObject[];
  replicaSets: readonly KubeObject[];
  pods: readonly PodFacts[];
  nodes: readonly KubeObject[];
  /** Samples of `WORKLOAD_KSM_FAMILIES` with their scraped labels; null when no KSM target answers. */
  ksm: readonly LabelledSample[] | null;
  /** Why KSM is not used, when a KSM target exists but is down. */
  ksmProblem?: string;
  /** KSM requests/limits/restarts by `namespace/pod/container` (for pods the cache lacks). */
  ksmContainers?: ReadonlyMap<string, KsmContainerFacts>;
  /** Container rows with live usage (any nodes); summed per workload. */
  containers: readonly ContainerRow[];
  /** Only this namespace's workloads (node conditions are always all nodes). */
  namespace?: string;
  /** Time of the KSM scrape, or now. */
  tsMs: number;
}

interface Accumulator extends WorkloadRow {
  podKeys: Set<string>;
}

function emptyPhases(): PodPhaseCounts {
  return { running: 0, pending: 0, succeeded: 0, failed: 0, unknown: 0 };
}

function addNullable(a: number | null, b: number | null): number | null {
  if (b === null) return a;
  return (a ?? 0) + b;
}

function phaseKey(phase: string): keyof PodPhaseCounts {
  switch (phase) {
    case 'Running':
      return 'running';
    case 'Pending':
      return 'pending';
    case 'Succeeded':
      return 'succeeded';
    case 'Failed':
      return 'failed';
    default:
      return 'unknown';
  }
}

/** Top-level controller of a pod owner: a ReplicaSet's Deployment when the ReplicaSet has one. */
export function controllerResolver(replicaSets: readonly KubeObject[], ksm: readonly LabelledSample[] | null): (namespace: string, owner: { kind: string; name: string }) => { kind: string; name: string } {
  const rsOwner = new Map<string, { kind: string; name: string }>();
  for (const rs of replicaSets) {
    const owner = (rs.metadata.ownerReferences ?? []).find((ref) => ref.controller) ?? rs.metadata.ownerReferences?.[0];
    if (owner) rsOwner.set(`${rs.metadata.namespace}/${rs.metadata.name}`, { kind: owner.kind, name: owner.name });
  }
  for (const sample of ksm ?? []) {
    if (sample.name !== 'kube_replicaset_owner') continue;
    const { namespace, replicaset, owner_kind: kind, owner_name: name } = sample.labels;
    if (!namespace || !replicaset || !kind || kind === '<none>' || !name) continue;
    const key = `${namespace}/${replicaset}`;
    if (!rsOwner.has(key)) rsOwner.set(key, { kind, name });
  }
  return (namespace, owner) => (owner.kind === 'ReplicaSet' ? (rsOwner.get(`${namespace}/${owner.name}`) ?? owner) : owner);
}

/** The Workloads view's payload. */
export function summarizeWorkloads(input: WorkloadsInput): WorkloadsPayload {
  const rows = new Map<string, Accumulator>();
  const inScope = (namespace: string) => input.namespace === undefined || namespace === input.namespace;
  const row = (kind: Kind, namespace: string, name: string, from: WorkloadRow['from']): Accumulator => {
    const key = `${kind}/${namespace}/${name}`;
    let found = rows.get(key);
    if (!found) {
      found = {
        key,
        kind,
        namespace,
        name,
        from,
        desired: null,
        current: null,
        ready: null,
        available: null,
        updated: null,
        unavailable: null,
        pods: emptyPhases(),
        restarts: null,
        cpuRequestCores: null,
        cpuLimitCores: null,
        cpuUsedCores: null,
        memoryRequestBytes: null,
        memoryLimitBytes: null,
        memoryWorkingSetBytes: null,
        images: [],
        createdMs: null,
        podKeys: new Set(),
      };
      rows.set(key, found);
    }
    return found;
  };
  const resolve = controllerResolver(input.replicaSets, input.ksm);
  const workloadOf = (namespace: string, owner: { kind: string; name: string } | null): string | undefined => {
    if (!owner) return undefined;
    const top = resolve(namespace, owner);
    return (KINDS as readonly string[]).includes(top.kind) ? `${top.kind}/${namespace}/${top.name}` : undefined;
  };

  // Replica figures: KSM first; objects KSM does not know come from the API. The same KSM is often
  // scraped twice (its pod is annotated and its service too): identical series count once.
  const ksm = input.ksm ? uniqueSamples(input.ksm) : null;
  if (ksm) {
    for (const sample of ksm) {
      const mapping = KSM_REPLICAS[sample.name];
      if (!mapping) continue;
      const [kind, label, field] = mapping;
      const namespace = sample.labels.namespace;
      const name = sample.labels[label];
      if (!namespace || !name || !inScope(namespace)) continue;
      const target = row(kind, namespace, name, 'kube-state-metrics');
      if (field === 'created') target.createdMs = sample.value * 1000;
      else target[field] = sample.value;
    }
  }
  const fromApi = (kind: Kind, object: KubeObject) => {
    const namespace = object.metadata.namespace ?? '';
    if (!inScope(namespace)) return;
    const known = rows.get(`${kind}/${namespace}/${object.metadata.name}`);
    const target = known ? { ...known } : row(kind, namespace, object.metadata.name, 'api');
    const spec = object.spec ?? {};
    const status = object.status ?? {};
    const number = (value: unknown): number | null => (typeof value === 'number' ? value : null);
    if (kind === 'DaemonSet') {
      target.desired = number(status.desiredNumberScheduled);
      target.current = number(status.currentNumberScheduled);
      target.ready = number(status.numberReady) ?? 0;
      target.available = number(status.numberAvailable) ?? 0;
      target.updated = number(status.updatedNumberScheduled) ?? 0;
      target.unavailable = number(status.numberUnavailable) ?? 0;
    } else {
      // The apiserver omits zero-valued status fields (omitempty), so absent means 0 once the object has a status.
      const zero = object.status ? 0 : null;
      target.desired = number(spec.replicas) ?? 1;
      target.current = number(status.replicas) ?? zero;
      target.ready = number(status.readyReplicas) ?? zero;
      target.available = number(status.availableReplicas) ?? zero;
      target.updated = number(status.updatedReplicas) ?? zero;
      target.unavailable = kind === 'Deployment' ? (number(status.unavailableReplicas) ?? zero) : null;
    }
    const created = object.metadata.creationTimestamp ? Date.parse(object.metadata.creationTimestamp) : NaN;
    target.createdMs = Number.isFinite(created) ? created : null;
    target.images = [...new Set<string>((spec.template?.spec?.containers ?? []).map((container: { image?: string }) => container.image).filter(Boolean))];
    if (known) {
      // A KSM row keeps KSM's figures; the object only fills what this KSM version does not report
      // (kube_statefulset_status_replicas_available is recent, for one).
      for (const field of ['desired', 'current', 'ready', 'available', 'updated', 'unavailable', 'createdMs'] as const) if (known[field] === null) known[field] = target[field];
      known.images = target.images;
    }
  };
  for (const object of input.deployments) fromApi('Deployment', object);
  for (const object of input.daemonSets) fromApi('DaemonSet', object);
  for (const object of input.statefulSets) fromApi('StatefulSet', object);

  // Pods of each workload, by phase, with restarts.
  const cachedPods = new Map(input.pods.map((pod) => [`${pod.namespace}/${pod.name}`, pod]));
  const ksmPods = new Map<string, { owner: { kind: string; name: string } | null; phase: string | null; restarts: number | null }>();
  for (const sample of ksm ?? []) {
    const { namespace, pod } = sample.labels;
    if (!namespace || !pod) continue;
    const key = `${namespace}/${pod}`;
    let entry = ksmPods.get(key);
    if (!entry && (sample.name === 'kube_pod_owner' || sample.name === 'kube_pod_status_phase' || sample.name === 'kube_pod_container_status_restarts_total')) {
      ksmPods.set(key, (entry = { owner: null, phase: null, restarts: null }));
    }
    if (!entry) continue;
    if (sample.name === 'kube_pod_owner' && sample.labels.owner_kind && sample.labels.owner_kind !== '<none>') entry.owner = { kind: sample.labels.owner_kind, name: sample.labels.owner_name ?? '' };
    else if (sample.name === 'kube_pod_status_phase' && sample.value === 1) entry.phase = sample.labels.phase ?? null;
    else if (sample.name === 'kube_pod_container_status_restarts_total') entry.restarts = addNullable(entry.restarts, sample.value);
  }
  for (const [key, entry] of ksmPods) {
    const namespace = key.slice(0, key.indexOf('/'));
    const workload = workloadOf(namespace, entry.owner);
    const target = workload ? rows.get(workload) : undefined;
    if (!target || target.from !== 'kube-state-metrics') continue;
    target.podKeys.add(key);
    target.pods[phaseKey(entry.phase ?? 'Unknown')]++;
    target.restarts = addNullable(target.restarts, entry.restarts);
  }
  for (const pod of input.pods) {
    const workload = workloadOf(pod.namespace, pod.owner);
    const target = workload ? rows.get(workload) : undefined;
    if (!target) continue;
    const key = `${pod.namespace}/${pod.name}`;
    if (target.from === 'kube-state-metrics') {
      // KSM lists every pod it knows; the cache adds only pods KSM has not seen yet.
      if (ksmPods.has(key)) {
        target.podKeys.add(key);
        continue;
      }
    }
    target.podKeys.add(key);
    target.pods[phaseKey(pod.phase)]++;
    for (const container of pod.containers) target.restarts = addNullable(target.restarts, container.restarts);
  }

  // Requests and limits (pods that still hold resources: not Succeeded/Failed) and live usage.
  const usage = new Map<string, ContainerRow[]>();
  for (const container of input.containers) {
    const key = `${container.namespace}/${container.pod}`;
    const list = usage.get(key);
    if (list) list.push(container);
    else usage.set(key, [container]);
  }
  for (const target of rows.values()) {
    for (const podKey of target.podKeys) {
      const pod = cachedPods.get(podKey);
      if (pod && (pod.phase === 'Succeeded' || pod.phase === 'Failed')) continue;
      if (pod) {
        // As the scheduler counts a pod: app containers and sidecars, or the start-up peak.
        target.cpuRequestCores = addNullable(target.cpuRequestCores, podResource(pod.containers, (container) => container.cpuRequestCores));
        target.cpuLimitCores = addNullable(target.cpuLimitCores, podResource(pod.containers, (container) => container.cpuLimitCores));
        target.memoryRequestBytes = addNullable(target.memoryRequestBytes, podResource(pod.containers, (container) => container.memoryRequestBytes));
        target.memoryLimitBytes = addNullable(target.memoryLimitBytes, podResource(pod.containers, (container) => container.memoryLimitBytes));
      } else if (input.ksmContainers) {
        for (const [key, facts] of input.ksmContainers) {
          if (!key.startsWith(`${podKey}/`)) continue;
          target.cpuRequestCores = addNullable(target.cpuRequestCores, facts.cpuRequestCores);
          target.cpuLimitCores = addNullable(target.cpuLimitCores, facts.cpuLimitCores);
          target.memoryRequestBytes = addNullable(target.memoryRequestBytes, facts.memoryRequestBytes);
          target.memoryLimitBytes = addNullable(target.memoryLimitBytes, facts.memoryLimitBytes);
        }
      }
      for (const container of usage.get(podKey) ?? []) {
        target.cpuUsedCores = addNullable(target.cpuUsedCores, container.cpuCores);
        target.memoryWorkingSetBytes = addNullable(target.memoryWorkingSetBytes, container.memoryWorkingSetBytes);
      }
    }
  }

  const workloads: WorkloadRow[] = [...rows.values()]
    .map(({ podKeys: _podKeys, ...rest }) => rest)
    .sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  const usingKsm = ksm !== null;
  const note = usingKsm
    ? workloads.some((workload) => workload.from === 'api')
      ? 'Some rows are from the API: kube-state-metrics does not list them yet.'
      : null
    : `From the API (no kube-state-metrics${input.ksmProblem ? `: ${input.ksmProblem}` : ''}).`;
  return { source: usingKsm ? 'kube-state-metrics' : 'api', note, workloads, nodes: nodeConditions(input.nodes, ksm), tsMs: input.tsMs };
}

/** Samples with the same name and labels counted once (the first wins). */
export function uniqueSamples<T extends LabelledSample>(samples: readonly T[]): T[] {
  const seen = new Set<string>();
  return samples.filter((sample) => {
    const key = `${sample.name}\u0000${Object.keys(sample.labels)
      .sort()
      .map((name) => `${name}=${sample.labels[name]}`)
      .join('\u0000')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Conditions per node: KSM `kube_node_status_condition` (the series whose value is 1 names the status), else the Node objects. */
export function nodeConditions(nodes: readonly KubeObject[], ksm: readonly LabelledSample[] | null): NodeConditionsRow[] {
  const byNode = new Map<string, NodeConditionsRow>();
  for (const sample of ksm ? uniqueSamples(ksm) : []) {
    const node = sample.labels.node;
    if (!node) continue;
    let entry = byNode.get(node);
    if (!entry && (sample.name === 'kube_node_status_condition' || sample.name === 'kube_node_spec_unschedulable')) {
      byNode.set(node, (entry = { node, ready: null, unschedulable: null, conditions: [], from: 'kube-state-metrics' }));
    }
    if (!entry) continue;
    if (sample.name === 'kube_node_spec_unschedulable') entry.unschedulable = sample.value === 1;
    else if (sample.name === 'kube_node_status_condition' && sample.value === 1) {
      const status = sample.labels.status === 'true' ? 'True' : sample.labels.status === 'false' ? 'False' : 'Unknown';
      const type = sample.labels.condition ?? '';
      entry.conditions.push({ type, status });
      if (type === 'Ready') entry.ready = status === 'True' ? true : status === 'False' ? false : null;
    }
  }
  for (const node of nodes) {
    if (byNode.has(node.metadata.name)) continue;
    const conditions = ((node.status?.conditions ?? []) as { type: string; status: string }[]).map((condition) => ({
      type: condition.type,
      status: (condition.status === 'True' || condition.status === 'False' ? condition.status : 'Unknown') as 'True' | 'False' | 'Unknown',
    }));
    const ready = conditions.find((condition) => condition.type === 'Ready');
    byNode.set(node.metadata.name, {
      node: node.metadata.name,
      ready: ready ? (ready.status === 'True' ? true : ready.status === 'False' ? false : null) : null,
      unschedulable: node.spec?.unschedulable === true,
      conditions,
      from: 'api',
    });
  }
  for (const entry of byNode.values()) entry.conditions.sort((a, b) => (a.type === 'Ready' ? -1 : b.type === 'Ready' ? 1 : a.type.localeCompare(b.type)));
  return [...byNode.values()].sort((a, b) => a.node.localeCompare(b.node));
}
