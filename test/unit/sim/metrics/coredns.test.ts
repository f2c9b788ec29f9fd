import { describe, expect, it } from 'vitest';
import { expectHistogramsConsistent, expectMonotonic, familyTypes, key, samples } from '../../../helpers/exposition-samples.js';
import { CorednsMetrics } from '../../../sim/metrics/coredns.js';

describe('CoreDNS payload', () => {
  const startedMs = 1_700_000_000_000;
  const coredns = new CorednsMetrics({ seed: 'pod-a', startedMs, upstream: '192.168.49.1:53' });

  it('has CoreDNS 1.11’s families and label sets, readable by an independent parser', () => {
    const text = coredns.render(startedMs + 3_600_000);
    expect(familyTypes(text)).toEqual({
      coredns_build_info: 'GAUGE',
      coredns_cache_entries: 'GAUGE',
      coredns_cache_hits_total: 'COUNTER',
      coredns_cache_misses_total: 'COUNTER',
      coredns_cache_requests_total: 'COUNTER',
      coredns_dns_request_duration_seconds: 'HISTOGRAM',
      coredns_dns_request_size_bytes: 'HISTOGRAM',
      coredns_dns_requests_total: 'COUNTER',
      coredns_dns_response_size_bytes: 'HISTOGRAM',
      coredns_dns_responses_total: 'COUNTER',
      coredns_forward_healthcheck_broken_total: 'COUNTER',
      coredns_forward_max_concurrent_rejects_total: 'COUNTER',
      coredns_health_request_duration_seconds: 'HISTOGRAM',
      coredns_health_request_failures_total: 'COUNTER',
      coredns_panics_total: 'COUNTER',
      coredns_plugin_enabled: 'GAUGE',
      coredns_proxy_conn_cache_hits_total: 'COUNTER',
      coredns_proxy_conn_cache_misses_total: 'COUNTER',
      coredns_proxy_request_duration_seconds: 'HISTOGRAM',
      coredns_reload_failed_total: 'COUNTER',
      go_goroutines: 'GAUGE',
      go_threads: 'GAUGE',
      process_cpu_seconds_total: 'COUNTER',
      process_max_fds: 'GAUGE',
      process_open_fds: 'GAUGE',
      process_resident_memory_bytes: 'GAUGE',
      process_start_time_seconds: 'GAUGE',
      process_virtual_memory_bytes: 'GAUGE',
      process_virtual_memory_max_bytes: 'GAUGE',
    });
    // Label sets as real 1.11 scrapes show them (sorted by the encoder).
    expect(text).toMatch(/^coredns_dns_requests_total\{family="1",proto="udp",server="dns:\/\/:53",type="A",view="",zone="\."\} \d+$/m);
    expect(text).toMatch(/^coredns_dns_responses_total\{plugin="loadbalance",rcode="NXDOMAIN",server="dns:\/\/:53",view="",zone="\."\} \d+$/m);
    expect(text).toMatch(/^coredns_cache_hits_total\{server="dns:\/\/:53",type="denial",view="",zones="\."\} \d+$/m);
    expect(text).toMatch(/^coredns_dns_request_duration_seconds_bucket\{server="dns:\/\/:53",view="",zone="\.",le="0\.00025"\} \d+$/m);
    expect(text).toMatch(/^coredns_dns_request_duration_seconds_bucket\{server="dns:\/\/:53",view="",zone="\.",le="8\.192"\} \d+$/m);
    expect(text).toMatch(/^coredns_dns_request_size_bytes_bucket\{proto="udp",server="dns:\/\/:53",view="",zone="\.",le="64000"\} \d+$/m);
    expect(text).toMatch(/^coredns_proxy_request_duration_seconds_count\{proxy_name="forward",rcode="NOERROR",to="192\.168\.49\.1:53"\} \d+$/m);
    expect(text).toContain('coredns_build_info{goversion="go1.21.11",revision="a6338e9",version="1.11.3"} 1\n');
    expectHistogramsConsistent(text);
  });

  it('counts from zero when the process starts; the health plugin checks itself once a second', () => {
    const fresh = samples(coredns.render(startedMs));
    for (const [name, value] of fresh) if (/_total\{/.test(name) || /_count\{/.test(name)) expect(value, name).toBe(0);
    // 1234.5 s after the start: 1234 self-checks.
    expect(samples(coredns.render(startedMs + 1_234_500)).get(key('coredns_health_request_duration_seconds_count'))).toBe(1234);
  });

  it('only moves counters forward, and the per-type, per-rcode and cache counters agree on the total', () => {
    const times = [60_000, 61_000, 3_600_000, 86_400_000].map((offset) => coredns.render(startedMs + offset));
    for (let i = 1; i < times.length; i++) expectMonotonic(times[i - 1], times[i], (name) => name.endsWith('_total') || name.endsWith('_bucket') || name.endsWith('_count') || name.endsWith('_sum'));
    const day = samples(times[3]);
    const sumOf = (prefix: string) => [...day].filter(([name]) => name.startsWith(`${prefix}{`)).reduce((n, [, v]) => n + v, 0);
    const requests = sumOf('coredns_dns_requests_total');
    const cacheRequests = day.get(key('coredns_cache_requests_total', { server: 'dns://:53', view: '', zones: '.' })) as number;
    // Independently floored shares: they agree to within one per share.
    expect(Math.abs(requests - cacheRequests)).toBeLessThanOrEqual(7);
    expect(Math.abs(sumOf('coredns_dns_responses_total') - cacheRequests)).toBeLessThanOrEqual(3);
    expect(day.get(key('coredns_dns_request_duration_seconds_count', { server: 'dns://:53', view: '', zone: '.' }))).toBe(requests);
    // A day at 3–9 queries per second.
    expect(cacheRequests).toBeGreaterThanOrEqual(3 * 86_400);
    expect(cacheRequests).toBeLessThan(9 * 86_400);
  });

  it('gives every replica its own traffic', () => {
    const other = new CorednsMetrics({ seed: 'pod-b', startedMs, upstream: '192.168.49.1:53' });
    expect(other.queriesPerSec).not.toBe(coredns.queriesPerSec);
  });
});
