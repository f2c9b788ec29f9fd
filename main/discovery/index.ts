/** Discovery's public surface: scrape targets the way Prometheus' kubernetes_sd roles find them. */
export { discoverTargets, type DiscoverOptions } from './discover.js';
export { findPrometheusServices, type PrometheusService } from './prometheus-services.js';
export type { ClusterObjects, DiscoveredTarget, TargetEndpoint, TargetRole, TargetSource } from './target.js';
