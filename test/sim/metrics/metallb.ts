import { formatGoFloat } from './exposition-template.js';

/**
 * A MetalLB controller `/metrics` payload. The only recorded line we have is
 * `metallb_allocator_addresses_in_use_total{pool="default"} 2` (../shared/fixtures/exporters/metallb/,
 * MetalLB v0.9.3, issue #622); the rest is a plausible v0.9-era controller payload invented by the
 * simulator: family names from MetalLB's controller (allocator, k8s client), values derived from the
 * simulated cluster (LoadBalancer services with an address = addresses in use; object updates seen).
 * In v0.9.x `metallb_allocator_addresses_in_use_total` is a gauge despite its `_total` suffix.
 */
export function renderMetallbController(input: { addressesInUse: number; poolSize: number; updates: number; startMs: number; nowMs: number }): string {
  const uptimeSec = Math.max(1, (input.nowMs - input.startMs) / 1000);
  return [
    '# HELP metallb_allocator_addresses_in_use_total Number of IP addresses in use, per pool',
    '# TYPE metallb_allocator_addresses_in_use_total gauge',
    `metallb_allocator_addresses_in_use_total{pool="default"} ${input.addressesInUse}`,
    '# HELP metallb_allocator_addresses_total Number of usable IP addresses, per pool',
    '# TYPE metallb_allocator_addresses_total gauge',
    `metallb_allocator_addresses_total{pool="default"} ${input.poolSize}`,
    '# HELP metallb_k8s_client_config_loaded_bool 1 if the MetalLB configuration was successfully loaded at least once.',
    '# TYPE metallb_k8s_client_config_loaded_bool gauge',
    'metallb_k8s_client_config_loaded_bool 1',
    '# HELP metallb_k8s_client_config_stale_bool 1 if running on a stale configuration, because the latest config failed to load.',
    '# TYPE metallb_k8s_client_config_stale_bool gauge',
    'metallb_k8s_client_config_stale_bool 0',
    '# HELP metallb_k8s_client_update_errors_total Number of k8s object updates that failed for some reason.',
    '# TYPE metallb_k8s_client_update_errors_total counter',
    'metallb_k8s_client_update_errors_total 0',
    '# HELP metallb_k8s_client_updates_total Number of k8s object updates that have been processed.',
    '# TYPE metallb_k8s_client_updates_total counter',
    `metallb_k8s_client_updates_total ${input.updates}`,
    '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
    '# TYPE process_cpu_seconds_total counter',
    `process_cpu_seconds_total ${formatGoFloat(Math.round(uptimeSec * 0.002 * 100) / 100)}`,
    '# HELP process_resident_memory_bytes Resident memory size in bytes.',
    '# TYPE process_resident_memory_bytes gauge',
    'process_resident_memory_bytes 2.4580096e+07',
    '',
  ].join('\n');
}
