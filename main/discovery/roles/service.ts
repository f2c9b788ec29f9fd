import type { ServiceLike } from '../target.js';
import { addObjectMetaLabels, joinHostPort, META, type LabelSet } from './object-meta.js';

/** Labels of a service shared by the service and endpoints roles (service.go `serviceLabels`). */
export function serviceLabels(service: ServiceLike): LabelSet {
  const labels: LabelSet = { [`${META}namespace`]: service.metadata.namespace ?? '' };
  addObjectMetaLabels(labels, service.metadata, 'service');
  return labels;
}

/**
 * The `service` role (prometheus discovery/kubernetes/service.go `buildService`): one target per
 * service port at `<name>.<namespace>.svc:<port>`, with the port, type, cluster IP (or external
 * name) and, for LoadBalancer services, the requested load-balancer IP.
 */
export function serviceRoleTargets(service: ServiceLike): LabelSet[] {
  const common = serviceLabels(service);
  const type = service.spec?.type ?? '';
  return (service.spec?.ports ?? []).map((port) => {
    const labels: LabelSet = {
      ...common,
      __address__: joinHostPort(`${service.metadata.name}.${service.metadata.namespace ?? ''}.svc`, port.port),
      [`${META}service_port_name`]: port.name ?? '',
      [`${META}service_port_number`]: String(port.port),
      [`${META}service_port_protocol`]: port.protocol ?? '',
      [`${META}service_type`]: type,
    };
    if (type === 'ExternalName') labels[`${META}service_external_name`] = service.spec?.externalName ?? '';
    else labels[`${META}service_cluster_ip`] = service.spec?.clusterIP ?? '';
    if (type === 'LoadBalancer') labels[`${META}service_loadbalancer_ip`] = service.spec?.loadBalancerIP ?? '';
    return labels;
  });
}
