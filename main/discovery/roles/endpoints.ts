import type { EndpointAddressLike, EndpointSliceLike, EndpointsLike, PodLike, ServiceLike } from '../target.js';
import { addObjectMetaLabels, joinHostPort, META, type LabelSet } from './object-meta.js';
import { podLabels } from './pod.js';
import { serviceLabels } from './service.js';

/**
 * The `endpoints` role (prometheus/prometheus discovery/kubernetes/endpoints.go `buildEndpoints`):
 * one target per address × port of every subset, ready and not-ready addresses alike; the
 * service's labels when a service of the same name exists; the pod's labels and the matching
 * container port when the address points at a known pod; and one more target for every container
 * port of those pods that no endpoint port covered.
 */
export function endpointsRoleTargets(endpoints: EndpointsLike, services: ReadonlyMap<string, ServiceLike>, pods: ReadonlyMap<string, PodLike>): LabelSet[] {
  const namespace = endpoints.metadata.namespace ?? '';
  const common: LabelSet = { [`${META}namespace`]: namespace };
  const service = services.get(`${namespace}/${endpoints.metadata.name}`);
  if (service) Object.assign(common, serviceLabels(service));
  addObjectMetaLabels(common, endpoints.metadata, 'endpoints');

  const targets: LabelSet[] = [];
  const seenPods = new Map<string, { pod: PodLike; ports: number[] }>();
  const add = (address: EndpointAddressLike, port: { name?: string; port: number; protocol?: string }, ready: string) => {
    const target: LabelSet = {
      ...common,
      __address__: joinHostPort(address.ip, port.port),
      [`${META}endpoint_port_name`]: port.name ?? '',
      [`${META}endpoint_port_protocol`]: port.protocol ?? '',
      [`${META}endpoint_ready`]: ready,
    };
    if (address.targetRef) {
      target[`${META}endpoint_address_target_kind`] = address.targetRef.kind ?? '';
      target[`${META}endpoint_address_target_name`] = address.targetRef.name ?? '';
    }
    if (address.nodeName !== undefined) target[`${META}endpoint_node_name`] = address.nodeName;
    if (address.hostname) target[`${META}endpoint_hostname`] = address.hostname;
    const ref = address.targetRef;
    const pod = ref?.kind === 'Pod' ? pods.get(`${ref.namespace ?? namespace}/${ref.name ?? ''}`) : undefined;
    if (!pod) {
      targets.push(target);
      return;
    }
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (!seenPods.has(key)) seenPods.set(key, { pod, ports: [] });
    Object.assign(target, podLabels(pod));
    container: for (const container of pod.spec?.containers ?? []) {
      for (const containerPort of container.ports ?? []) {
        if (containerPort.containerPort === port.port) {
          target[`${META}pod_container_name`] = container.name;
          target[`${META}pod_container_image`] = container.image ?? '';
          target[`${META}pod_container_port_name`] = containerPort.name ?? '';
          target[`${META}pod_container_port_number`] = String(port.port);
          // endpoints.go uses the endpoint port's protocol here, not the container port's.
          target[`${META}pod_container_port_protocol`] = port.protocol ?? '';
          break container;
        }
      }
    }
    seenPods.get(key)!.ports.push(port.port);
    targets.push(target);
  };

  for (const subset of endpoints.subsets ?? []) {
    for (const port of subset.ports ?? []) {
      for (const address of subset.addresses ?? []) add(address, port, 'true');
      for (const address of subset.notReadyAddresses ?? []) add(address, port, 'false');
    }
  }

  for (const { pod, ports } of seenPods.values()) {
    const ip = pod.status?.podIP;
    if (!ip) continue;
    for (const container of pod.spec?.containers ?? []) {
      for (const containerPort of container.ports ?? []) {
        if (ports.includes(containerPort.containerPort)) continue;
        targets.push({
          ...common,
          __address__: joinHostPort(ip, containerPort.containerPort),
          [`${META}pod_container_name`]: container.name,
          [`${META}pod_container_image`]: container.image ?? '',
          [`${META}pod_container_port_name`]: containerPort.name ?? '',
          [`${META}pod_container_port_number`]: String(containerPort.containerPort),
          [`${META}pod_container_port_protocol`]: containerPort.protocol ?? '',
          ...podLabels(pod),
        });
      }
    }
  }
  return targets;
}

const SLICE_OWNED_LABELS = new Set(['kubernetes.io/service-name', 'endpointslice.kubernetes.io/managed-by']);

/**
 * Endpoints equivalent to a service's EndpointSlices, so the endpoints-role jobs of the chart work on
 * clusters where only slices are available. Slices are grouped by `kubernetes.io/service-name`; an
 * endpoint's first address is used (as kube-proxy does), `ready: null` counts as ready (the API's
 * advice), FQDN slices are skipped, and the slice labels the controller copies from the service
 * stand in for the Endpoints object's labels.
 */
export function endpointsFromSlices(slices: readonly EndpointSliceLike[]): EndpointsLike[] {
  const byService = new Map<string, EndpointsLike>();
  for (const slice of slices) {
    if (slice.addressType === 'FQDN') continue;
    const serviceName = slice.metadata.labels?.['kubernetes.io/service-name'];
    if (!serviceName) continue;
    const namespace = slice.metadata.namespace ?? '';
    const key = `${namespace}/${serviceName}`;
    if (!byService.has(key)) {
      const labels = Object.fromEntries(Object.entries(slice.metadata.labels ?? {}).filter(([name]) => !SLICE_OWNED_LABELS.has(name)));
      byService.set(key, { metadata: { name: serviceName, namespace, labels }, subsets: [] });
    }
    const addresses: EndpointAddressLike[] = [];
    const notReady: EndpointAddressLike[] = [];
    for (const endpoint of slice.endpoints ?? []) {
      const ip = endpoint.addresses?.[0];
      if (!ip) continue;
      const address: EndpointAddressLike = { ip };
      if (endpoint.hostname) address.hostname = endpoint.hostname;
      const nodeName = endpoint.nodeName ?? endpoint.topology?.['kubernetes.io/hostname'];
      if (nodeName) address.nodeName = nodeName;
      if (endpoint.targetRef) address.targetRef = endpoint.targetRef;
      (endpoint.conditions?.ready === false ? notReady : addresses).push(address);
    }
    const ports = (slice.ports ?? []).filter((port) => typeof port.port === 'number').map((port) => ({ name: port.name ?? '', port: port.port as number, protocol: port.protocol ?? '' }));
    byService.get(key)!.subsets!.push({ addresses, notReadyAddresses: notReady, ports });
  }
  return [...byService.values()];
}
