import type { ContainerLike, PodLike } from '../target.js';
import { addObjectMetaLabels, joinHostPort, META, type LabelSet } from './object-meta.js';

const NAMESPACE = `${META}namespace`;
const POD_CONTAINER_ID = `${META}pod_container_id`;
const POD_CONTAINER_IMAGE = `${META}pod_container_image`;
const POD_CONTAINER_INIT = `${META}pod_container_init`;
const POD_CONTAINER_NAME = `${META}pod_container_name`;
const POD_CONTAINER_PORT_NAME = `${META}pod_container_port_name`;
const POD_CONTAINER_PORT_NUMBER = `${META}pod_container_port_number`;
const POD_CONTAINER_PORT_PROTOCOL = `${META}pod_container_port_protocol`;
const POD_CONTROLLER_KIND = `${META}pod_controller_kind`;
const POD_CONTROLLER_NAME = `${META}pod_controller_name`;
const POD_HOST_IP = `${META}pod_host_ip`;
const POD_IP = `${META}pod_ip`;
const POD_NODE_NAME = `${META}pod_node_name`;
const POD_PHASE = `${META}pod_phase`;
const POD_READY = `${META}pod_ready`;
const POD_UID = `${META}pod_uid`;

/**
 * Labels every target of a pod carries (prometheus discovery/kubernetes/pod.go `podLabels`): ip,
 * ready (the Ready condition, lower case, `unknown` without one), phase, node, host IP, uid, the
 * controlling owner, and the pod's name, labels and annotations.
 */
export function podLabels(pod: PodLike): LabelSet {
  const ready = pod.status?.conditions?.find((condition) => condition.type === 'Ready')?.status;
  const labels: LabelSet = {
    [POD_IP]: pod.status?.podIP ?? '',
    [POD_READY]: (ready ?? 'Unknown').toLowerCase(),
    [POD_PHASE]: pod.status?.phase ?? '',
    [POD_NODE_NAME]: pod.spec?.nodeName ?? '',
    [POD_HOST_IP]: pod.status?.hostIP ?? '',
    [POD_UID]: pod.metadata.uid ?? '',
  };
  addObjectMetaLabels(labels, pod.metadata, 'pod');
  const controller = pod.metadata.ownerReferences?.find((owner) => owner.controller === true);
  if (controller?.kind) labels[POD_CONTROLLER_KIND] = controller.kind;
  if (controller?.name) labels[POD_CONTROLLER_NAME] = controller.name;
  return labels;
}

/**
 * The `pod` role (pod.go `buildPod`): pods without an IP yield nothing; every container port is a
 * target at `podIP:port`; a container without ports is one target at the bare pod IP. Init
 * containers count too, marked `__meta_kubernetes_pod_container_init="true"`.
 */
export function podRoleTargets(pod: PodLike): LabelSet[] {
  const ip = pod.status?.podIP;
  if (!ip) return [];
  const common = { ...podLabels(pod), [NAMESPACE]: pod.metadata.namespace ?? '' };
  const containers: [ContainerLike, boolean][] = [...(pod.spec?.containers ?? []).map((c) => [c, false] as [ContainerLike, boolean]), ...(pod.spec?.initContainers ?? []).map((c) => [c, true] as [ContainerLike, boolean])];
  const targets: LabelSet[] = [];
  for (const [container, isInit] of containers) {
    const statuses = isInit ? pod.status?.initContainerStatuses : pod.status?.containerStatuses;
    const containerLabels: LabelSet = {
      [POD_CONTAINER_NAME]: container.name,
      [POD_CONTAINER_ID]: statuses?.find((status) => status.name === container.name)?.containerID ?? '',
      [POD_CONTAINER_IMAGE]: container.image ?? '',
      [POD_CONTAINER_INIT]: String(isInit),
    };
    if (!container.ports?.length) {
      targets.push({ ...common, ...containerLabels, __address__: ip });
      continue;
    }
    for (const port of container.ports) {
      targets.push({
        ...common,
        ...containerLabels,
        __address__: joinHostPort(ip, port.containerPort),
        [POD_CONTAINER_PORT_NUMBER]: String(port.containerPort),
        [POD_CONTAINER_PORT_NAME]: port.name ?? '',
        [POD_CONTAINER_PORT_PROTOCOL]: port.protocol ?? '',
      });
    }
  }
  return targets;
}
