import type { ContainerLike, PodLike } from '../target.js';
import { addObjectMetaLabels, joinHostPort, META, type LabelSet } from './object-meta.js';

/**
 * Labels every target of a pod carries (prometheus discovery/kubernetes/pod.go `podLabels`): ip,
 * ready (the Ready condition, lower case, `unknown` without one), phase, node, host IP, uid, the
 * controlling owner, and the pod's name, labels and annotations.
 */
export function podLabels(pod: PodLike): LabelSet {
  const ready = pod.status?.conditions?.find((condition) => condition.type === 'Ready')?.status;
  const labels: LabelSet = {
    [`${META}pod_ip`]: pod.status?.podIP ?? '',
    [`${META}pod_ready`]: (ready ?? 'Unknown').toLowerCase(),
    [`${META}pod_phase`]: pod.status?.phase ?? '',
    [`${META}pod_node_name`]: pod.spec?.nodeName ?? '',
    [`${META}pod_host_ip`]: pod.status?.hostIP ?? '',
    [`${META}pod_uid`]: pod.metadata.uid ?? '',
  };
  addObjectMetaLabels(labels, pod.metadata, 'pod');
  const controller = pod.metadata.ownerReferences?.find((owner) => owner.controller === true);
  if (controller?.kind) labels[`${META}pod_controller_kind`] = controller.kind;
  if (controller?.name) labels[`${META}pod_controller_name`] = controller.name;
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
  const common = { ...podLabels(pod), [`${META}namespace`]: pod.metadata.namespace ?? '' };
  const containers: [ContainerLike, boolean][] = [...(pod.spec?.containers ?? []).map((c) => [c, false] as [ContainerLike, boolean]), ...(pod.spec?.initContainers ?? []).map((c) => [c, true] as [ContainerLike, boolean])];
  const targets: LabelSet[] = [];
  for (const [container, isInit] of containers) {
    const statuses = isInit ? pod.status?.initContainerStatuses : pod.status?.containerStatuses;
    const containerLabels: LabelSet = {
      [`${META}pod_container_name`]: container.name,
      [`${META}pod_container_id`]: statuses?.find((status) => status.name === container.name)?.containerID ?? '',
      [`${META}pod_container_image`]: container.image ?? '',
      [`${META}pod_container_init`]: String(isInit),
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
        [`${META}pod_container_port_number`]: String(port.containerPort),
        [`${META}pod_container_port_name`]: port.name ?? '',
        [`${META}pod_container_port_protocol`]: port.protocol ?? '',
      });
    }
  }
  return targets;
}
