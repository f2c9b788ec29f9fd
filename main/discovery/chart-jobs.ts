import type { RelabelRule } from './relabel.js';
import type { TargetRole } from './target.js';

/**
 * The default `scrape_configs` of the prometheus-community/prometheus Helm chart, transcribed as
 * data from prometheus-community/helm-charts@893582572775809414808f1bb0066687f7134af0
 * charts/prometheus/values.yaml (`serverFiles."prometheus.yml".scrape_configs`), so Slicewise finds
 * the targets an in-cluster Prometheus installed from that chart would. Jobs marked `slicewise: true`
 * are not in the chart; they cover what this app scrapes even when no Prometheus would.
 */
export interface ScrapeJob {
  name: string;
  role: TargetRole;
  scheme: 'http' | 'https';
  metricsPath: string;
  /** `params:` of the job (query string), e.g. the blackbox module. */
  params?: Record<string, string>;
  /** As written in the chart (global 1m / 10s unless the job says otherwise). */
  scrapeInterval: string;
  scrapeTimeout: string;
  slow: boolean;
  relabelConfigs: RelabelRule[];
  /** Not from the chart. */
  slicewise?: boolean;
}

const GLOBAL = { scrapeInterval: '1m', scrapeTimeout: '10s' };
const SLOW = { scrapeInterval: '5m', scrapeTimeout: '30s' };

/** The chart sends node scrapes through the in-cluster apiserver name; from outside, pass the real one. */
export const IN_CLUSTER_APISERVER = 'kubernetes.default.svc:443';

function nodeJob(name: string, path: string, apiserverAddress: string, slicewise = false): ScrapeJob {
  return {
    name,
    role: 'node',
    scheme: 'https',
    metricsPath: '/metrics',
    ...GLOBAL,
    slow: false,
    relabelConfigs: [
      { action: 'labelmap', regex: '__meta_kubernetes_node_label_(.+)' },
      { target_label: '__address__', replacement: apiserverAddress },
      { source_labels: ['__meta_kubernetes_node_name'], regex: '(.+)', target_label: '__metrics_path__', replacement: `/api/v1/nodes/$1/proxy${path}` },
    ],
    ...(slicewise ? { slicewise } : {}),
  };
}

function serviceEndpointsRules(slow: boolean): RelabelRule[] {
  const annotation = '__meta_kubernetes_service_annotation_prometheus_io_';
  return [
      ...(slow
        ? [{ source_labels: [`${annotation}scrape_slow`], action: 'keep' as const, regex: 'true' }]
        : [
            { source_labels: [`${annotation}scrape`], action: 'keep' as const, regex: 'true' },
            { source_labels: [`${annotation}scrape_slow`], action: 'drop' as const, regex: 'true' },
          ]),
      { source_labels: [`${annotation}scheme`], action: 'replace', target_label: '__scheme__', regex: '(https?)' },
      { source_labels: [`${annotation}path`], action: 'replace', target_label: '__metrics_path__', regex: '(.+)' },
      { source_labels: ['__address__', `${annotation}port`], action: 'replace', target_label: '__address__', regex: '(.+?)(?::\\d+)?;(\\d+)', replacement: '$1:$2' },
      { action: 'labelmap', regex: `${annotation}param_(.+)`, replacement: '__param_$1' },
      { action: 'labelmap', regex: '__meta_kubernetes_service_label_(.+)' },
      { source_labels: ['__meta_kubernetes_namespace'], action: 'replace', target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_service_name'], action: 'replace', target_label: 'service' },
      { source_labels: ['__meta_kubernetes_pod_node_name'], action: 'replace', target_label: 'node' },
  ];
}

function podRules(slow: boolean): RelabelRule[] {
  const annotation = '__meta_kubernetes_pod_annotation_prometheus_io_';
  return [
      ...(slow
        ? [{ source_labels: [`${annotation}scrape_slow`], action: 'keep' as const, regex: 'true' }]
        : [
            { source_labels: [`${annotation}scrape`], action: 'keep' as const, regex: 'true' },
            { source_labels: [`${annotation}scrape_slow`], action: 'drop' as const, regex: 'true' },
          ]),
      { source_labels: [`${annotation}scheme`], action: 'replace', regex: '(https?)', target_label: '__scheme__' },
      { source_labels: [`${annotation}path`], action: 'replace', target_label: '__metrics_path__', regex: '(.+)' },
      { source_labels: [`${annotation}port`, '__meta_kubernetes_pod_ip'], action: 'replace', regex: '(\\d+);(([A-Fa-f0-9]{1,4}::?){1,7}[A-Fa-f0-9]{1,4})', replacement: '[$2]:$1', target_label: '__address__' },
      { source_labels: [`${annotation}port`, '__meta_kubernetes_pod_ip'], action: 'replace', regex: '(\\d+);((([0-9]+?)(\\.|$)){4})', replacement: '$2:$1', target_label: '__address__' },
      { action: 'labelmap', regex: `${annotation}param_(.+)`, replacement: '__param_$1' },
      { action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)' },
      { source_labels: ['__meta_kubernetes_namespace'], action: 'replace', target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_pod_name'], action: 'replace', target_label: 'pod' },
      { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed|Completed', action: 'drop' },
      { source_labels: ['__meta_kubernetes_pod_node_name'], action: 'replace', target_label: 'node' },
  ];
}

/**
 * The chart's jobs, in the chart's order (its static `prometheus` self-scrape job is left out).
 * `apiserverAddress` replaces the in-cluster `kubernetes.default.svc:443` of the node jobs.
 */
export function chartJobs(apiserverAddress = IN_CLUSTER_APISERVER): ScrapeJob[] {
  return [
    {
      name: 'kubernetes-apiservers',
      role: 'endpoints',
      scheme: 'https',
      metricsPath: '/metrics',
      ...GLOBAL,
      slow: false,
      relabelConfigs: [{ source_labels: ['__meta_kubernetes_namespace', '__meta_kubernetes_service_name', '__meta_kubernetes_endpoint_port_name'], action: 'keep', regex: 'default;kubernetes;https' }],
    },
    nodeJob('kubernetes-nodes', '/metrics', apiserverAddress),
    nodeJob('kubernetes-nodes-cadvisor', '/metrics/cadvisor', apiserverAddress),
    { name: 'kubernetes-service-endpoints', role: 'endpoints', scheme: 'http', metricsPath: '/metrics', ...GLOBAL, slow: false, relabelConfigs: serviceEndpointsRules(false) },
    { name: 'kubernetes-service-endpoints-slow', role: 'endpoints', scheme: 'http', metricsPath: '/metrics', ...SLOW, slow: true, relabelConfigs: serviceEndpointsRules(true) },
    {
      name: 'prometheus-pushgateway',
      role: 'service',
      scheme: 'http',
      metricsPath: '/metrics',
      ...GLOBAL,
      slow: false,
      relabelConfigs: [{ source_labels: ['__meta_kubernetes_service_annotation_prometheus_io_probe'], action: 'keep', regex: 'pushgateway' }],
    },
    {
      name: 'kubernetes-services',
      role: 'service',
      scheme: 'http',
      metricsPath: '/probe',
      params: { module: 'http_2xx' },
      ...GLOBAL,
      slow: false,
      relabelConfigs: [
        { source_labels: ['__meta_kubernetes_service_annotation_prometheus_io_probe'], action: 'keep', regex: 'true' },
        { source_labels: ['__address__'], target_label: '__param_target' },
        { target_label: '__address__', replacement: 'blackbox' },
        { source_labels: ['__param_target'], target_label: 'instance' },
        { action: 'labelmap', regex: '__meta_kubernetes_service_label_(.+)' },
        { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
        { source_labels: ['__meta_kubernetes_service_name'], target_label: 'service' },
      ],
    },
    { name: 'kubernetes-pods', role: 'pod', scheme: 'http', metricsPath: '/metrics', ...GLOBAL, slow: false, relabelConfigs: podRules(false) },
    { name: 'kubernetes-pods-slow', role: 'pod', scheme: 'http', metricsPath: '/metrics', ...SLOW, slow: true, relabelConfigs: podRules(true) },
  ];
}

/** The kubelet's resource metrics (CPU/memory of node, pods, containers); same shape as kubernetes-nodes. */
export function nodeResourceJob(apiserverAddress = IN_CLUSTER_APISERVER): ScrapeJob {
  return nodeJob('kubernetes-nodes-resource', '/metrics/resource', apiserverAddress, true);
}

/**
 * Label rules for targets Slicewise finds without annotations: the chart's target labels (pod or
 * service labels, namespace, pod/service, node) without its annotation filters.
 */
export const HEURISTIC_POD_RULES: readonly RelabelRule[] = [
  { action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)' },
  { source_labels: ['__meta_kubernetes_namespace'], action: 'replace', target_label: 'namespace' },
  { source_labels: ['__meta_kubernetes_pod_name'], action: 'replace', target_label: 'pod' },
  { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed|Completed', action: 'drop' },
  { source_labels: ['__meta_kubernetes_pod_node_name'], action: 'replace', target_label: 'node' },
];

/** Same, for targets found through a service's endpoints. */
export const HEURISTIC_ENDPOINTS_RULES: readonly RelabelRule[] = [
  { action: 'labelmap', regex: '__meta_kubernetes_service_label_(.+)' },
  { source_labels: ['__meta_kubernetes_namespace'], action: 'replace', target_label: 'namespace' },
  { source_labels: ['__meta_kubernetes_service_name'], action: 'replace', target_label: 'service' },
  { source_labels: ['__meta_kubernetes_pod_node_name'], action: 'replace', target_label: 'node' },
];
