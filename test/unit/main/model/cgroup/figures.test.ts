import { describe, expect, it } from 'vitest';
import {
  computeCgroupFigures,
  machineFigures,
  summarizeTree,
  unaccountedPath,
  type CadvisorSnapshot,
} from '../../../../../main/model/cgroup/figures.js';
import { buildCgroupTree, type CgroupSample } from '../../../../../main/model/cgroup/tree.js';

const POD = '/kubepods/burstable/pod3ea3ef66-5f89-43b7-b88b-6ee26f5b18a4';
const SANDBOX = `${POD}/f8fc66b384c840c35c2b1389f7dc1a26febfe0f486ca1ec68541e64706472606`;
const APP = `${POD}/77bb57d9a0006a5ac95a6fa541b2f2a646943143fe1d906aaf70a392d9a62b83`;

function s(name: string, id: string, value: number, timestampMs: number | null, extra: Record<string, string> = {}): CgroupSample {
  return { name, labels: { container: '', id, image: '', name: '', namespace: '', pod: '', ...extra }, value, timestampMs };
}

/** Two readings 2 s apart (cAdvisor timestamps), values chosen so every figure is easy to check by hand. */
function readings(): [CadvisorSnapshot, CadvisorSnapshot] {
  const first: CgroupSample[] = [
    s('container_cpu_usage_seconds_total', POD, 10, 1_000, { cpu: 'total' }),
    s('container_cpu_user_seconds_total', POD, 6, 1_000),
    s('container_cpu_system_seconds_total', POD, 4, 1_000),
    s('container_cpu_cfs_periods_total', POD, 100, 1_000),
    s('container_cpu_cfs_throttled_periods_total', POD, 10, 1_000),
    s('container_cpu_cfs_throttled_seconds_total', POD, 1, 1_000),
    s('container_fs_reads_bytes_total', POD, 1000, 1_000, { device: '/dev/vda' }),
    s('container_fs_reads_bytes_total', POD, 500, 1_000, { device: '/dev/vdb' }),
    s('container_fs_reads_total', POD, 10, 1_000, { device: '/dev/vda' }),
    s('container_fs_reads_total', POD, 99, 1_000, { device: '/dev/shm' }),
    s('container_pressure_cpu_waiting_seconds_total', POD, 3, 1_000),
    s('container_network_receive_bytes_total', SANDBOX, 1_000, 1_000, { interface: 'eth0' }),
    s('container_network_transmit_bytes_total', SANDBOX, 100, 1_000, { interface: 'eth0' }),
    s('container_cpu_usage_seconds_total', APP, 5, 1_000, { cpu: 'total' }),
    // A counter that went backwards (container restarted in place): Prometheus treats it as a reset.
    s('container_cpu_usage_seconds_total', SANDBOX, 50, 1_000, { cpu: 'total' }),
  ];
  const second: CgroupSample[] = [
    s('container_cpu_usage_seconds_total', POD, 13, 3_000, { cpu: 'total' }),
    s('container_cpu_user_seconds_total', POD, 8, 3_000),
    s('container_cpu_system_seconds_total', POD, 5, 3_000),
    s('container_cpu_cfs_periods_total', POD, 300, 3_000),
    s('container_cpu_cfs_throttled_periods_total', POD, 60, 3_000),
    s('container_cpu_cfs_throttled_seconds_total', POD, 2, 3_000),
    s('container_spec_cpu_quota', POD, 50_000, null),
    s('container_spec_cpu_period', POD, 100_000, null),
    s('container_spec_memory_limit_bytes', POD, 268_435_456, null),
    s('container_memory_working_set_bytes', POD, 100_000_000, 3_000),
    s('container_memory_rss', POD, 60_000_000, 3_000),
    s('container_memory_cache', POD, 50_000_000, 3_000),
    s('container_memory_failcnt', POD, 0, 3_000),
    s('container_oom_events_total', POD, 2, 3_000),
    s('container_fs_reads_bytes_total', POD, 3000, 3_000, { device: '/dev/vda' }),
    s('container_fs_reads_bytes_total', POD, 1500, 3_000, { device: '/dev/vdb' }),
    s('container_fs_reads_total', POD, 30, 3_000, { device: '/dev/vda' }),
    s('container_fs_reads_total', POD, 999, 3_000, { device: '/dev/shm' }),
    s('container_pressure_cpu_waiting_seconds_total', POD, 3.5, 3_000),
    s('container_network_receive_bytes_total', SANDBOX, 5_000, 3_000, { interface: 'eth0' }),
    s('container_network_transmit_bytes_total', SANDBOX, 300, 3_000, { interface: 'eth0' }),
    s('container_cpu_usage_seconds_total', APP, 6, 3_000, { cpu: 'total' }),
    s('container_cpu_usage_seconds_total', SANDBOX, 0.5, 3_000, { cpu: 'total', image: 'registry.k8s.io/pause:3.10.1', namespace: 'scraper', pod: 'e2e-hpa' }),
    s('container_memory_working_set_bytes', APP, 70_000_000, 3_000),
  ];
  return [
    { tsMs: 1_500, samples: first },
    { tsMs: 3_500, samples: second },
  ];
}

describe('computeCgroupFigures', () => {
  it('computes rates over the cgroup sample timestamps and reads gauges as they are', () => {
    const [before, after] = readings();
    const pod = computeCgroupFigures(after, before).get(POD);
    expect(pod).toMatchObject({
      intervalMs: 2000,
      cpuUsageSeconds: 13,
      cpuCores: 1.5, // (13 - 10) / 2 s
      cpuUserCores: 1, // (8 - 6) / 2
      cpuSystemCores: 0.5,
      cpuLimitCores: 0.5, // 50 000 / 100 000 µs
      throttledShare: 0.25, // (60 - 10) / (300 - 100)
      cpuThrottledCores: 0.5,
      memoryWorkingSetBytes: 100_000_000,
      memoryRssBytes: 60_000_000,
      memoryCacheBytes: 50_000_000,
      memoryLimitBytes: 268_435_456,
      memoryFailcnt: 0,
      oomEvents: 2,
      ioReadBytes: 4500, // /dev/vda + /dev/vdb
      ioReadBytesPerSec: 1500, // (4500 - 1500) / 2
      ioReadOpsPerSec: 10, // /dev/shm is a tmpfs, not a block device
      pressureCpuWaitingShare: 0.25,
      // The pod gets its sandbox's network.
      networkRxBytesPerSec: 2000,
      networkTxBytesPerSec: 100,
    });
    // Not reported at all: absent, not zero.
    expect(pod?.memoryUsageBytes).toBeNull();
    expect(pod?.memorySwapBytes).toBeNull();
    expect(pod?.ioWriteBytesPerSec).toBeNull();
    expect(pod?.pressureIoStalledShare).toBeNull();
    expect(pod?.processes).toBeNull();
  });

  it('treats a decreasing counter as a reset', () => {
    const [before, after] = readings();
    expect(computeCgroupFigures(after, before).get(SANDBOX)?.cpuCores).toBe(0.25); // 0.5 / 2 s
  });

  it('has no rates with a single reading, but keeps cumulative figures', () => {
    const [, after] = readings();
    const pod = computeCgroupFigures(after).get(POD);
    expect(pod).toMatchObject({ intervalMs: null, cpuCores: null, throttledShare: null, networkRxBytesPerSec: null, cpuUsageSeconds: 13, ioReadBytes: 4500, oomEvents: 2 });
  });

  it('sums per-CPU usage when there is no cpu="total" series (kubelet 1.15) and uses the scrape time without timestamps', () => {
    const perCpu = (value0: number, value1: number): CgroupSample[] => [
      s('container_cpu_usage_seconds_total', '/', value0, null, { cpu: 'cpu00' }),
      s('container_cpu_usage_seconds_total', '/', value1, null, { cpu: 'cpu01' }),
    ];
    const figures = computeCgroupFigures({ tsMs: 20_000, samples: perCpu(104, 210) }, { tsMs: 10_000, samples: perCpu(100, 200) }).get('/');
    expect(figures).toMatchObject({ cpuUsageSeconds: 314, cpuCores: 1.4, intervalMs: 10_000 });
  });

  it('reads unlimited memory as null: 0, and a limit at or above the machine memory', () => {
    const samples: CgroupSample[] = [
      { name: 'machine_memory_bytes', labels: { boot_id: 'b' }, value: 1_000_000, timestampMs: null },
      s('container_spec_memory_limit_bytes', '/a', 0, null),
      s('container_spec_memory_limit_bytes', '/b', 1_000_000, null),
      s('container_spec_memory_limit_bytes', '/c', 999_999, null),
    ];
    const figures = computeCgroupFigures({ tsMs: 0, samples });
    expect([figures.get('/a')?.memoryLimitBytes, figures.get('/b')?.memoryLimitBytes, figures.get('/c')?.memoryLimitBytes]).toEqual([null, null, 999_999]);
    expect(figures.get('/a')?.cpuLimitCores).toBeNull();
    expect(machineFigures({ tsMs: 0, samples })).toEqual({ cpuCores: null, memoryBytes: 1_000_000 });
  });

  it('prefers blkio per-device usage for bytes when present', () => {
    const samples: CgroupSample[] = [
      s('container_blkio_device_usage_total', '/x', 4096, 1, { device: '/dev/vda', major: '254', minor: '0', operation: 'Read' }),
      s('container_blkio_device_usage_total', '/x', 8192, 1, { device: '/dev/vda', major: '254', minor: '0', operation: 'Write' }),
      s('container_blkio_device_usage_total', '/x', 7, 1, { device: '/dev/vda', major: '254', minor: '0', operation: 'Total' }),
      s('container_fs_reads_bytes_total', '/x', 1, 1, { device: '/dev/vda' }),
    ];
    expect(computeCgroupFigures({ tsMs: 1, samples }).get('/x')).toMatchObject({ ioReadBytes: 4096, ioWriteBytes: 8192 });
  });
});

describe('summarizeTree', () => {
  it('adds an unaccounted row where a parent exceeds its children, and counts each pod once', () => {
    const [before, after] = readings();
    const figures = computeCgroupFigures(after, before);
    const tree = buildCgroupTree({ samples: after.samples });
    const summary = summarizeTree(tree, figures);

    const findNode = (path: string) => {
      const stack = [summary.root];
      while (stack.length) {
        const node = stack.pop()!;
        if (node.path === path) return node;
        stack.push(...node.children);
      }
      return undefined;
    };
    const pod = findNode(POD);
    // Pod 1.5 cores; sandbox 0.25 + app 0.5 = 0.75 → 0.75 unaccounted (> 0.01 and > 5 %).
    // Memory: pod 100 MB, app 70 MB (the sandbox reports none) → 30 MB unaccounted.
    const row = findNode(unaccountedPath(POD));
    expect(pod?.children.map((child) => child.kind)).toEqual(['container', 'sandbox', 'unaccounted']);
    expect(row?.figures?.cpuCores).toBeCloseTo(0.75, 12);
    expect(row?.figures?.memoryWorkingSetBytes).toBe(30_000_000);
    expect(row).toMatchObject({ kind: 'unaccounted', name: '(unaccounted)', qos: 'burstable' });
    expect(row?.figures?.ioReadBytesPerSec).toBeNull();

    // One pod; its CPU counted from the pod cgroup (1.5), not pod + sandbox + app (2.25).
    expect(summary.totals).toEqual({ pods: 1, containers: 1, sandboxes: 1, podsCpuCores: 1.5, podsCpuUsageSeconds: 13, podsMemoryWorkingSetBytes: 100_000_000 });
  });

  it('adds no row when children add up within the thresholds', () => {
    const samples: CgroupSample[] = [
      s('container_memory_working_set_bytes', '/system.slice', 100 * 2 ** 20, 1),
      s('container_memory_working_set_bytes', '/system.slice/a.service', 60 * 2 ** 20, 1),
      s('container_memory_working_set_bytes', '/system.slice/b.service', 39.5 * 2 ** 20, 1),
      // 0.5 MiB missing: under the 1 MiB floor.
      s('container_memory_working_set_bytes', '/user.slice', 100 * 2 ** 20, 1),
      s('container_memory_working_set_bytes', '/user.slice/user-1000.slice', 96 * 2 ** 20, 1),
      // 4 MiB missing: over the floor but under 5 % of 100 MiB.
    ];
    const summary = summarizeTree(buildCgroupTree({ samples }), computeCgroupFigures({ tsMs: 1, samples }));
    const kinds: string[] = [];
    const stack = [summary.root];
    while (stack.length) {
      const node = stack.pop()!;
      kinds.push(node.kind);
      stack.push(...node.children);
    }
    expect(kinds).not.toContain('unaccounted');
    expect(summary.totals).toEqual({ pods: 0, containers: 0, sandboxes: 0, podsCpuCores: null, podsCpuUsageSeconds: null, podsMemoryWorkingSetBytes: null });
  });

  it('sums a pod from its children only when the pod cgroup itself was not reported', () => {
    const samples: CgroupSample[] = [
      s('container_memory_working_set_bytes', APP, 70, 1, { container: 'php-apache', pod: 'p', namespace: 'n' }),
      s('container_memory_working_set_bytes', SANDBOX, 5, 1, { pod: 'p', namespace: 'n', image: 'registry.k8s.io/pause:3.10.1' }),
    ];
    const summary = summarizeTree(buildCgroupTree({ samples }), computeCgroupFigures({ tsMs: 1, samples }));
    expect(summary.totals).toMatchObject({ pods: 1, containers: 1, sandboxes: 1, podsMemoryWorkingSetBytes: 75 });
  });
});
