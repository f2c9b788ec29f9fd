import { fnv1a } from '../cluster/names.js';
import { cumulativeBuckets, ExpositionWriter, steadyCount } from './exposition-writer.js';

/**
 * `:10054/metrics` of the legacy kube-dns addon's `sidecar` container (k8s-dns-sidecar 1.14.x), the
 * port its pods are annotated to be scraped on (`prometheus.io/port: "10054"` in the addon's
 * kube-dns.yaml.base). Generated, as there is no recording; names and HELP texts from
 * kubernetes/dns: pkg/sidecar/metrics.go (namespace `kubedns`, subsystem `dnsmasq`: hits, misses,
 * evictions, insertions, max_size, errors — all counters, fed from dnsmasq's `*.bind` CHAOS
 * counters) and pkg/sidecar/dnsprobe.go (subsystem `probe`: `<label>_latency_ms` with
 * LinearBuckets(0, 10, 500) and `<label>_errors`), for the addon's two probes `kubedns` and
 * `dnsmasq` (`--probe=kubedns,127.0.0.1:10053,…,5,SRV`, every 5 s).
 *
 * Values are invented and consistent: a seeded query rate per pod, counters growing steadily since
 * the pod started, dnsmasq's cache capped at `--cache-size=1000`.
 */

const CACHE_SIZE = 1000;
const PROBE_INTERVAL_SEC = 5;
/** LinearBuckets(0, 10, 500): 0, 10, …, 4990 ms. */
const PROBE_BUCKETS_MS = Array.from({ length: 500 }, (_, i) => i * 10);
/** Probes answered locally take a millisecond or two; a few wait for kubedns. */
const PROBE_CDF = PROBE_BUCKETS_MS.map((bound) => (bound === 0 ? 0 : bound === 10 ? 0.98 : bound === 20 ? 0.995 : bound === 30 ? 0.999 : 1));
const PROBE_MEAN_MS = 2.3;

export class KubeDnsSidecarMetrics {
  readonly #startedMs: number;
  readonly queriesPerSec: number;

  constructor(options: { seed: string; startedMs: number }) {
    this.#startedMs = options.startedMs;
    this.queriesPerSec = 2 + (fnv1a(options.seed) % 4000) / 1000;
  }

  render(nowMs: number): string {
    const elapsedSec = Math.max(0, (nowMs - this.#startedMs) / 1000);
    const rate = this.queriesPerSec;
    const out = new ExpositionWriter();
    const hits = steadyCount(rate * 0.6, elapsedSec);
    const misses = steadyCount(rate * 0.4, elapsedSec);
    // Most misses are answered and cached; once the cache is full every insertion evicts one.
    const insertions = steadyCount(rate * 0.36, elapsedSec);
    out.counter('kubedns_dnsmasq_errors', 'Number of errors that have occurred getting metrics', {}, 0);
    out.counter('kubedns_dnsmasq_evictions', 'Counter of DNS cache evictions (from start of process)', {}, Math.max(0, insertions - CACHE_SIZE));
    out.counter('kubedns_dnsmasq_hits', 'Number of DNS cache hits (from start of process)', {}, hits);
    out.counter('kubedns_dnsmasq_insertions', 'Counter of DNS cache insertions (from start of process)', {}, insertions);
    out.counter('kubedns_dnsmasq_max_size', 'Maximum size of the DNS cache', {}, CACHE_SIZE);
    out.counter('kubedns_dnsmasq_misses', 'Number of DNS cache misses (from start of process)', {}, misses);
    const probes = steadyCount(1 / PROBE_INTERVAL_SEC, elapsedSec);
    for (const label of ['dnsmasq', 'kubedns']) {
      out.counter(`kubedns_probe_${label}_errors`, `Count of errors in name resolution of ${label}`, {}, 0);
      out.histogram(`kubedns_probe_${label}_latency_ms`, `Latency of the DNS probe request ${label}`, {}, PROBE_BUCKETS_MS, cumulativeBuckets(probes, PROBE_CDF), probes * PROBE_MEAN_MS, probes);
    }
    out.gauge('go_goroutines', 'Number of goroutines that currently exist.', {}, 17);
    out.counter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', {}, Math.round(elapsedSec * 0.0008 * 100) / 100);
    out.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', {}, 1.1341824e7);
    out.gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', {}, Math.floor(this.#startedMs / 10) / 100);
    return out.render();
  }
}
