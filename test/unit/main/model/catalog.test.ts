// The metric catalog over a store fed with hand-written scrapes (every count below is counted by
// hand from the texts) and with the real node-exporter fixture (checked against its own TYPE lines,
// read with a regular expression, independently of Slicewise's parser).
import { describe, expect, it } from 'vitest';
import { buildCatalog, familyDetail, matchScore, searchCatalog, summarizeLabels, type CatalogTarget } from '../../../../main/model/catalog.js';
import { readFixture } from '../../../helpers/fixtures.js';
import { StoreFeed } from '../../../helpers/store-feed.js';

const CADVISOR = `# HELP container_cpu_usage_seconds_total Cumulative cpu time consumed in seconds.
# TYPE container_cpu_usage_seconds_total counter
container_cpu_usage_seconds_total{id="/",cpu="total"} 10
container_cpu_usage_seconds_total{id="/kubepods",cpu="total",pod="p1"} 5
# HELP container_memory_working_set_bytes Current working set in bytes.
# TYPE container_memory_working_set_bytes gauge
container_memory_working_set_bytes{id="/"} 100
`;
const NODE = `# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.
# TYPE node_cpu_seconds_total counter
node_cpu_seconds_total{cpu="0",mode="idle"} 1
node_cpu_seconds_total{cpu="0",mode="user"} 2
node_cpu_seconds_total{cpu="1",mode="idle"} 3
# HELP node_load1 1m load average.
# TYPE node_load1 gauge
node_load1 0.5
`;
const NGINX = `# HELP nginx_connections_active Active client connections
# TYPE nginx_connections_active gauge
nginx_connections_active 1
# HELP nginx_http_requests_total Total http requests
# TYPE nginx_http_requests_total counter
nginx_http_requests_total 10
nginx_up 1
`;
const METALLB = `# HELP metallb_allocator_addresses_in_use Addresses in use.
# TYPE metallb_allocator_addresses_in_use counter
metallb_allocator_addresses_in_use_total{pool="default"} 3
# HELP controller_sync_duration_seconds Time to sync.
# TYPE controller_sync_duration_seconds histogram
# UNIT controller_sync_duration_seconds seconds
controller_sync_duration_seconds_bucket{le="0.1"} 1
controller_sync_duration_seconds_bucket{le="+Inf"} 2
controller_sync_duration_seconds_sum 0.3
controller_sync_duration_seconds_count 2
# EOF
`;

const TARGETS: CatalogTarget[] = [
  { id: 'cad', source: 'cadvisor', labels: { job: 'kubernetes-nodes-cadvisor', instance: 'n1' } },
  { id: 'ne', source: 'node-exporter', labels: { job: 'kubernetes-pods', app_kubernetes_io_name: 'node-exporter', namespace: 'monitoring', pod: 'ne-1', instance: '10.0.0.1:9100' } },
  { id: 'ng-a', source: 'application', labels: { job: 'kubernetes-pods', app_kubernetes_io_name: 'nginx', namespace: 'web', pod: 'nginx-a', instance: '10.0.0.2:9113' } },
  { id: 'ng-b', source: 'application', labels: { job: 'kubernetes-pods', app_kubernetes_io_name: 'nginx', namespace: 'web', pod: 'nginx-b', instance: '10.0.0.3:9113' } },
  { id: 'mlb', source: 'application', labels: { job: 'kubernetes-pods', app: 'metallb', component: 'controller', namespace: 'metallb-system', pod: 'controller-x', instance: '10.0.0.4:7472' } },
];

function fedStore(): StoreFeed {
  const feed = new StoreFeed();
  const texts: Record<string, [string, 'text' | 'openmetrics']> = { cad: [CADVISOR, 'text'], ne: [NODE, 'text'], 'ng-a': [NGINX, 'text'], 'ng-b': [NGINX, 'text'], mlb: [METALLB, 'openmetrics'] };
  for (const target of TARGETS) feed.scrape(target.id, target.labels, 10_000, texts[target.id][0], { format: texts[target.id][1] });
  return feed;
}

describe('buildCatalog', () => {
  it('groups families by source, applications by their name, with counts, types, units and selectors', () => {
    const feed = fedStore();
    const catalog = buildCatalog(feed.store, TARGETS, { nowMs: 1 });
    const payload = searchCatalog(catalog, { limit: 2000 });
    expect(payload.groups.map((group) => [group.key, group.title, group.selector, group.targetCount, group.familyCount])).toEqual([
      ['cadvisor', 'Kubelet cAdvisor', 'job="kubernetes-nodes-cadvisor"', 1, 2],
      ['node-exporter', 'node-exporter', 'job="kubernetes-pods",app_kubernetes_io_name="node-exporter",namespace="monitoring"', 1, 2],
      ['application:metallb', 'metallb (application)', 'job="kubernetes-pods",app="metallb",namespace="metallb-system"', 1, 2],
      ['application:nginx', 'nginx (application)', 'job="kubernetes-pods",app_kubernetes_io_name="nginx",namespace="web"', 2, 3],
      ['scrape', 'Scrape health (every target)', '', 5, 3],
    ]);
    const families = (key: string) => Object.fromEntries(payload.groups.find((group) => group.key === key)!.families.map((family) => [family.name, family]));
    expect(families('cadvisor').container_cpu_usage_seconds_total).toEqual({
      name: 'container_cpu_usage_seconds_total',
      type: 'counter',
      help: 'Cumulative cpu time consumed in seconds.',
      unit: '',
      seriesCount: 2,
      labelNames: ['cpu', 'id', 'instance', 'job', 'pod'],
      targetCount: 1,
      seriesNames: ['container_cpu_usage_seconds_total'],
    });
    const nginx = families('application:nginx');
    expect([nginx.nginx_connections_active.seriesCount, nginx.nginx_connections_active.targetCount]).toEqual([2, 2]);
    expect(nginx.nginx_connections_active.labelNames).toEqual(['app_kubernetes_io_name', 'instance', 'job', 'namespace', 'pod']);
    // A text-format sample without HELP/TYPE is its own family, untyped (as Prometheus reads text 0.0.4).
    expect([nginx.nginx_up.type, nginx.nginx_up.help, nginx.nginx_up.seriesCount]).toEqual(['untyped', '', 2]);
    // OpenMetrics: the counter family `x` holds the series `x_total`; a histogram holds its _bucket/_sum/_count.
    const metallb = families('application:metallb');
    expect(metallb.metallb_allocator_addresses_in_use).toMatchObject({ type: 'counter', seriesCount: 1, seriesNames: ['metallb_allocator_addresses_in_use_total'] });
    expect(metallb.controller_sync_duration_seconds).toMatchObject({
      type: 'histogram',
      unit: 'seconds',
      seriesCount: 4,
      seriesNames: ['controller_sync_duration_seconds_bucket', 'controller_sync_duration_seconds_count', 'controller_sync_duration_seconds_sum'],
    });
    expect(metallb.controller_sync_duration_seconds.labelNames).toContain('le');
    // Synthetic series: one per target.
    expect(families('scrape').up).toMatchObject({ type: 'gauge', seriesCount: 5, targetCount: 5 });
    expect(payload).toMatchObject({ totalFamilies: 12, matched: 12, shown: 12, builtMs: 1 });
  });

  it('leaves out series of targets no longer discovered, and adds names only Prometheus knows', () => {
    const feed = fedStore();
    const catalog = buildCatalog(feed.store, TARGETS.slice(0, 2), {
      nowMs: 1,
      prometheus: {
        names: ['node_cpu_seconds_total', 'node_load1', 'up', 'instance:node_cpu:rate5m', 'controller_sync_duration_seconds_bucket', 'container_cpu_usage_seconds_total'],
        metadata: { 'instance:node_cpu:rate5m': [{ type: 'gauge', help: 'Recording rule.', unit: '' }] },
      },
    });
    const payload = searchCatalog(catalog, {});
    expect(payload.groups.map((group) => group.key)).toEqual(['cadvisor', 'node-exporter', 'scrape', 'prometheus-only']);
    const remote = payload.groups.at(-1)!;
    // controller_sync_duration_seconds_bucket is in the store only for a target no longer discovered, so Prometheus alone has it.
    expect(remote.families.map((family) => [family.name, family.type, family.seriesCount])).toEqual([
      ['controller_sync_duration_seconds_bucket', 'unknown', null],
      ['instance:node_cpu:rate5m', 'gauge', null],
    ]);
  });
});

describe('the node-exporter fixture', () => {
  const text = readFixture('node_exporter', 'e2e-output.txt');

  it('lists every TYPE of the exposition with its type, and every sample under its family', () => {
    const feed = new StoreFeed();
    const target: CatalogTarget = { id: 'ne', source: 'node-exporter', labels: { job: 'node', instance: 'h:9100' } };
    feed.scrape(target.id, target.labels, 10_000, text);
    const group = buildCatalog(feed.store, [target], { nowMs: 1 }).groups.find((candidate) => candidate.key === 'node-exporter')!;
    const types = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => [match[1], match[2]]));
    const sampleLines = text.split('\n').filter((line) => line && !line.startsWith('#'));
    const sampleNames = new Set(sampleLines.map((line) => /^[^{ ]+/.exec(line)![0]));
    const familyOf = (name: string) => (types.has(name) ? name : ['_sum', '_count', '_bucket'].map((suffix) => name.slice(0, -suffix.length)).find((base, index) => name.endsWith(['_sum', '_count', '_bucket'][index]) && types.has(base)));
    const untyped = [...sampleNames].filter((name) => familyOf(name) === undefined);
    expect(group.families.size).toBe(types.size + untyped.length);
    const byName = group.families;
    for (const [name, type] of types) expect(byName.get(name)?.type, name).toBe(type);
    // Series per family, counted from the text, for every family (TYPE-only families have none).
    const counted = new Map<string, number>();
    for (const line of sampleLines) {
      const family = familyOf(/^[^{ ]+/.exec(line)![0]) ?? /^[^{ ]+/.exec(line)![0];
      counted.set(family, (counted.get(family) ?? 0) + 1);
    }
    expect(counted.get('node_cpu_seconds_total')).toBe(64);
    for (const [name, entry] of byName) expect(entry.seriesCount, name).toBe(counted.get(name) ?? 0);
  });

  it('finds families by prefix, substring and fuzzy text, and caps the answer', () => {
    const feed = new StoreFeed();
    const target: CatalogTarget = { id: 'ne', source: 'node-exporter', labels: { job: 'node' } };
    feed.scrape(target.id, target.labels, 10_000, text);
    const catalog = buildCatalog(feed.store, [target], { nowMs: 1 });
    const prefix = searchCatalog(catalog, { text: 'node_cpu_sec', limit: 10 });
    expect(prefix.groups[0].families[0].name).toBe('node_cpu_seconds_total');
    expect(searchCatalog(catalog, { text: 'cpu sec', limit: 5 }).groups[0].families[0].name).toBe('node_cpu_seconds_total');
    // "netrcvbytes" is in no name; as a subsequence it finds the receive-byte counters.
    expect(searchCatalog(catalog, { text: 'netrcvbytes', limit: 5 }).groups[0].families.map((family) => family.name)).toContain('node_network_receive_bytes_total');
    const everything = searchCatalog(catalog, { text: 'node', limit: 7 });
    const nodeNames = [...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]).filter((name) => name.toLowerCase().includes('node'));
    expect(everything.shown).toBe(7);
    expect(everything.groups[0].families).toHaveLength(7);
    expect(everything.matched).toBeGreaterThanOrEqual(nodeNames.length);
    expect(everything.groups[0].matchCount).toBe(everything.matched);
  });
});

describe('matchScore', () => {
  it('ranks exact over prefix over word-boundary substring over substring over subsequence', () => {
    const exact = matchScore('node_load1', 'node_load1')!;
    const prefix = matchScore('node_load', 'node_load1')!;
    const boundary = matchScore('load', 'node_load1')!;
    const inner = matchScore('oad', 'node_load1')!;
    const subsequence = matchScore('ndld', 'node_load1')!;
    expect(exact).toBeGreaterThan(prefix);
    expect(prefix).toBeGreaterThan(boundary);
    expect(boundary).toBeGreaterThan(inner);
    expect(inner).toBeGreaterThan(subsequence);
    expect(subsequence).toBeGreaterThan(0);
  });

  it('needs every word, matches HELP weakly, ignores case, and refuses short subsequences', () => {
    expect(matchScore('cpu throttled', 'container_cpu_cfs_throttled_seconds_total')).not.toBeNull();
    expect(matchScore('cpu memory', 'container_cpu_cfs_throttled_seconds_total')).toBeNull();
    expect(matchScore('latency', 'http_request_duration_seconds', 'Request LATENCY in seconds')).toBe(10);
    expect(matchScore('NODE_CPU', 'node_cpu_seconds_total')).toBe(matchScore('node_cpu', 'node_cpu_seconds_total'));
    expect(matchScore('nc', 'node_cpu')).toBeNull(); // "nc" is no substring; two letters are too few for a subsequence
    expect(matchScore('', 'anything')).toBe(0);
  });
});

describe('familyDetail and summarizeLabels', () => {
  it('counts label values over the family’s series, most common first', () => {
    const feed = fedStore();
    const catalog = buildCatalog(feed.store, TARGETS, { nowMs: 1 });
    const detail = familyDetail(feed.store, catalog, 'node_cpu_seconds_total')!;
    expect(detail.seriesCount).toBe(3);
    expect(detail.groups).toEqual([{ key: 'node-exporter', title: 'node-exporter', selector: 'job="kubernetes-pods",app_kubernetes_io_name="node-exporter",namespace="monitoring"', seriesCount: 3 }]);
    expect(detail.labels.find((label) => label.name === 'mode')).toEqual({ name: 'mode', valueCount: 2, values: [{ value: 'idle', series: 2 }, { value: 'user', series: 1 }] });
    expect(detail.labels.find((label) => label.name === 'cpu')?.values).toEqual([{ value: '0', series: 2 }, { value: '1', series: 1 }]);
    expect(detail.examples).toHaveLength(3);
    expect(familyDetail(feed.store, catalog, 'no_such_metric')).toBeUndefined();
    const histogram = familyDetail(feed.store, catalog, 'controller_sync_duration_seconds')!;
    expect(histogram.seriesCount).toBe(4);
    expect(histogram.labels.find((label) => label.name === 'le')?.values.map((value) => value.value)).toEqual(['+Inf', '0.1']);
  });

  it('caps the values listed per label', () => {
    const sets = Array.from({ length: 120 }, (_, i) => ({ __name__: 'x', i: String(i % 60) }));
    const [label] = summarizeLabels(sets, 50);
    expect(label.valueCount).toBe(60);
    expect(label.values).toHaveLength(50);
    expect(label.values.every((value) => value.series === 2)).toBe(true);
  });
});
