import type { NodeCondition, NodeSummary } from '../../preload/contract/index.js';
import type { KubeObject } from '../cluster/objects.js';

/** Kubernetes quantity → number in base units ("250m" → 0.25, "16Gi" → 17179869184, "4" → 4). */
export function parseQuantity(quantity: string | number | undefined | null): number | null {
  if (quantity === undefined || quantity === null) return null;
  if (typeof quantity === 'number') return quantity;
  const match = /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(quantity.trim());
  if (!match) return null;
  const value = Number(match[1]);
  const factors: Record<string, number> = {
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    Pi: 1024 ** 5,
    Ei: 1024 ** 6,
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
  };
  return value * (match[2] ? factors[match[2]] : 1);
}

/** Node roles from `node-role.kubernetes.io/<role>` labels (and the legacy `kubernetes.io/role`), as kubectl shows them. */
export function nodeRoles(node: KubeObject): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
    if (key.startsWith('node-role.kubernetes.io/')) roles.add(key.slice('node-role.kubernetes.io/'.length));
    else if (key === 'kubernetes.io/role' && value) roles.add(value);
  }
  return [...roles].filter(Boolean).sort();
}

export interface NodeUsage {
  cpuUsedCores: number | null;
  memoryWorkingSetBytes: number | null;
}

/** The Cluster view's row for one node: the Node object plus headline usage when scraped. */
export function summarizeNode(node: KubeObject, podCount: number, usage: NodeUsage | undefined): NodeSummary {
  const status = node.status ?? {};
  const info = status.nodeInfo ?? {};
  const conditions: NodeCondition[] = (status.conditions ?? []).map((condition: NodeCondition) => ({
    type: condition.type,
    status: condition.status,
    ...(condition.reason ? { reason: condition.reason } : {}),
    ...(condition.message ? { message: condition.message } : {}),
  }));
  const ready = conditions.find((condition) => condition.type === 'Ready');
  const created = node.metadata.creationTimestamp ? Date.parse(node.metadata.creationTimestamp) : NaN;
  return {
    name: node.metadata.name,
    roles: nodeRoles(node),
    ready: ready?.status === 'True' ? true : ready?.status === 'False' ? false : null,
    unschedulable: node.spec?.unschedulable === true,
    kubeletVersion: info.kubeletVersion ?? '',
    containerRuntime: info.containerRuntimeVersion ?? '',
    osImage: info.osImage ?? '',
    kernelVersion: info.kernelVersion ?? '',
    architecture: info.architecture ?? '',
    internalIp: (status.addresses ?? []).find((address: { type: string }) => address.type === 'InternalIP')?.address,
    cpuCapacityCores: parseQuantity(status.capacity?.cpu),
    memoryCapacityBytes: parseQuantity(status.capacity?.memory),
    cpuAllocatableCores: parseQuantity(status.allocatable?.cpu),
    memoryAllocatableBytes: parseQuantity(status.allocatable?.memory),
    podCount,
    conditions,
    createdMs: Number.isFinite(created) ? created : null,
    cpuUsedCores: usage?.cpuUsedCores ?? null,
    memoryWorkingSetBytes: usage?.memoryWorkingSetBytes ?? null,
  };
}
