import { describe, expect, it } from 'vitest';
import { cgroupCharts, cgroupTreeOfTarget, networkPathOf } from '../../../../../main/model/cgroup/series.js';
import { StoreFeed } from '../../../../helpers/store-feed.js';

const LABELS = { job: 'kubernetes-nodes-cadvisor', instance: 'n1', node: 'n1' };
const POD = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0a1b2c3d_0000_4000_8000_000000000001.slice';
const APP = `${POD}/cri-containerd-${'a'.repeat(64)}.scope`;
const SANDBOX = `${POD}/cri-containerd-${'b'.repeat(64)}.scope`;
const MIB = 2 ** 20;
const STAMP0 = 1_000_000;

/** Scrape k of a burstable pod: its nginx container and sandbox, cAdvisor collecting every 10 s (sandbox 7 ms later). */
function scrape(k: number): string {
  const t = STAMP0 + k * 10_000;
  const app = `container="nginx",id="${APP}",image="nginx:1.22",namespace="web",pod="web-1"`;
  const sandbox = `id="${SANDBOX}",image="registry.k8s.io/pause:3.10",namespace="web",pod="web-1"`;
  const pod = `id="${POD}",namespace="web",pod="web-1"`;
  return [
    `container_last_seen{${pod}} ${t / 1000} ${t}`,
    `container_last_seen{${app}} ${t / 1000} ${t}`,
    `container_last_seen{${sandbox}} ${t / 1000} ${t + 7}`,
    `container_cpu_user_seconds_total{${app}} ${10 + 2 * k} ${t}`,
    `container_cpu_system_seconds_total{${app}} ${5 + k} ${t}`,
    `container_cpu_usage_seconds_total{cpu="total",${app}} ${15 + 3 * k} ${t}`,
    `container_spec_cpu_quota{${app}} 50000`,
    `container_spec_cpu_period{${app}} 100000`,
    `container_cpu_cfs_periods_total{${app}} ${100 + 100 * k} ${t}`,
    `container_cpu_cfs_throttled_periods_total{${app}} ${10 + 25 * k} ${t}`,
    `container_memory_working_set_bytes{${app}} ${(100 + k) * MIB} ${t}`,
    `container_memory_rss{${app}} ${80 * MIB} ${t}`,
    `container_memory_cache{${app}} ${20 * MIB} ${t}`,
    `container_spec_memory_limit_bytes{${app}} ${256 * MIB}`,
    `container_fs_reads_bytes_total{device="/dev/vda",${app}} ${1000 + 5000 * k} ${t}`,
    // Not a block device: left out of IO, as in the table.
    `container_fs_reads_bytes_total{device="/dev/shm",${app}} ${900_000 * k} ${t}`,
    `container_network_receive_bytes_total{interface="eth0",${sandbox}} ${1e6 + 1e5 * k} ${t + 7}`,
    `container_network_transmit_bytes_total{interface="eth0",${sandbox}} ${5e5 + 2e4 * k} ${t + 7}`,
    `container_cpu_usage_seconds_total{cpu="total",${pod}} ${16 + 3 * k} ${t}`,
    `container_memory_working_set_bytes{${pod}} ${(101 + k) * MIB} ${t}`,
  ].join('\n');
}

function store(): StoreFeed {
  const feed = new StoreFeed();
  for (let k = 0; k < 3; k++) feed.scrape('cad', LABELS, STAMP0 + k * 10_000 + 500, scrape(k));
  return feed;
}

describe('cgroup charts from the store', () => {
  it('draws a container: user/system cores with the limit, memory with the limit, throttling, the sandbox network, block IO', () => {
    const charts = cgroupCharts(store().store, 'cad', LABELS, APP);
    expect(charts.name).toBe('nginx');
    expect(charts.kind).toBe('container');
    const panels = Object.fromEntries(charts.panels.map((panel) => [panel.id, panel]));
    expect(charts.panels.map((panel) => panel.id)).toEqual(['cpu', 'memory', 'throttling', 'network', 'io']);
    const stamps = [STAMP0, STAMP0 + 10_000, STAMP0 + 20_000];

    // The readings are cAdvisor's collection times, not the scrape times (the spec samples are stored at those).
    expect(panels.cpu.xs).toEqual(stamps);
    expect(panels.cpu.lines).toEqual([{ label: 'user' }, { label: 'system' }, { label: 'limit', role: 'limit' }]);
    expect(panels.cpu.ys[0]).toEqual([null, 0.2, 0.2]);
    expect(panels.cpu.ys[1]).toEqual([null, 0.1, 0.1]);
    expect(panels.cpu.ys[2]).toEqual([0.5, 0.5, 0.5]);

    expect(panels.memory.lines.map((line) => line.label)).toEqual(['working set', 'RSS', 'cache', 'limit']);
    expect(panels.memory.ys[0]).toEqual([100 * MIB, 101 * MIB, 102 * MIB]);
    expect(panels.memory.ys[3]).toEqual([256 * MIB, 256 * MIB, 256 * MIB]);

    // 25 of 100 periods throttled per reading.
    expect(panels.throttling.unit).toBe('share');
    expect(panels.throttling.ys[0]).toEqual([null, 0.25, 0.25]);

    // The sandbox owns the pod's network namespace: its own readings (7 ms later), 1e5 B and 2e4 B per 10 s.
    expect(panels.network.xs).toEqual(stamps.map((t) => t + 7));
    expect(panels.network.ys).toEqual([
      [null, 10_000, 10_000],
      [null, 2000, 2000],
    ]);

    // /dev/vda only: 5000 B per 10 s; no write series, so no write line.
    expect(panels.io.lines).toEqual([{ label: 'read' }]);
    expect(panels.io.ys[0]).toEqual([null, 500, 500]);
  });

  it('gives a pod its sandbox network and total CPU when user/system are not reported', () => {
    const charts = cgroupCharts(store().store, 'cad', LABELS, POD);
    expect(charts.name).toBe('web/web-1');
    expect(charts.kind).toBe('pod');
    const cpu = charts.panels.find((panel) => panel.id === 'cpu')!;
    expect(cpu.lines).toEqual([{ label: 'total' }]);
    expect(cpu.ys[0]).toEqual([null, 0.3, 0.3]);
    expect(charts.panels.find((panel) => panel.id === 'network')?.ys[0]).toEqual([null, 10_000, 10_000]);
    // No quota on the pod: no throttling panel.
    expect(charts.panels.map((panel) => panel.id)).toEqual(['cpu', 'memory', 'network']);
  });

  it('finds the sandbox for pods, containers and the sandbox itself, and nothing for other cgroups', () => {
    const tree = cgroupTreeOfTarget(store().store, 'cad', LABELS);
    expect(tree.byPath.get(SANDBOX)?.kind).toBe('sandbox');
    expect(networkPathOf(tree, POD)).toBe(SANDBOX);
    expect(networkPathOf(tree, APP)).toBe(SANDBOX);
    expect(networkPathOf(tree, SANDBOX)).toBe(SANDBOX);
    expect(networkPathOf(tree, '/kubepods.slice')).toBe('/kubepods.slice');
  });

  it('has no name, kind or panels for a cgroup the target does not report', () => {
    expect(cgroupCharts(store().store, 'cad', LABELS, '/nope')).toEqual({ name: null, kind: null, panels: [] });
    expect(cgroupCharts(store().store, 'other', LABELS, APP)).toEqual({ name: null, kind: null, panels: [] });
  });
});
