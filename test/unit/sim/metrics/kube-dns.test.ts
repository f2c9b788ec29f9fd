import { describe, expect, it } from 'vitest';
import { expectHistogramsConsistent, expectMonotonic, familyTypes, key, samples } from '../../../helpers/exposition-samples.js';
import { KubeDnsSidecarMetrics } from '../../../sim/metrics/kube-dns.js';

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
