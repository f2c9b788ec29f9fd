import { imageName } from './known-exporters.js';
import type { ClusterObjects, ServiceLike, ServicePortLike } from './target.js';

/** A service that fronts a Prometheus server, usable for PromQL through the apiserver service proxy. */
export interface PrometheusService {
  namespace: string;
  service: string;
  /** The service port to proxy to (e.g. 80 for the chart's server service, 9090 for prometheus-operated). */
  port: number;
  /** How it was recognised, for people. */
  reason: string;
}

interface Rule {
  /** Returns the reason when `service` matches. */
  test(service: ServiceLike, objects: Pick<ClusterObjects, 'pods'>): string | undefined;
}

const label = (service: ServiceLike, key: string): string | undefined => service.metadata.labels?.[key];

/**
 * Recognisers in order of confidence. They are the ones Lens/Freelens and Headlamp use
 * (anchors.md §2.1–2.2: operator `operated-prometheus`, chart labels `app=prometheus,component=server`
 * and `app.kubernetes.io/name=prometheus,app.kubernetes.io/component=server`, `self-monitor`), plus
 * the image of the pods a service selects and common names, because auto-detection that silently
 * finds nothing is the most reported complaint there (lens#7822, lens#8028).
 */
const RULES: readonly Rule[] = [
  {
    test: (service) =>
      service.metadata.name === 'prometheus-operated' || label(service, 'operated-prometheus') === 'true' ? `service ${service.metadata.name} created by the Prometheus operator (label operated-prometheus=true)` : undefined,
  },
  {
    test: (service) =>
      label(service, 'app.kubernetes.io/name') === 'prometheus' && label(service, 'app.kubernetes.io/component') === 'server'
        ? 'labels app.kubernetes.io/name=prometheus, app.kubernetes.io/component=server (prometheus-community chart)'
        : undefined,
  },
  { test: (service) => (label(service, 'app') === 'prometheus' && label(service, 'component') === 'server' ? 'labels app=prometheus, component=server (older prometheus chart)' : undefined) },
  { test: (service) => (label(service, 'app.kubernetes.io/name') === 'prometheus' ? 'label app.kubernetes.io/name=prometheus' : undefined) },
  { test: (service) => (label(service, 'self-monitor') === 'true' && /prometheus/.test(service.metadata.name) && !/alertmanager|operator/.test(service.metadata.name) ? 'label self-monitor=true (kube-prometheus-stack)' : undefined) },
  {
    test: (service, objects) => {
      const selector = service.spec?.selector;
      if (!selector || Object.keys(selector).length === 0) return undefined;
      for (const pod of objects.pods) {
        if ((pod.metadata.namespace ?? '') !== (service.metadata.namespace ?? '')) continue;
        if (!Object.entries(selector).every(([key, value]) => pod.metadata.labels?.[key] === value)) continue;
        const container = pod.spec?.containers?.find((candidate) => candidate.image && imageName(candidate.image) === 'prometheus');
        if (container) return `selects pod ${pod.metadata.name} running image ${container.image}`;
      }
      return undefined;
    },
  },
  { test: (service) => (/^(prometheus|prometheus-server|prometheus-k8s)$|-prometheus(-server)?$/.test(service.metadata.name) ? `service name ${service.metadata.name}` : undefined) },
];

const WEB_PORT_NAMES = ['web', 'http-web', 'http', 'http-prometheus', 'prometheus'];

function webPort(ports: readonly ServicePortLike[]): number | undefined {
  const tcp = ports.filter((port) => (port.protocol ?? 'TCP') === 'TCP');
  for (const name of WEB_PORT_NAMES) {
    const named = tcp.find((port) => port.name === name);
    if (named) return named.port;
  }
  return (tcp.find((port) => port.port === 9090 || port.targetPort === 9090 || port.targetPort === 'web') ?? tcp[0])?.port;
}

/** Services that front a Prometheus server, most certain first; each service appears once. */
export function findPrometheusServices(objects: Pick<ClusterObjects, 'services' | 'pods'>): PrometheusService[] {
  const found: (PrometheusService & { rank: number })[] = [];
  for (const service of objects.services) {
    for (const [rank, rule] of RULES.entries()) {
      const reason = rule.test(service, objects);
      if (!reason) continue;
      const port = webPort(service.spec?.ports ?? []);
      if (port !== undefined) found.push({ namespace: service.metadata.namespace ?? '', service: service.metadata.name, port, reason, rank });
      break;
    }
  }
  return found
    .sort((a, b) => a.rank - b.rank || a.namespace.localeCompare(b.namespace) || a.service.localeCompare(b.service))
    .map(({ namespace, service, port, reason }) => ({ namespace, service, port, reason }));
}
