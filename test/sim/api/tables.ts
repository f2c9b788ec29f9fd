import type { Endpoints, EndpointSlice, KubeObject, Namespace, Node, Pod, Service, Workload } from '../cluster/kube-object.js';
import { humanDuration } from '../cluster/time-format.js';

/**
 * Server-side Tables (meta.k8s.io/v1) for `kubectl get`, with the columns of the apiserver's
 * printers (kubernetes pkg/printers/internalversion/printers.go AddHandlers; protocols.md §4.3).
 * Resources without a printer get the default convertor's Name / Created At.
 */

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number;

interface Printer {
  columns: ColumnDefinition[];
  cells(object: KubeObject, nowMs: number): Cell[];
}

const col = (name: string, type = 'string', priority = 0, format = ''): ColumnDefinition => ({
  name,
  type,
  format: name === 'Name' ? 'name' : format,
  description: name === 'Name' ? 'Name must be unique within a namespace.' : `${name} column`,
  priority,
});

const age = (object: KubeObject, nowMs: number) => humanDuration(nowMs - Date.parse(object.metadata.creationTimestamp));
const orNone = (value: string | undefined) => (value ? value : '<none>');

function podStatusText(pod: Pod): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  const waiting = pod.status.containerStatuses?.find((c) => c.state.waiting)?.state.waiting?.reason;
  if (waiting) return waiting;
  if (pod.status.phase === 'Pending' && !pod.status.containerStatuses?.length) return pod.spec.nodeName ? 'ContainerCreating' : 'Pending';
  return pod.status.phase;
}

function servicePorts(service: Service): string {
  if (service.spec.ports.length === 0) return '<none>';
  return service.spec.ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol}`).join(',');
}

function selectorText(selector: Record<string, string> | undefined): string {
  if (!selector || Object.keys(selector).length === 0) return '<none>';
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

const PRINTERS: Record<string, Printer> = {
  pods: {
    columns: [col('Name'), col('Ready'), col('Status'), col('Restarts', 'string'), col('Age'), col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
    cells(object, nowMs) {
      const pod = object as Pod;
      // As kubectl's printPod: sidecars (restartable init containers) count in READY beside the
      // app containers; every container's restarts count.
      const sidecars = new Set((pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
      const statuses = [...(pod.status.initContainerStatuses ?? []).filter((c) => sidecars.has(c.name)), ...(pod.status.containerStatuses ?? [])];
      const ready = statuses.filter((c) => c.ready).length;
      const restarts = [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])].reduce((sum, c) => sum + c.restartCount, 0);
      return [pod.metadata.name, `${ready}/${pod.spec.containers.length + sidecars.size}`, podStatusText(pod), String(restarts), age(pod, nowMs), orNone(pod.status.podIP), orNone(pod.spec.nodeName), '<none>', '<none>'];
    },
  },
  nodes: {
    columns: [col('Name'), col('Status'), col('Roles'), col('Age'), col('Version'), col('Internal-IP', 'string', 1), col('External-IP', 'string', 1), col('OS-Image', 'string', 1), col('Kernel-Version', 'string', 1), col('Container-Runtime', 'string', 1)],
    cells(object, nowMs) {
      const node = object as Node;
      const ready = node.status.conditions.find((c) => c.type === 'Ready')?.status === 'True';
      const status = (ready ? 'Ready' : 'NotReady') + (node.spec.unschedulable ? ',SchedulingDisabled' : '');
      const roles = Object.keys(node.metadata.labels ?? {})
        .filter((l) => l.startsWith('node-role.kubernetes.io/'))
        .map((l) => l.slice('node-role.kubernetes.io/'.length))
        .sort()
        .join(',');
      const address = (type: string) => orNone(node.status.addresses.find((a) => a.type === type)?.address);
      const info = node.status.nodeInfo;
      return [node.metadata.name, status, roles || '<none>', age(node, nowMs), info.kubeletVersion, address('InternalIP'), address('ExternalIP'), info.osImage, info.kernelVersion, info.containerRuntimeVersion];
    },
  },
  services: {
    columns: [col('Name'), col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), col('Age'), col('Selector', 'string', 1)],
    cells(object, nowMs) {
      const service = object as Service;
      let external = '<none>';
      if (service.spec.type === 'LoadBalancer') {
        const ips = (service.status.loadBalancer.ingress ?? []).map((i) => i.ip);
        external = ips.length > 0 ? ips.join(',') : '<pending>';
      }
      return [service.metadata.name, service.spec.type, service.spec.clusterIP, external, servicePorts(service), age(service, nowMs), selectorText(service.spec.selector)];
    },
  },
  namespaces: {
    columns: [col('Name'), col('Status'), col('Age')],
    cells: (object, nowMs) => [object.metadata.name, (object as Namespace).status.phase, age(object, nowMs)],
  },
  deployments: {
    columns: [col('Name'), col('Ready'), col('Up-to-date', 'string'), col('Available', 'string'), col('Age'), col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells(object, nowMs) {
      const d = object as Workload;
      const containers = d.spec.template.spec.containers;
      return [d.metadata.name, `${d.status.readyReplicas ?? 0}/${d.spec.replicas ?? 0}`, String(d.status.updatedReplicas ?? 0), String(d.status.availableReplicas ?? 0), age(d, nowMs), containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(','), selectorText(d.spec.selector.matchLabels)];
    },
  },
  daemonsets: {
    columns: [col('Name'), col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Node Selector'), col('Age')],
    cells(object, nowMs) {
      const d = object as Workload;
      const s = d.status;
      return [d.metadata.name, s.desiredNumberScheduled ?? 0, s.currentNumberScheduled ?? 0, s.numberReady ?? 0, s.updatedNumberScheduled ?? 0, s.numberAvailable ?? 0, selectorText(d.spec.template.spec.nodeSelector), age(d, nowMs)];
    },
  },
  statefulsets: {
    columns: [col('Name'), col('Ready'), col('Age'), col('Containers', 'string', 1), col('Images', 'string', 1)],
    cells(object, nowMs) {
      const s = object as Workload;
      const containers = s.spec.template.spec.containers;
      return [s.metadata.name, `${s.status.readyReplicas ?? 0}/${s.spec.replicas ?? 0}`, age(s, nowMs), containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(',')];
    },
  },
  replicasets: {
    columns: [col('Name'), col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Age'), col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells(object, nowMs) {
      const r = object as Workload;
      const containers = r.spec.template.spec.containers;
      return [r.metadata.name, r.spec.replicas ?? 0, r.status.replicas ?? 0, r.status.readyReplicas ?? 0, age(r, nowMs), containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(','), selectorText(r.spec.selector.matchLabels)];
    },
  },
  endpoints: {
    columns: [col('Name'), col('Endpoints'), col('Age')],
    cells(object, nowMs) {
      const e = object as Endpoints;
      const list: string[] = [];
      for (const subset of e.subsets ?? []) for (const a of subset.addresses ?? []) for (const p of subset.ports ?? []) list.push(`${a.ip}:${p.port}`);
      const text = list.length === 0 ? '<none>' : list.length > 3 ? `${list.slice(0, 3).join(',')} + ${list.length - 3} more...` : list.join(',');
      return [e.metadata.name, text, age(e, nowMs)];
    },
  },
  endpointslices: {
    columns: [col('Name'), col('AddressType'), col('Ports'), col('Endpoints'), col('Age')],
    cells(object, nowMs) {
      const s = object as EndpointSlice;
      const ports = s.ports.length ? s.ports.map((p) => String(p.port)).join(',') : '<unset>';
      const addresses = s.endpoints.flatMap((e) => e.addresses);
      const text = addresses.length === 0 ? '<unset>' : addresses.length > 3 ? `${addresses.slice(0, 3).join(',')} + ${addresses.length - 3} more...` : addresses.join(',');
      return [s.metadata.name, s.addressType, ports, text, age(s, nowMs)];
    },
  },
};

const DEFAULT_PRINTER: Printer = {
  columns: [col('Name'), { name: 'Created At', type: 'date', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 }],
  cells: (object) => [object.metadata.name, object.metadata.creationTimestamp],
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** A row for one object; `includeObject` follows the `includeObject` query parameter (default Metadata). */
export function tableRow(resource: string, object: KubeObject, nowMs: number, includeObject: IncludeObject): object {
  const printer = PRINTERS[resource] ?? DEFAULT_PRINTER;
  const row: { cells: Cell[]; object?: object } = { cells: printer.cells(object, nowMs) };
  if (includeObject === 'Object') row.object = object;
  else if (includeObject === 'Metadata') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
  return row;
}

export function tableColumns(resource: string): ColumnDefinition[] {
  return (PRINTERS[resource] ?? DEFAULT_PRINTER).columns;
}
