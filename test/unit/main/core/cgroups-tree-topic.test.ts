import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Session } from '../../../../main/core/session.js';
import { cgroupsTreeTopic } from '../../../../main/core/topics/cgroups-tree-topic.js';
import { cgroupSeriesTopic } from '../../../../main/core/topics/cgroup-series-topic.js';
import { ValueCell } from '../../../../main/stream/value-cell.js';
import type { CgroupSeriesPayload, CgroupTreePayload, NodeSummary, SessionStatus, TargetSummary } from '../../../../preload/contract/index.js';
import { StoreFeed } from '../../../helpers/store-feed.js';

const LABELS = { job: 'kubernetes-nodes-cadvisor', instance: 'n1', node: 'n1' };

function target(id: string, source: TargetSummary['source'], role: TargetSummary['role']): TargetSummary {
  return { id, job: id, role, source, reason: 'test', transport: 'node-proxy', endpoint: id, node: 'n1', health: 'up', intervalMs: 1000, labels: id === 'cad' ? LABELS : { job: id } };
}

/** A cluster session stand-in: a store fed by hand, one node with a kubelet cAdvisor and a node-exporter target. */
function fakeSession(feed: StoreFeed): Session {
  return {
    kind: 'cluster',
    name: 'test',
    status: new ValueCell<SessionStatus>({ state: 'ready', kind: 'cluster', context: 'test', sinceMs: 0 }),
    store: feed.store,
    targets: new ValueCell<TargetSummary[]>([target('cad', 'cadvisor', 'node'), target('ne', 'node-exporter', 'pod')]),
    nodes: new ValueCell<NodeSummary[]>([{ name: 'n1' } as NodeSummary]),
    setNamespace: () => undefined,
    targetsOfNode: (node) =>
      node === 'n1'
        ? [
            { targetId: 'cad', source: 'cadvisor' },
            { targetId: 'ne', source: 'node-exporter' },
          ]
        : [],
    dispose: () => undefined,
  };
}

const scrape = (cpuSeconds: number, stampMs: number) =>
  [
    `container_cpu_usage_seconds_total{cpu="total",id="/"} ${cpuSeconds} ${stampMs}`,
    `container_cpu_usage_seconds_total{cpu="total",id="/kubepods"} ${cpuSeconds / 2} ${stampMs}`,
    `container_memory_working_set_bytes{id="/kubepods"} 1048576 ${stampMs}`,
  ].join('\n');

describe('cgroups.tree and cgroup.series topics', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('recomputes after the node’s cAdvisor scrapes only, sends the structure once, and follows session switches', () => {
    const feed = new StoreFeed();
    const current = new ValueCell<Session | null>(fakeSession(feed));
    const seen: CgroupTreePayload[] = [];
    const subscription = cgroupsTreeTopic(current, 'n1', (payload) => seen.push(payload));

    expect(seen).toHaveLength(1);
    expect(seen[0].structure?.rows).toEqual([]);
    expect(seen[0].note).toBe("Waiting for the first scrape of n1's cAdvisor…");

    feed.scrape('cad', LABELS, 1_000_500, scrape(10, 1_000_000));
    vi.advanceTimersByTime(300);
    expect(seen).toHaveLength(2);
    // The root's 10 CPU-seconds beyond kubepods' 5 show as an unaccounted row.
    expect(seen[1].structure?.rows.map((row) => row.segment)).toEqual(['/', 'kubepods', '#unaccounted']);
    expect(seen[1].note).toMatch(/^One reading so far/);
    expect(seen[1].figures.cpuUsageSeconds).toEqual([10, 5, 5]);

    // Another target's scrape changes nothing here: nothing is sent.
    feed.scrape('ne', { job: 'ne' }, 1_000_600, 'node_load1 1');
    vi.advanceTimersByTime(300);
    expect(seen).toHaveLength(2);

    // The second reading: rates, and the same structure is not sent again.
    feed.scrape('cad', LABELS, 1_010_500, scrape(30, 1_010_000));
    vi.advanceTimersByTime(300);
    expect(seen).toHaveLength(3);
    expect(seen[2].structure).toBeNull();
    expect(seen[2].structureId).toBe(seen[1].structureId);
    expect(seen[2].figures.cpuCores).toEqual([2, 1, 1]);
    expect(seen[2].note).toBeNull();

    current.set(null);
    expect(seen.at(-1)?.structure?.rows).toEqual([]);
    void subscription.dispose();
  });

  it('says when the node has no cAdvisor target, and charts a cgroup once it has readings', () => {
    const feed = new StoreFeed();
    const current = new ValueCell<Session | null>(fakeSession(feed));
    const trees: CgroupTreePayload[] = [];
    void cgroupsTreeTopic(current, 'n2', (payload) => trees.push(payload));
    expect(trees[0].note).toBe('Node n2 is not in this cluster; pick another node.');

    const charts: CgroupSeriesPayload[] = [];
    const subscription = cgroupSeriesTopic(current, 'n1', '/kubepods', (payload) => charts.push(payload));
    expect(charts[0].note).toBe("The cgroup /kubepods is not in n1's newest cAdvisor scrape.");
    feed.scrape('cad', LABELS, 1_000_500, scrape(10, 1_000_000));
    feed.scrape('cad', LABELS, 1_010_500, scrape(30, 1_010_000));
    vi.advanceTimersByTime(300);
    const last = charts.at(-1)!;
    expect(last.kind).toBe('slice');
    const cpu = last.panels.find((panel) => panel.id === 'cpu')!;
    expect(cpu.xs).toEqual([1_000_000, 1_010_000]);
    expect(cpu.ys[0]).toEqual([null, 1]);
    void subscription.dispose();
  });
});
