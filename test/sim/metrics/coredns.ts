import { fnv1a } from '../cluster/names.js';
import { cumulativeBuckets, ExpositionWriter, steadyCount } from './exposition-writer.js';

/**
 * CoreDNS `:9153/metrics` as CoreDNS 1.11 exposes it with the kubeadm Corefile (`.:53 { errors,
 * health { lameduck 5s }, ready, kubernetes cluster.local in-addr.arpa ip6.arpa, prometheus :9153,
 * forward . /etc/resolv.conf { max_concurrent 1000 }, cache 30, loop, reload, loadbalance }`).
 * There is no recording of it in ../shared/fixtures, so it is generated; family names, label sets,
 * HELP texts and buckets are CoreDNS's own:
 * - coredns plugin/metrics/vars/vars.go at 1.11 (requests_total{server,zone,view,proto,family,type},
 *   request_duration_seconds{server,zone,view}, request_size_bytes/response_size_bytes
 *   {server,zone,view,proto} with buckets 0…64e3, responses_total{server,zone,view,rcode,plugin},
 *   panics_total, plugin_enabled{server,zone,view,name}); plugin.TimeBuckets =
 *   ExponentialBuckets(0.00025, 2, 16);
 * - plugin/cache/metrics.go (entries/hits_total{server,type,zones,view}, misses_total and
 *   requests_total{server,zones,view});
 * - plugin/pkg/proxy/metrics.go at 1.11 (proxy_request_duration_seconds{proxy_name,to,rcode},
 *   proxy_conn_cache_{hits,misses}_total{proxy_name,to,proto}) and plugin/forward/metrics.go
 *   (healthcheck_broken_total, max_concurrent_rejects_total);
 * - plugin/health (request_duration_seconds with SlimTimeBuckets = ExponentialBuckets(0.00025, 10, 5),
 *   request_failures_total), plugin/reload (reload_failed_total);
 * - real 1.11.3 scrapes posted in issues and blogs (build_info labels, `view=""`, `zones="."`,
 *   `plugin="loadbalance"` on answers when loadbalance is in the chain).
 * Only families with children appear (client_golang omits an empty vector), as in a real scrape.
 *
 * Values are invented but consistent: one query rate per pod (seeded by the pod's UID), split into
 * fixed shares; every counter is floor(rate × share × seconds since the pod started), so counters
 * only grow, histogram buckets are cumulative and `+Inf` equals `_count`.
 */

export const COREDNS_VERSION = { version: '1.11.3', revision: 'a6338e9', goversion: 'go1.21.11' } as const;

const SERVER = 'dns://:53';
const ZONE = '.';
/** plugin.TimeBuckets */
const TIME_BUCKETS = Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i);
/** plugin.SlimTimeBuckets */
const SLIM_TIME_BUCKETS = [0.00025, 0.0025, 0.025, 0.25, 2.5];
const SIZE_BUCKETS = [0, 100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16e3, 32e3, 48e3, 64e3];

/** Query mix of a cluster's pods: A and AAAA in pairs (glibc and musl ask for both), a few SRV/PTR. */
const REQUEST_SHARES: ReadonlyArray<{ proto: 'udp' | 'tcp'; type: string; share: number }> = [
  { proto: 'udp', type: 'A', share: 0.455 },
  { proto: 'udp', type: 'AAAA', share: 0.455 },
  { proto: 'udp', type: 'SRV', share: 0.03 },
  { proto: 'udp', type: 'PTR', share: 0.03 },
  { proto: 'udp', type: 'other', share: 0.005 },
  { proto: 'tcp', type: 'A', share: 0.015 },
  { proto: 'tcp', type: 'AAAA', share: 0.01 },
];

/** ndots:5 search-path expansion makes a good part of all answers NXDOMAIN. */
const RESPONSE_SHARES: ReadonlyArray<{ plugin: string; rcode: string; share: number }> = [
  { plugin: 'loadbalance', rcode: 'NOERROR', share: 0.8 },
  { plugin: 'loadbalance', rcode: 'NXDOMAIN', share: 0.1995 },
  { plugin: '', rcode: 'SERVFAIL', share: 0.0005 },
];

/** Fractions of queries answered within each TIME_BUCKETS bound: cache hits well under a millisecond, forwards slower. */
const DURATION_CDF = [0.7, 0.84, 0.88, 0.9, 0.92, 0.95, 0.975, 0.99, 0.996, 0.998, 0.999, 0.9995, 0.9997, 0.9998, 0.9999, 0.99995];
const DURATION_MEAN_SEC = 0.0021;
const REQUEST_SIZE_CDF = [0, 0.93, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
const REQUEST_SIZE_MEAN_BYTES = 64;
const RESPONSE_SIZE_CDF = [0, 0.35, 0.93, 0.985, 0.995, 0.999, 1, 1, 1, 1, 1, 1, 1, 1];
const RESPONSE_SIZE_MEAN_BYTES = 132;
/** Of all queries: cache hits by type, and queries that reach the upstream (forward). */
const CACHE_SUCCESS_SHARE = 0.55;
const CACHE_DENIAL_SHARE = 0.3;
const FORWARD_SHARE = 0.03;
const FORWARD_NXDOMAIN_SHARE = 0.08;
const FORWARD_CDF = [0, 0, 0.01, 0.2, 0.55, 0.8, 0.93, 0.98, 0.995, 0.998, 0.999, 0.9995, 0.9998, 0.9999, 1, 1];
const FORWARD_MEAN_SEC = 0.009;
const CONN_MISSES_PER_SEC = 0.01;
/** The health plugin asks its own /health once a second. */
const HEALTH_CDF = [0.02, 0.97, 0.999, 1, 1];
const HEALTH_MEAN_SEC = 0.0011;
const PLUGINS = ['cache', 'errors', 'forward', 'kubernetes', 'loadbalance', 'loop', 'prometheus'];

export interface CorednsOptions {
  /** Seeds the pod's query rate (the pod UID: every replica gets its own traffic). */
  readonly seed: string;
  /** When the CoreDNS process started (epoch ms): counters start from zero there. */
  readonly startedMs: number;
  /** The upstream resolver of /etc/resolv.conf, `host:port` (the node network's gateway). */
  readonly upstream: string;
}

export class CorednsMetrics {
  readonly #startedMs: number;
  readonly #upstream: string;
  /** Queries per second this replica answers. */
  readonly queriesPerSec: number;

  constructor(options: CorednsOptions) {
    this.#startedMs = options.startedMs;
    this.#upstream = options.upstream;
    this.queriesPerSec = 3 + (fnv1a(options.seed) % 6000) / 1000;
  }

  render(nowMs: number): string {
    const elapsedSec = Math.max(0, (nowMs - this.#startedMs) / 1000);
    const rate = this.queriesPerSec;
    const out = new ExpositionWriter();
    const base = { server: SERVER, view: '', zone: ZONE };

    out.gauge('coredns_build_info', "A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.", COREDNS_VERSION, 1);

    let total = 0;
    const byProto = { udp: 0, tcp: 0 };
    for (const entry of REQUEST_SHARES) {
      const count = steadyCount(rate * entry.share, elapsedSec);
      total += count;
      byProto[entry.proto] += count;
      out.counter('coredns_dns_requests_total', 'Counter of DNS requests made per zone, protocol and family.', { ...base, proto: entry.proto, family: '1', type: entry.type }, count);
    }
    for (const entry of RESPONSE_SHARES) {
      out.counter('coredns_dns_responses_total', 'Counter of response status codes.', { ...base, rcode: entry.rcode, plugin: entry.plugin }, steadyCount(rate * entry.share, elapsedSec));
    }
    out.histogram('coredns_dns_request_duration_seconds', 'Histogram of the time (in seconds) each request took per zone.', base, TIME_BUCKETS, cumulativeBuckets(total, DURATION_CDF), total * DURATION_MEAN_SEC, total);
    for (const proto of ['tcp', 'udp'] as const) {
      const count = byProto[proto];
      if (count === 0) continue;
      out.histogram('coredns_dns_request_size_bytes', 'Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone and protocol.', { ...base, proto }, SIZE_BUCKETS, cumulativeBuckets(count, REQUEST_SIZE_CDF), count * REQUEST_SIZE_MEAN_BYTES, count);
      out.histogram('coredns_dns_response_size_bytes', 'Size of the returned response in bytes.', { ...base, proto }, SIZE_BUCKETS, cumulativeBuckets(count, RESPONSE_SIZE_CDF), count * RESPONSE_SIZE_MEAN_BYTES, count);
    }
    for (const name of PLUGINS) out.gauge('coredns_plugin_enabled', 'A metric that indicates whether a plugin is enabled on per server and zone basis.', { ...base, name }, 1);
    out.counter('coredns_panics_total', 'A metrics that counts the number of panics.', {}, 0);

    // cache 30: every query passes the cache; hits by type, the rest are misses.
    const cache = { server: SERVER, view: '', zones: ZONE };
    const hitsSuccess = steadyCount(rate * CACHE_SUCCESS_SHARE, elapsedSec);
    const hitsDenial = steadyCount(rate * CACHE_DENIAL_SHARE, elapsedSec);
    const cacheRequests = steadyCount(rate, elapsedSec);
    // Entries live 30 s at most (cache 30), so they follow the recent rate, with a slow wobble.
    const wobble = 1 + 0.15 * Math.sin((2 * Math.PI * elapsedSec) / 600);
    out.gauge('coredns_cache_entries', 'The number of elements in the cache.', { ...cache, type: 'success' }, elapsedSec > 0 ? Math.round(rate * 6 * wobble) : 0);
    out.gauge('coredns_cache_entries', 'The number of elements in the cache.', { ...cache, type: 'denial' }, elapsedSec > 0 ? Math.round(rate * 4 * wobble) : 0);
    out.counter('coredns_cache_hits_total', 'The count of cache hits.', { ...cache, type: 'success' }, hitsSuccess);
    out.counter('coredns_cache_hits_total', 'The count of cache hits.', { ...cache, type: 'denial' }, hitsDenial);
    out.counter('coredns_cache_misses_total', 'The count of cache misses. Deprecated, derive misses from cache hits/requests counters.', cache, steadyCount(rate * (1 - CACHE_SUCCESS_SHARE - CACHE_DENIAL_SHARE), elapsedSec));
    out.counter('coredns_cache_requests_total', 'The count of cache requests.', cache, cacheRequests);

    // forward . /etc/resolv.conf: names outside cluster.local that missed the cache.
    const forwarded = { proxy_name: 'forward', to: this.#upstream };
    for (const [rcode, share] of [['NOERROR', 1 - FORWARD_NXDOMAIN_SHARE], ['NXDOMAIN', FORWARD_NXDOMAIN_SHARE]] as const) {
      const count = steadyCount(rate * FORWARD_SHARE * share, elapsedSec);
      out.histogram('coredns_proxy_request_duration_seconds', 'Histogram of the time each request took.', { ...forwarded, rcode }, TIME_BUCKETS, cumulativeBuckets(count, FORWARD_CDF), count * FORWARD_MEAN_SEC, count);
    }
    // Connections are kept and reused (forward's `expire 10s`): about one new connection every 100 s.
    // Each counter has its own steady rate, so both only grow.
    out.counter('coredns_proxy_conn_cache_hits_total', 'Counter of connection cache hits per upstream and protocol.', { ...forwarded, proto: 'udp' }, steadyCount(rate * FORWARD_SHARE - CONN_MISSES_PER_SEC, elapsedSec));
    out.counter('coredns_proxy_conn_cache_misses_total', 'Counter of connection cache misses per upstream and protocol.', { ...forwarded, proto: 'udp' }, steadyCount(CONN_MISSES_PER_SEC, elapsedSec));
    out.counter('coredns_forward_healthcheck_broken_total', 'Counter of the number of complete failures of the healthchecks.', {}, 0);
    out.counter('coredns_forward_max_concurrent_rejects_total', 'Counter of the number of queries rejected because the concurrent queries were at maximum.', {}, 0);

    const healthChecks = steadyCount(1, elapsedSec);
    out.histogram('coredns_health_request_duration_seconds', 'Histogram of the time (in seconds) each request took.', {}, SLIM_TIME_BUCKETS, cumulativeBuckets(healthChecks, HEALTH_CDF), healthChecks * HEALTH_MEAN_SEC, healthChecks);
    out.counter('coredns_health_request_failures_total', 'The number of times the health check failed.', {}, 0);
    out.counter('coredns_reload_failed_total', 'Counter of the number of failed reload attempts.', {}, 0);

    // Go runtime and process collectors (client_golang defaults).
    out.gauge('go_goroutines', 'Number of goroutines that currently exist.', {}, 40 + Math.round(rate));
    out.gauge('go_threads', 'Number of OS threads created.', {}, 11);
    out.counter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', {}, Math.round(elapsedSec * rate * 0.0004 * 100) / 100);
    out.gauge('process_max_fds', 'Maximum number of open file descriptors.', {}, 1048576);
    out.gauge('process_open_fds', 'Number of open file descriptors.', {}, 14);
    out.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', {}, 2.4e7 + (fnv1a(String(Math.floor(elapsedSec / 60))) % 2048) * 1024);
    out.gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', {}, Math.floor(this.#startedMs / 10) / 100);
    out.gauge('process_virtual_memory_bytes', 'Virtual memory size in bytes.', {}, 7.60905728e8);
    out.gauge('process_virtual_memory_max_bytes', 'Maximum amount of virtual memory available in bytes.', {}, 1.8446744073709552e19);
    return out.render();
  }
}
