/** Where a target's metrics come from, as classified by discovery. */
export type TargetSource = 'cadvisor' | 'kubelet' | 'node-exporter' | 'kube-state-metrics' | 'prometheus' | 'pushgateway' | 'application' | 'apiserver' | 'local';

/** How the bytes travel: a local port-forward, one of the apiserver proxies, or this machine itself. */
export type TransportKind = 'port-forward' | 'pod-proxy' | 'service-proxy' | 'node-proxy' | 'direct' | 'local';

export type TargetHealthState = 'unknown' | 'up' | 'down';

/** One scrape target as the Targets view shows it: what, how found, how reached, how it is doing. */
export interface TargetSummary {
  id: string;
  job: string;
  role: 'node' | 'pod' | 'service' | 'endpoints' | 'local';
  source: TargetSource;
  /** Why discovery picked it, e.g. "annotation prometheus.io/scrape=true on pod web/nginx-7d9". */
  reason: string;
  transport: TransportKind;
  /** Why this transport, e.g. "port-forward forbidden (needs pods/portforward); using the pod proxy". */
  transportNote?: string;
  /** What is scraped, for people: "pod web/nginx-7d9:9113 /metrics" or "node minikube /metrics/cadvisor". */
  endpoint: string;
  node?: string;
  namespace?: string;
  pod?: string;
  health: TargetHealthState;
  lastError?: string;
  lastScrapeMs?: number;
  lastDurationMs?: number;
  lastSizeBytes?: number;
  lastSamples?: number;
  intervalMs: number;
  labels: Record<string, string>;
}
