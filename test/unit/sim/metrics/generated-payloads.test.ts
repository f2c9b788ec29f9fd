import { describe, expect, it } from 'vitest';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { ApiserverMetrics, nonResourceLabels, type RequestLabels } from '../../../sim/metrics/apiserver.js';
import { CorednsMetrics } from '../../../sim/metrics/coredns.js';
import { parseLabels } from '../../../sim/metrics/exposition-template.js';
import { ExpositionWriter } from '../../../sim/metrics/exposition-writer.js';
import { KubeDnsSidecarMetrics } from '../../../sim/metrics/kube-dns.js';

/** `name{a="1",b="2"}` → value, labels re-sorted so lookups need not know the writer's order. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels = parseLabels(match[2] ?? '').sort(([a], [b]) => (a < b ? -1 : 1));
    out.set(`${match[1]}{${labels.map(([k, v]) => `${k}=${v}`).join(',')}}`, Number(match[3] === '+Inf' ? Infinity : match[3]));
  }
  return out;
}

const key = (name: string, labels: Record<string, string> = {}) => `${name}{${Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',')}}`;

/** Families and types as the npm parser (an independent implementation) reads them. */
function familyTypes(text: string): Record<string, string> {
  return Object.fromEntries((parsePrometheusTextFormat(text) as Array<{ name: string; type: string }>).map((family) => [family.name, family.type]));
}

/** Every counter and histogram sample of `later` is ≥ the same sample of `earlier`. */
function expectMonotonic(earlier: string, later: string, counterNames: (name: string) => boolean): void {
  const a = samples(earlier);
  const b = samples(later);
  for (const [name, value] of a) {
    if (!counterNames(name.slice(0, name.indexOf('{')))) continue;
    expect(b.get(name), name).toBeGreaterThanOrEqual(value);
  }
}

/** Cumulative buckets never decrease with `le`, and `+Inf` equals `_count`. */
function expectHistogramsConsistent(text: string): void {
  const bySeries = new Map<string, Array<{ le: number; value: number }>>();
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const bucket = /^(\w+)_bucket\{(.*)\} (\S+)$/.exec(line);
    if (bucket) {
      const labels = parseLabels(`{${bucket[2]}}`);
      const le = labels.find(([k]) => k === 'le')?.[1] as string;
      const series = `${bucket[1]}{${labels.filter(([k]) => k !== 'le').map(([k, v]) => `${k}=${v}`).join(',')}}`;
      const list = bySeries.get(series) ?? [];
      list.push({ le: le === '+Inf' ? Infinity : Number(le), value: Number(bucket[3]) });
      bySeries.set(series, list);
      continue;
    }
    const count = /^(\w+)_count(?:\{(.*)\})? (\S+)$/.exec(line);
    if (count) counts.set(`${count[1]}{${parseLabels(count[2] ? `{${count[2]}}` : '').map(([k, v]) => `${k}=${v}`).join(',')}}`, Number(count[3]));
  }
  expect(bySeries.size).toBeGreaterThan(0);
  for (const [series, buckets] of bySeries) {
    for (let i = 1; i < buckets.length; i++) {
      expect(buckets[i].le, series).toBeGreaterThan(buckets[i - 1].le);
      expect(buckets[i].value, series).toBeGreaterThanOrEqual(buckets[i - 1].value);
    }
    expect(buckets.at(-1)?.le).toBe(Infinity);
    expect(buckets.at(-1)?.value, series).toBe(counts.get(series));
  }
}

describe('ExpositionWriter', () => {
  it('writes families sorted by name, label names sorted, series sorted by label values, histograms with le last', () => {
    const text = new ExpositionWriter()
      .gauge('zeta', 'Last.', {}, 1)
      .counter('alpha_total', 'A "help" with \\ and\nnewline.', { b: 'y', a: 'x"q' }, 12345678)
      .counter('alpha_total', 'A "help" with \\ and\nnewline.', { b: 'w', a: 'x"q' }, 0.5)
      .histogram('mid_seconds', 'H.', { path: '/' }, [0.1, 16000], [1, 3], 0.75, 4)
      .render();
    expect(text).toBe(
      [
        '# HELP alpha_total A "help" with \\\\ and\\nnewline.',
        '# TYPE alpha_total counter',
        'alpha_total{a="x\\"q",b="w"} 0.5',
        'alpha_total{a="x\\"q",b="y"} 1.2345678e+07',
        '# HELP mid_seconds H.',
        '# TYPE mid_seconds histogram',
        'mid_seconds_bucket{path="/",le="0.1"} 1',
        'mid_seconds_bucket{path="/",le="16000"} 3',
        'mid_seconds_bucket{path="/",le="+Inf"} 4',
        'mid_seconds_sum{path="/"} 0.75',
        'mid_seconds_count{path="/"} 4',
        '# HELP zeta Last.',
        '# TYPE zeta gauge',
        'zeta 1',
        '',
      ].join('\n'),
    );
    expect(() => new ExpositionWriter().counter('x', 'h', {}, 1).gauge('x', 'h', {}, 1)).toThrow(/counter and as gauge|gauge and as counter/);
  });
});

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

describe('legacy kube-dns sidecar payload', () => {
  const startedMs = 1_600_000_000_000;
  const sidecar = new KubeDnsSidecarMetrics({ seed: 'kube-dns-pod', startedMs });

  it('has the sidecar’s kubedns_* families; probes every 5 s; evictions start once the 1,000-entry cache is full', () => {
    const text = sidecar.render(startedMs + 100_000);
    const types = familyTypes(text);
    expect(Object.keys(types).filter((name) => name.startsWith('kubedns_'))).toEqual([
      'kubedns_dnsmasq_errors',
      'kubedns_dnsmasq_evictions',
      'kubedns_dnsmasq_hits',
      'kubedns_dnsmasq_insertions',
      'kubedns_dnsmasq_max_size',
      'kubedns_dnsmasq_misses',
      'kubedns_probe_dnsmasq_errors',
      'kubedns_probe_dnsmasq_latency_ms',
      'kubedns_probe_kubedns_errors',
      'kubedns_probe_kubedns_latency_ms',
    ]);
    const early = samples(text);
    // 100 s / 5 s = 20 probes; 500 linear buckets 0…4990 ms.
    expect(early.get(key('kubedns_probe_kubedns_latency_ms_count'))).toBe(20);
    expect([...early.keys()].filter((name) => name.startsWith('kubedns_probe_dnsmasq_latency_ms_bucket{'))).toHaveLength(501);
    expect(early.get(key('kubedns_probe_dnsmasq_latency_ms_bucket', { le: '4990' }))).toBe(20);
    expect(early.get(key('kubedns_dnsmasq_max_size'))).toBe(1000);
    const insertions = early.get(key('kubedns_dnsmasq_insertions')) as number;
    expect(insertions).toBeLessThan(1000);
    expect(early.get(key('kubedns_dnsmasq_evictions'))).toBe(0);
    const later = samples(sidecar.render(startedMs + 3_600_000));
    expect(later.get(key('kubedns_dnsmasq_evictions'))).toBe((later.get(key('kubedns_dnsmasq_insertions')) as number) - 1000);
    expectHistogramsConsistent(text);
    expectMonotonic(text, sidecar.render(startedMs + 3_600_000), (name) => name.startsWith('kubedns_'));
  });
});

describe('apiserver metrics', () => {
  const pods: RequestLabels = { verb: 'LIST', group: '', version: 'v1', resource: 'pods', subresource: '', scope: 'cluster', component: 'apiserver' };
  const version = { major: '1', minor: '32', gitVersion: 'v1.32.4' };

  it('counts requests by labels and code, with the apiserver’s label names', () => {
    const metrics = new ApiserverMetrics({ startMs: 0 });
    metrics.count(pods, 200);
    metrics.count(pods, 200);
    metrics.count(pods, 500);
    metrics.count(nonResourceLabels('HEAD', '/version'), 200);
    const text = metrics.render(1000, [{ resource: 'pods', count: 7 }], version);
    expect(text).toContain('apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="pods",scope="cluster",subresource="",verb="LIST",version="v1"} 2\n');
    expect(text).toContain('apiserver_request_total{code="500",component="apiserver",dry_run="",group="",resource="pods",scope="cluster",subresource="",verb="LIST",version="v1"} 1\n');
    expect(text).toContain('apiserver_request_total{code="200",component="",dry_run="",group="",resource="",scope="",subresource="/version",verb="GET",version=""} 1\n');
    expect(text).toContain('apiserver_storage_objects{resource="pods"} 7\n');
    expect(metrics.countOf({ resource: 'pods', code: 200 })).toBe(2);
    expect(familyTypes(text)).toMatchObject({ apiserver_request_total: 'COUNTER', apiserver_current_inflight_requests: 'GAUGE', apiserver_storage_objects: 'GAUGE', kubernetes_build_info: 'GAUGE', process_cpu_seconds_total: 'COUNTER' });
  });

  it('reports the in-flight peak of the last second, and long-running requests while they run', () => {
    let nowMs = 10_000;
    const metrics = new ApiserverMetrics({ startMs: 0, now: () => nowMs });
    const inflight = (kind: string) => samples(metrics.render(nowMs, [], version)).get(key('apiserver_current_inflight_requests', { request_kind: kind }));
    const a = metrics.begin(pods, 'readOnly');
    const b = metrics.begin(pods, 'readOnly');
    a();
    a();
    b();
    expect(inflight('readOnly')).toBe(2);
    expect(inflight('mutating')).toBe(0);
    nowMs += 1500;
    expect(inflight('readOnly')).toBe(0);
    const watch = { ...pods, verb: 'WATCH' };
    const end = metrics.begin(watch, 'readOnly');
    expect(inflight('readOnly')).toBe(0);
    const longRunning = () => samples(metrics.render(nowMs, [], version)).get(key('apiserver_longrunning_requests', { verb: 'WATCH', group: '', version: 'v1', resource: 'pods', subresource: '', scope: 'cluster', component: 'apiserver' }));
    expect(longRunning()).toBe(1);
    end();
    expect(longRunning()).toBeUndefined();
  });
});
