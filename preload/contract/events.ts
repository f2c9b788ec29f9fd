import type { ContextSummary, ExecConsentRequest, NodeSummary, SessionStatus } from './dto/cluster.js';
import type { TargetSummary } from './dto/targets.js';
import type { CgroupSeriesPayload, CgroupTreePayload } from './dto/cgroups.js';
import type { PrometheusStatus } from './dto/promql.js';
import type { CatalogPayload, CatalogQuery } from './dto/explorer.js';
import type { NodeStats } from './dto/node.js';
import type { ContainerSeriesPayload, ContainersPayload } from './dto/containers.js';
import type { WorkloadsPayload } from './dto/workloads.js';
import type { AppPanel, AppTarget } from './dto/apps.js';

/**
 * Every topic the renderer can subscribe to: topic name → [subscription parameters, payload].
 * A subscriber may assume payloads of one subscription arrive in order, numbered by `seq`; under
 * backpressure intermediate payloads may be dropped, never reordered (latest wins).
 */
export interface Events {
  'session.status': [params: null, payload: SessionStatus];
  /** The kubeconfig contexts, again whenever a kubeconfig file changes, with per-file problems. */
  'contexts.all': [params: null, payload: { contexts: ContextSummary[]; problems: string[]; localAvailable: boolean }];
  /** Exec plugins waiting for permission; empty when none. */
  'exec.consents': [params: null, payload: ExecConsentRequest[]];
  'cluster.nodes': [params: null, payload: NodeSummary[]];
  'targets.list': [params: null, payload: TargetSummary[]];
  /** The current context's Prometheus: how it was found and reached, or why not. */
  'prometheus.status': [params: null, payload: PrometheusStatus];
  /** The Explorer's metric catalog, searched by `text`, again as scrapes change it. */
  'explorer.catalog': [params: CatalogQuery, payload: CatalogPayload];
  /** One node's OS picture (node-exporter) and Node object, after each scrape of it. */
  'node.stats': [params: { node: string }, payload: NodeStats];
  /** One node's cgroup tree with figures (its kubelet cAdvisor, or this machine's cgroups), after each scrape of it. */
  'cgroups.tree': [params: { node: string }, payload: CgroupTreePayload];
  /** Charts of one cgroup of a node (CPU, memory, throttling, network, IO) over the store's window. */
  'cgroup.series': [params: { node: string; path: string }, payload: CgroupSeriesPayload];
  /** Containers of one node, or of the session's namespace (a given `namespace` overrides it), with usage against requests and limits. */
  'containers.list': [params: { node?: string; namespace?: string }, payload: ContainersPayload];
  /** Charts of one container over the store's window. */
  'containers.series': [params: { namespace: string; pod: string; container: string }, payload: ContainerSeriesPayload];
  /** Deployments, DaemonSets and StatefulSets (kube-state-metrics, else the API) and node conditions; follows the session's namespace unless one is given. */
  'workloads.list': [params: { namespace?: string }, payload: WorkloadsPayload];
  /** Targets classified as application exporters or Pushgateways. */
  'apps.list': [params: null, payload: AppTarget[]];
  /** One application target's own metrics: counters as rates, gauges as values, histograms and summaries as quantiles. */
  'apps.panel': [params: { targetId: string }, payload: AppPanel];
}

export type EventTopic = keyof Events;
export type EventParams<T extends EventTopic> = Events[T][0];
export type EventPayload<T extends EventTopic> = Events[T][1];
