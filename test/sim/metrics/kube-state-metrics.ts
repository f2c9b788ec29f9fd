import { readFileSync } from 'node:fs';
import type { Endpoints, Namespace, Node, Pod, Service, Workload } from '../cluster/kube-object.js';
import { fixtureFile } from '../cluster/scenario.js';
import { formatGoFloat, formatLabels, parseExposition, parseLabels } from './exposition-template.js';

/**
 * kube-state-metrics `/metrics`, generated from the simulator's own objects so scaling a Deployment
 * changes `kube_deployment_status_replicas_available` and friends. The format is taken from a real
 * KSM v2.19.0 scrape (../shared/fixtures/kube-state-metrics/ksm-v2.19.0_k8s-1.35_minikube.prom):
 * HELP/TYPE lines verbatim, families in its order, label names in its order (KSM does not sort
 * labels). Only the families listed here are generated; values are derived from objects, nothing
 * is invented except `kube_pod_container_status_restarts_total` (always 0).
 */

const KSM_FIXTURE = 'kube-state-metrics/ksm-v2.19.0_k8s-1.35_minikube.prom';

interface FamilyFormat {
  readonly header: string[];
  /** Label names in KSM's order (from the first sample of the family in the recording). */
  readonly labelOrder: string[] | null;
}

let formats: { order: string[]; byName: Map<string, FamilyFormat> } | null = null;

function ksmFormats(): { order: string[]; byName: Map<string, FamilyFormat> } {
  if (formats) return formats;
  const template = parseExposition(readFileSync(fixtureFile(KSM_FIXTURE), 'utf8'));
  const byName = new Map<string, FamilyFormat>();
  const order: string[] = [];
  for (const family of template.families) {
    order.push(family.name);
    const first = family.samples[0];
    byName.set(family.name, { header: family.header.filter((l) => l.startsWith('# HELP') || l.startsWith('# TYPE')), labelOrder: first ? parseLabels(first.labelsText).map(([n]) => n) : null });
  }
  return (formats = { order, byName });
}

export interface KsmInput {
  readonly namespaces: readonly Namespace[];
  readonly nodes: readonly Node[];
  readonly pods: readonly Pod[];
  readonly deployments: readonly Workload[];
  readonly replicasets: readonly Workload[];
  readonly daemonsets: readonly Workload[];
  readonly statefulsets: readonly Workload[];
  readonly services: readonly Service[];
  readonly endpoints: readonly Endpoints[];
}

type Labels = Record<string, string>;

const seconds = (iso: string | undefined) => (iso ? Math.floor(Date.parse(iso) / 1000) : 0);

/** Parses a Kubernetes quantity (`100m`, `64Mi`, `1G`, `2`) into a plain number (cores or bytes). */
export function parseQuantity(text: string): number {
  const match = /^([0-9.]+)([a-zA-Z]*)$/.exec(text.trim());
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  const units: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  const factor = units[match[2]];
  return factor === undefined ? Number.NaN : value * factor;
}

export function renderKubeStateMetrics(input: KsmInput): string {
  const { order, byName } = ksmFormats();
  const samples = new Map<string, string[]>();
  const add = (family: string, labels: Labels, value: number) => {
    const format = byName.get(family);
    const names = format?.labelOrder ?? Object.keys(labels);
    const pairs: Array<[string, string]> = names.filter((n) => n in labels).map((n) => [n, labels[n]]);
    for (const n of Object.keys(labels)) if (!names.includes(n)) pairs.push([n, labels[n]]);
    let list = samples.get(family);
    if (!list) samples.set(family, (list = []));
    list.push(`${family}${formatLabels(pairs)} ${formatGoFloat(value)}`);
  };
  const boolSeries = (family: string, base: Labels, key: string, states: readonly string[], current: string) => {
    for (const state of states) add(family, { ...base, [key]: state }, state === current ? 1 : 0);
  };

  for (const ns of input.namespaces) {
    const base = { namespace: ns.metadata.name };
    add('kube_namespace_created', base, seconds(ns.metadata.creationTimestamp));
    add('kube_namespace_labels', base, 1);
    boolSeries('kube_namespace_status_phase', base, 'phase', ['Active', 'Terminating'], ns.status.phase);
  }

  for (const node of input.nodes) {
    const base = { node: node.metadata.name };
    const info = node.status.nodeInfo;
    add('kube_node_created', base, seconds(node.metadata.creationTimestamp));
    add('kube_node_info', { ...base, kernel_version: info.kernelVersion, os_image: info.osImage, container_runtime_version: info.containerRuntimeVersion, kubelet_version: info.kubeletVersion, kubeproxy_version: 'deprecated', provider_id: node.spec.providerID ?? '', pod_cidr: node.spec.podCIDR ?? '', system_uuid: info.systemUUID, internal_ip: node.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '' }, 1);
    add('kube_node_labels', base, 1);
    for (const label of Object.keys(node.metadata.labels ?? {})) {
      if (label.startsWith('node-role.kubernetes.io/')) add('kube_node_role', { ...base, role: label.slice('node-role.kubernetes.io/'.length) }, 1);
    }
    add('kube_node_spec_unschedulable', base, node.spec.unschedulable ? 1 : 0);
    for (const [family, list] of [['kube_node_status_allocatable', node.status.allocatable], ['kube_node_status_capacity', node.status.capacity]] as const) {
      for (const [resource, quantity] of Object.entries(list)) {
        const unit = resource === 'cpu' ? 'core' : resource === 'pods' ? 'integer' : 'byte';
        add(family, { ...base, resource: resource.replace(/[-./]/g, '_'), unit }, parseQuantity(quantity));
      }
    }
    for (const condition of node.status.conditions) {
      for (const status of ['true', 'false', 'unknown']) add('kube_node_status_condition', { ...base, condition: condition.type, status }, condition.status.toLowerCase() === status ? 1 : 0);
    }
  }

  for (const pod of input.pods) {
    const base = { namespace: pod.metadata.namespace ?? '', pod: pod.metadata.name, uid: pod.metadata.uid };
    const owner = pod.metadata.ownerReferences?.[0];
    const hostNetwork = pod.spec.hostNetwork ?? false;
    add('kube_pod_info', { ...base, host_ip: pod.status.hostIP ?? '', pod_ip: pod.status.podIP ?? '', node: pod.spec.nodeName ?? '', created_by_kind: owner?.kind ?? '', created_by_name: owner?.name ?? '', priority_class: pod.spec.priorityClassName ?? '', host_network: String(hostNetwork) }, 1);
    add('kube_pod_owner', { ...base, owner_kind: owner?.kind ?? '<none>', owner_name: owner?.name ?? '<none>', owner_is_controller: owner ? String(owner.controller ?? false) : '<none>' }, 1);
    boolSeries('kube_pod_status_phase', base, 'phase', ['Pending', 'Succeeded', 'Failed', 'Unknown', 'Running'], pod.status.phase);
    const ready = pod.status.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
    boolSeries('kube_pod_status_ready', base, 'condition', ['true', 'false', 'unknown'], ready.toLowerCase());
    boolSeries('kube_pod_status_qos_class', base, 'qos_class', ['BestEffort', 'Burstable', 'Guaranteed'], pod.status.qosClass ?? 'BestEffort');
    add('kube_pod_created', base, seconds(pod.metadata.creationTimestamp));
    if (pod.status.startTime) add('kube_pod_start_time', base, seconds(pod.status.startTime));
    add('kube_pod_labels', base, 1);
    if (pod.status.podIP) add('kube_pod_ips', { ...base, ip: pod.status.podIP, ip_family: '4' }, 1);
    const statuses = new Map((pod.status.containerStatuses ?? []).map((s) => [s.name, s]));
    for (const container of pod.spec.containers) {
      const status = statuses.get(container.name);
      const c = { ...base, container: container.name };
      if (status) add('kube_pod_container_info', { ...c, image_spec: container.image, image: status.image, image_id: status.imageID, container_id: status.containerID ?? '' }, 1);
      add('kube_pod_container_status_restarts_total', c, status?.restartCount ?? 0);
      add('kube_pod_container_status_running', c, status?.state.running ? 1 : 0);
      add('kube_pod_container_status_waiting', c, status?.state.waiting || !status ? 1 : 0);
      add('kube_pod_container_status_terminated', c, status?.state.terminated ? 1 : 0);
      add('kube_pod_container_status_ready', c, status?.ready ? 1 : 0);
      for (const [family, list] of [['kube_pod_container_resource_requests', container.resources?.requests], ['kube_pod_container_resource_limits', container.resources?.limits]] as const) {
        for (const [resource, quantity] of Object.entries(list ?? {})) {
          if (quantity === undefined) continue;
          add(family, { ...c, node: pod.spec.nodeName ?? '', resource, unit: resource === 'cpu' ? 'core' : 'byte' }, parseQuantity(quantity));
        }
      }
    }
  }

  for (const d of input.deployments) {
    const base = { namespace: d.metadata.namespace ?? '', deployment: d.metadata.name };
    add('kube_deployment_created', base, seconds(d.metadata.creationTimestamp));
    add('kube_deployment_labels', base, 1);
    add('kube_deployment_metadata_generation', base, d.metadata.generation ?? 1);
    add('kube_deployment_spec_replicas', base, d.spec.replicas ?? 0);
    add('kube_deployment_status_observed_generation', base, d.status.observedGeneration ?? 1);
    add('kube_deployment_status_replicas', base, d.status.replicas ?? 0);
    add('kube_deployment_status_replicas_available', base, d.status.availableReplicas ?? 0);
    add('kube_deployment_status_replicas_ready', base, d.status.readyReplicas ?? 0);
    add('kube_deployment_status_replicas_unavailable', base, d.status.unavailableReplicas ?? 0);
    add('kube_deployment_status_replicas_updated', base, d.status.updatedReplicas ?? 0);
  }

  for (const r of input.replicasets) {
    const base = { namespace: r.metadata.namespace ?? '', replicaset: r.metadata.name };
    const owner = r.metadata.ownerReferences?.[0];
    add('kube_replicaset_created', base, seconds(r.metadata.creationTimestamp));
    add('kube_replicaset_owner', { ...base, owner_kind: owner?.kind ?? '<none>', owner_name: owner?.name ?? '<none>', owner_is_controller: owner ? 'true' : '<none>' }, 1);
    add('kube_replicaset_spec_replicas', base, r.spec.replicas ?? 0);
    add('kube_replicaset_status_ready_replicas', base, r.status.readyReplicas ?? 0);
    add('kube_replicaset_status_replicas', base, r.status.replicas ?? 0);
  }

  for (const d of input.daemonsets) {
    const base = { namespace: d.metadata.namespace ?? '', daemonset: d.metadata.name };
    const s = d.status;
    add('kube_daemonset_created', base, seconds(d.metadata.creationTimestamp));
    add('kube_daemonset_status_current_number_scheduled', base, s.currentNumberScheduled ?? 0);
    add('kube_daemonset_status_desired_number_scheduled', base, s.desiredNumberScheduled ?? 0);
    add('kube_daemonset_status_number_available', base, s.numberAvailable ?? 0);
    add('kube_daemonset_status_number_misscheduled', base, 0);
    add('kube_daemonset_status_number_ready', base, s.numberReady ?? 0);
    add('kube_daemonset_status_number_unavailable', base, (s.desiredNumberScheduled ?? 0) - (s.numberAvailable ?? 0));
    add('kube_daemonset_status_updated_number_scheduled', base, s.updatedNumberScheduled ?? 0);
  }

  for (const s of input.statefulsets) {
    const base = { namespace: s.metadata.namespace ?? '', statefulset: s.metadata.name };
    add('kube_statefulset_created', base, seconds(s.metadata.creationTimestamp));
    add('kube_statefulset_replicas', base, s.spec.replicas ?? 0);
    add('kube_statefulset_status_replicas', base, s.status.replicas ?? 0);
    add('kube_statefulset_status_replicas_ready', base, s.status.readyReplicas ?? 0);
    add('kube_statefulset_status_replicas_current', base, s.status.currentReplicas ?? 0);
    add('kube_statefulset_status_replicas_updated', base, s.status.updatedReplicas ?? 0);
  }

  for (const svc of input.services) {
    const base = { namespace: svc.metadata.namespace ?? '', service: svc.metadata.name, uid: svc.metadata.uid };
    add('kube_service_created', base, seconds(svc.metadata.creationTimestamp));
    add('kube_service_info', { ...base, cluster_ip: svc.spec.clusterIP, external_name: '', load_balancer_ip: svc.status.loadBalancer.ingress?.[0]?.ip ?? '', external_traffic_policy: svc.spec.externalTrafficPolicy ?? '' }, 1);
    add('kube_service_spec_type', { ...base, type: svc.spec.type }, 1);
  }

  for (const ep of input.endpoints) {
    const base = { namespace: ep.metadata.namespace ?? '', endpoint: ep.metadata.name };
    add('kube_endpoint_created', base, seconds(ep.metadata.creationTimestamp));
    for (const subset of ep.subsets ?? []) {
      for (const port of subset.ports ?? []) {
        for (const [list, ready] of [[subset.addresses, 'true'], [subset.notReadyAddresses, 'false']] as const) {
          for (const address of list ?? []) add('kube_endpoint_address', { ...base, port_protocol: port.protocol, port_number: String(port.port), port_name: port.name ?? '', ip: address.ip, ready }, 1);
        }
      }
    }
  }

  const out: string[] = [];
  const generated = new Set(samples.keys());
  for (const family of order) {
    if (!generated.has(family)) continue;
    out.push(...(byName.get(family)?.header ?? []), ...(samples.get(family) ?? []));
  }
  return out.join('\n') + '\n';
}

/** KSM's own telemetry port (8081): a few self-metrics, invented in KSM's format. */
export function renderKsmTelemetry(listCount: number, startMs: number): string {
  const uptime = Math.max(1, (Date.now() - startMs) / 1000);
  return [
    '# HELP kube_state_metrics_list_total Number of total resource list in kube-state-metrics',
    '# TYPE kube_state_metrics_list_total counter',
    `kube_state_metrics_list_total{resource="*v1.Pod",result="success"} ${listCount}`,
    '# HELP kube_state_metrics_watch_total Number of total resource watches in kube-state-metrics',
    '# TYPE kube_state_metrics_watch_total counter',
    `kube_state_metrics_watch_total{resource="*v1.Pod",result="success"} ${Math.floor(uptime / 300) + 1}`,
    '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
    '# TYPE process_cpu_seconds_total counter',
    `process_cpu_seconds_total ${formatGoFloat(Math.round(uptime * 0.004 * 100) / 100)}`,
    '',
  ].join('\n');
}

