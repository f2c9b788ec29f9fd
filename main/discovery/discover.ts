import { chartJobs, HEURISTIC_ENDPOINTS_RULES, HEURISTIC_POD_RULES, nodeResourceJob, type ScrapeJob } from './chart-jobs.js';
import { classifyLabels, classifyPod, classifyService, METRICS_PORT_NAME, type Classification } from './known-exporters.js';
import { passesFilter, relabel, type RelabelRule } from './relabel.js';
import { endpointsFromSlices, endpointsRoleTargets } from './roles/endpoints.js';
import { nodeRoleTargets } from './roles/node.js';
import { joinHostPort, META, type LabelSet } from './roles/object-meta.js';
import { podRoleTargets } from './roles/pod.js';
import { serviceRoleTargets } from './roles/service.js';
import { targetId, type ClusterObjects, type DiscoveredTarget, type EndpointsLike, type ObjectMetaLike, type PodLike, type ServiceLike, type TargetEndpoint, type TargetRole, type TargetSource } from './target.js';

export interface DiscoverOptions {
  /** The apiserver Slicewise talks to; node targets go through its node proxy. */
  apiserverUrl: string;
}

/** Kubelet path per node job; the chart's labels carry the apiserver proxy path instead. */
const KUBELET_PATHS: Record<string, { path: string; source: TargetSource; what: string }> = {
  'kubernetes-nodes': { path: '/metrics', source: 'kubelet', what: 'kubelet /metrics' },
  'kubernetes-nodes-cadvisor': { path: '/metrics/cadvisor', source: 'cadvisor', what: 'kubelet cAdvisor /metrics/cadvisor' },
  'kubernetes-nodes-resource': { path: '/metrics/resource', source: 'kubelet', what: 'kubelet /metrics/resource' },
};

/** Job names of the targets Slicewise adds on its own (no annotation asked for them). */
const HEURISTIC_JOB: Record<TargetSource, string> = {
  'node-exporter': 'node-exporter',
  'kube-state-metrics': 'kube-state-metrics',
  prometheus: 'prometheus',
  pushgateway: 'pushgateway',
  cadvisor: 'cadvisor',
  application: 'application-exporters',
  kubelet: 'kubelet',
  apiserver: 'apiserver',
};

const SCRAPE_ANNOTATIONS = [`${META}pod_annotation_prometheus_io_scrape`, `${META}pod_annotation_prometheus_io_scrape_slow`, `${META}service_annotation_prometheus_io_scrape`, `${META}service_annotation_prometheus_io_scrape_slow`];

/**
 * Scrape targets for a snapshot of cluster objects, pure and deterministic. First the
 * prometheus-community chart's jobs (chart-jobs.ts) over Prometheus-compatible `node`, `pod`,
 * `service` and `endpoints` role label sets (roles/), plus the kubelet's /metrics/resource; then
 * exporters nobody annotated, recognised by port name (`metrics`, `http-metrics`), image or name
 * labels (known-exporters.ts), through their service when one exposes them and else on the pod.
 * A URL already claimed by an earlier target is not added again. Endpoints come from `endpoints`,
 * or from `endpointSlices` when there are no Endpoints.
 */
export function discoverTargets(objects: ClusterObjects, options: DiscoverOptions): DiscoveredTarget[] {
  const apiserver = new URL(options.apiserverUrl);
  const apiserverAddress = apiserver.port ? apiserver.host : `${apiserver.host}:${apiserver.protocol === 'http:' ? 80 : 443}`;
  const pods = new Map(objects.pods.map((pod) => [`${pod.metadata.namespace ?? ''}/${pod.metadata.name}`, pod] as const));
  const services = new Map(objects.services.map((service) => [`${service.metadata.namespace ?? ''}/${service.metadata.name}`, service] as const));
  const endpoints = objects.endpoints ?? endpointsFromSlices(objects.endpointSlices ?? []);
  // Role label sets only for objects some job can keep: on a large cluster almost every pod is
  // dropped by the first rule of every job, and building its 30 labels first was most of the cost.
  const byRole: Record<TargetRole, LabelSet[]> = {
    node: objects.nodes.flatMap(nodeRoleTargets),
    pod: objects.pods.filter(mayBeScrapedPod).flatMap(podRoleTargets),
    service: objects.services.filter(mayBeScrapedService).flatMap(serviceRoleTargets),
    endpoints: endpoints.filter((item) => mayBeScrapedEndpoints(item, services, pods)).flatMap((item) => endpointsRoleTargets(item, services, pods)),
  };
  const context: BuildContext = { pods, services };
  const targets: DiscoveredTarget[] = [];
  const claimed = new Set<string>();
  const keep = (target: DiscoveredTarget | undefined) => {
    if (!target) return;
    const key = `${target.job}\0${urlKey(target)}`;
    if (claimed.has(key)) return;
    claimed.add(key);
    claimed.add(`*\0${urlKey(target)}`);
    targets.push(target);
  };

  const jobs = chartJobs(apiserverAddress);
  jobs.splice(3, 0, nodeResourceJob(apiserverAddress));
  for (const job of jobs) for (const discovered of byRole[job.role]) keep(fromJob(job, discovered, context));

  // Exporters nobody annotated: through a service first (its reason names the service), then pods.
  for (const discovered of byRole.endpoints) {
    const found = heuristicEndpoint(discovered);
    if (!found) continue;
    const target = fromHeuristic('endpoints', discovered, found, HEURISTIC_ENDPOINTS_RULES, context);
    if (target && !claimed.has(`*\0${urlKey(target)}`)) keep(target);
  }
  for (const discovered of byRole.pod) {
    const found = heuristicPod(discovered);
    if (!found) continue;
    const target = fromHeuristic('pod', found.labels, found, HEURISTIC_POD_RULES, context);
    if (target && !claimed.has(`*\0${urlKey(target)}`)) keep(target);
  }
  const order = new Map([...jobs.map((job) => job.name), ...Object.values(HEURISTIC_JOB)].map((name, index) => [name, index]));
  // Plain code-unit order (localeCompare costs ICU calls per pair on large clusters).
  const keyed = targets.map((target) => ({ target, job: order.get(target.job) ?? 99, key: `${endpointKey(target)}\0${target.path}` }));
  keyed.sort((a, b) => a.job - b.job || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((entry) => entry.target);
}

function annotatedForScrape(meta: ObjectMetaLike): boolean {
  return meta.annotations?.['prometheus.io/scrape'] === 'true' || meta.annotations?.['prometheus.io/scrape-slow'] === 'true';
}

function hasMetricsPortName(ports: readonly { name?: string }[] | undefined): boolean {
  return (ports ?? []).some((port) => METRICS_PORT_NAME.test(port.name ?? ''));
}

/**
 * Whether any job could keep a target of this pod: the chart's pod jobs keep only pods annotated
 * scrape/scrape-slow=true, the heuristics only metrics-named ports and recognised exporters.
 */
function mayBeScrapedPod(pod: PodLike): boolean {
  return annotatedForScrape(pod.metadata) || (pod.spec?.containers ?? []).some((container) => hasMetricsPortName(container.ports)) || classifyPod(pod) !== undefined;
}

/** The chart's service-role jobs keep only services with a `prometheus.io/probe` annotation. */
function mayBeScrapedService(service: ServiceLike): boolean {
  const probe = service.metadata.annotations?.['prometheus.io/probe'];
  return probe === 'true' || probe === 'pushgateway';
}

/** The apiserver job, the annotated-service jobs and the heuristics (metrics port names, recognised exporters). */
function mayBeScrapedEndpoints(endpoints: EndpointsLike, services: ReadonlyMap<string, ServiceLike>, pods: ReadonlyMap<string, PodLike>): boolean {
  const namespace = endpoints.metadata.namespace ?? '';
  if (namespace === 'default' && endpoints.metadata.name === 'kubernetes') return true;
  const service = services.get(`${namespace}/${endpoints.metadata.name}`);
  if (service && (annotatedForScrape(service.metadata) || classifyService(service))) return true;
  for (const subset of endpoints.subsets ?? []) {
    if (hasMetricsPortName(subset.ports)) return true;
    for (const address of [...(subset.addresses ?? []), ...(subset.notReadyAddresses ?? [])]) {
      const ref = address.targetRef;
      const pod = ref?.kind === 'Pod' ? pods.get(`${ref.namespace ?? namespace}/${ref.name ?? ''}`) : undefined;
      if (pod && classifyPod(pod)) return true;
    }
  }
  return false;
}

interface BuildContext {
  pods: ReadonlyMap<string, PodLike>;
  services: ReadonlyMap<string, ServiceLike>;
}

interface Found {
  classification?: Classification;
  /** How it was found, for the reason. */
  foundBy: string;
  scheme: 'http' | 'https';
  labels: LabelSet;
}

/** What is fetched: two targets with the same key would scrape the same URL. */
function urlKey(target: DiscoveredTarget): string {
  const query = new URLSearchParams(target.params).toString();
  const where = target.endpoint.kind === 'node' ? `node/${target.endpoint.node}` : target.address;
  return `${target.scheme}://${where}${target.path}${query ? `?${query}` : ''}`;
}

function endpointKey(target: DiscoveredTarget): string {
  const endpoint = target.endpoint;
  if (endpoint.kind === 'node') return `node/${endpoint.node}`;
  if (endpoint.kind === 'pod') return `pod/${endpoint.namespace}/${endpoint.pod}/${String(endpoint.port).padStart(5, '0')}`;
  return `service/${endpoint.namespace}/${endpoint.service}/${String(endpoint.port).padStart(5, '0')}`;
}

/** The defaults Prometheus puts on every target before relabeling (scrape/target.go PopulateLabels). */
function withJobDefaults(discovered: LabelSet, job: { name: string; scheme: string; metricsPath: string; scrapeInterval: string; scrapeTimeout: string; params?: Record<string, string> }): LabelSet {
  const labels: LabelSet = { ...discovered, job: job.name, __scheme__: job.scheme, __metrics_path__: job.metricsPath, __scrape_interval__: job.scrapeInterval, __scrape_timeout__: job.scrapeTimeout };
  for (const [name, value] of Object.entries(job.params ?? {})) labels[`__param_${name}`] = value;
  return labels;
}

/** Relabels, then fills `instance` from the address and splits off the `__` labels (PopulateLabels). */
function finish(discovered: LabelSet, rules: readonly RelabelRule[]): { labels: LabelSet; address: string; scheme: 'http' | 'https'; path: string; params: Record<string, string> } | undefined {
  const relabeled = relabel(discovered, rules);
  if (!relabeled?.__address__) return undefined;
  const labels: LabelSet = {};
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(relabeled)) {
    if (name.startsWith('__param_')) params[name.slice('__param_'.length)] = value;
    else if (!name.startsWith('__')) labels[name] = value;
  }
  labels.instance ??= relabeled.__address__;
  const scheme = relabeled.__scheme__ === 'https' ? 'https' : 'http';
  return { labels, address: relabeled.__address__, scheme, path: relabeled.__metrics_path__ ?? '/metrics', params };
}

/** Labels the job defaults set; a leading filter that reads none of them can run on the bare meta labels. */
const DEFAULTED = /^(job|__scheme__|__metrics_path__|__scrape_interval__|__scrape_timeout__|__param_.*)$/;

/** The job's leading keep/drop rules, when they only read discovery labels (all the chart's do). */
function leadingFilters(job: ScrapeJob): RelabelRule[] {
  const filters: RelabelRule[] = [];
  for (const rule of job.relabelConfigs) {
    if ((rule.action !== 'keep' && rule.action !== 'drop') || (rule.source_labels ?? []).some((name) => DEFAULTED.test(name))) break;
    filters.push(rule);
  }
  return filters;
}

function fromJob(job: ScrapeJob, meta: LabelSet, context: BuildContext): DiscoveredTarget | undefined {
  // Same result as relabeling the full label set, without building it for the targets a filter drops.
  for (const rule of leadingFilters(job)) if (!passesFilter(meta, rule)) return undefined;
  const discoveredLabels = withJobDefaults(meta, job);
  const result = finish(discoveredLabels, job.relabelConfigs);
  if (!result) return undefined;
  const base = { id: targetId(job.name, result.address, result.path), job: job.name, role: job.role, address: result.address, scheme: result.scheme, params: result.params, discoveredLabels, labels: result.labels, slow: job.slow };

  const kubelet = KUBELET_PATHS[job.name];
  if (kubelet) {
    const node = meta[`${META}node_name`];
    return { ...base, source: kubelet.source, reason: `${kubelet.what} of node ${node}`, path: kubelet.path, endpoint: { kind: 'node', node }, nodeName: node };
  }
  if (job.name === 'kubernetes-apiservers') {
    return { ...base, source: 'apiserver', reason: `endpoint ${result.address} (port https) of service default/kubernetes`, path: result.path, endpoint: { kind: 'service', namespace: 'default', service: 'kubernetes', port: servicePort(context, 'default', 'kubernetes', 'https') ?? 443 } };
  }

  const classification = classifyLabels(meta);
  const source: TargetSource = classification?.exporter.source ?? 'application';
  const foundBy = annotationReason(job, meta);
  const reason = classification ? `${foundBy}; ${source} by ${classification.evidence}` : foundBy;
  const target: DiscoveredTarget = { ...base, source, reason, path: result.path, endpoint: endpointFor(job.role, meta, result.address, result.scheme, context) };
  const node = nodeOf(meta);
  if (classification?.exporter.describesNode && node) target.nodeName = node;
  return target;
}

function annotationReason(job: ScrapeJob, meta: LabelSet): string {
  const podName = `${meta[`${META}namespace`]}/${meta[`${META}pod_name`]}`;
  const serviceName = `${meta[`${META}namespace`]}/${meta[`${META}service_name`] ?? meta[`${META}endpoints_name`]}`;
  switch (job.name) {
    case 'kubernetes-pods':
      return `annotation prometheus.io/scrape=true on pod ${podName}`;
    case 'kubernetes-pods-slow':
      return `annotation prometheus.io/scrape-slow=true on pod ${podName}`;
    case 'kubernetes-service-endpoints':
      return `annotation prometheus.io/scrape=true on service ${serviceName}`;
    case 'kubernetes-service-endpoints-slow':
      return `annotation prometheus.io/scrape-slow=true on service ${serviceName}`;
    case 'prometheus-pushgateway':
      return `annotation prometheus.io/probe=pushgateway on service ${serviceName}`;
    case 'kubernetes-services':
      return `annotation prometheus.io/probe=true on service ${serviceName} (a blackbox probe through the "blackbox" service)`;
    default:
      return `job ${job.name}`;
  }
}

function isAnnotated(meta: LabelSet): boolean {
  return SCRAPE_ANNOTATIONS.some((name) => meta[name] === 'true');
}

/** A service endpoint whose port is named like a metrics port, or is the default port of a known exporter. */
function heuristicEndpoint(meta: LabelSet): Found | undefined {
  if (isAnnotated(meta) || meta[`${META}endpoint_port_protocol`] === 'UDP') return undefined;
  const portName = meta[`${META}endpoint_port_name`];
  if (portName === undefined) return undefined; // a container port outside the service: the pod pass decides
  const port = Number(portOf(meta.__address__));
  const service = `${meta[`${META}namespace`]}/${meta[`${META}service_name`] ?? meta[`${META}endpoints_name`]}`;
  const classification = classifyLabels(meta);
  if (METRICS_PORT_NAME.test(portName)) return { classification, foundBy: `port named ${portName} on service ${service}`, scheme: portName.startsWith('https') ? 'https' : 'http', labels: meta };
  if (classification && port === classification.exporter.defaultPort) return { classification, foundBy: `port ${port} of ${classification.exporter.source} on service ${service}`, scheme: 'http', labels: meta };
  return undefined;
}

/** The same on a pod's container ports; a known exporter's container without declared ports gets its default port. */
function heuristicPod(meta: LabelSet): Found | undefined {
  if (isAnnotated(meta) || meta[`${META}pod_container_init`] === 'true' || meta[`${META}pod_container_port_protocol`] === 'UDP') return undefined;
  const pod = `${meta[`${META}namespace`]}/${meta[`${META}pod_name`]} (container ${meta[`${META}pod_container_name`]})`;
  const portName = meta[`${META}pod_container_port_name`] ?? '';
  const classification = classifyLabels(meta);
  if (METRICS_PORT_NAME.test(portName)) return { classification, foundBy: `port named ${portName} on pod ${pod}`, scheme: portName.startsWith('https') ? 'https' : 'http', labels: meta };
  if (!classification) return undefined;
  const port = meta[`${META}pod_container_port_number`];
  if (port !== undefined && Number(port) === classification.exporter.defaultPort) return { classification, foundBy: `port ${port} of ${classification.exporter.source} on pod ${pod}`, scheme: 'http', labels: meta };
  if (port === undefined && classification.evidence.startsWith('container image')) {
    // No ports declared (common with hostNetwork DaemonSets): assume the exporter's default port.
    const labels = { ...meta, __address__: joinHostPort(meta[`${META}pod_ip`], classification.exporter.defaultPort) };
    return { classification, foundBy: `default port ${classification.exporter.defaultPort} of ${classification.exporter.source} on pod ${pod}, which declares no ports`, scheme: 'http', labels };
  }
  return undefined;
}

function fromHeuristic(role: TargetRole, meta: LabelSet, found: Found, rules: readonly RelabelRule[], context: BuildContext): DiscoveredTarget | undefined {
  const source: TargetSource = found.classification?.exporter.source ?? 'application';
  const job = { name: HEURISTIC_JOB[source], scheme: found.scheme, metricsPath: '/metrics', scrapeInterval: '1m', scrapeTimeout: '10s' };
  const discoveredLabels = withJobDefaults(found.labels, job);
  const result = finish(discoveredLabels, rules);
  if (!result) return undefined;
  const classifiedBy = found.classification && !found.foundBy.includes(found.classification.evidence) ? `; ${source} by ${found.classification.evidence}` : '';
  const target: DiscoveredTarget = {
    id: targetId(job.name, result.address, result.path),
    job: job.name,
    role,
    source,
    reason: `${found.foundBy}${classifiedBy}`,
    address: result.address,
    scheme: result.scheme,
    path: result.path,
    params: result.params,
    endpoint: endpointFor(role, meta, result.address, result.scheme, context),
    discoveredLabels,
    labels: result.labels,
    slow: false,
  };
  const node = nodeOf(meta);
  if (found.classification?.exporter.describesNode && node) target.nodeName = node;
  return target;
}

function nodeOf(meta: LabelSet): string | undefined {
  return meta[`${META}pod_node_name`] || meta[`${META}endpoint_node_name`] || undefined;
}

/** The port of `host:port` or `[v6]:port`; undefined for a bare host or a bare IPv6 address. */
function portOf(address: string | undefined): string | undefined {
  if (!address) return undefined;
  if (address.startsWith('[')) return /\]:(\d+)$/.exec(address)?.[1];
  if ((address.match(/:/g) ?? []).length !== 1) return undefined;
  return /:(\d+)$/.exec(address)?.[1];
}

function servicePort(context: BuildContext, namespace: string, name: string, portName: string): number | undefined {
  return context.services.get(`${namespace}/${name}`)?.spec?.ports?.find((port) => (port.name ?? '') === portName)?.port;
}

/** How the transport reaches the target: the pod behind it when known, else the service or node. */
function endpointFor(role: TargetRole, meta: LabelSet, address: string, scheme: 'http' | 'https', context: BuildContext): TargetEndpoint {
  const namespace = meta[`${META}namespace`] ?? '';
  const port = Number(portOf(address) ?? (scheme === 'https' ? 443 : 80));
  const podName = meta[`${META}pod_name`];
  if ((role === 'pod' || role === 'endpoints') && podName) {
    const pod = context.pods.get(`${namespace}/${podName}`);
    const portName = pod?.spec?.containers?.flatMap((container) => container.ports ?? []).find((candidate) => candidate.containerPort === port)?.name;
    return { kind: 'pod', namespace, pod: podName, port, ...(portName ? { portName } : {}) };
  }
  const service = meta[`${META}service_name`] ?? meta[`${META}endpoints_name`] ?? '';
  if (role === 'service') return { kind: 'service', namespace, service, port: Number(meta[`${META}service_port_number`] ?? port) };
  // An endpoint that is not a pod (the apiserver, an external IP): go through the service port.
  const endpointPortName = meta[`${META}endpoint_port_name`];
  return { kind: 'service', namespace, service, port: (endpointPortName !== undefined ? servicePort(context, namespace, service, endpointPortName) : undefined) ?? port };
}
