import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectCgroupLayout } from '../../../../../main/transport/local-host/cgroup-layout.js';
import { LocalCgroupReader, listLocalCgroupIds, readLocalCgroupExposition, readLocalCgroupFamilies } from '../../../../../main/transport/local-host/cgroup-reader.js';
import type { MetricFamily } from '../../../../../main/transport/local-host/exposition-writer.js';
import { AppError } from '../../../../../main/util/app-error.js';
import { SYNTHETIC_PROC, writeTree } from '../../../../helpers/cgroup-fs.js';
import { tempDir } from '../../../../helpers/processes.js';

/** An exposition parser that is not ours (npm parse-prometheus-text-format, untyped), as an oracle for the writer. */
const parsePrometheusTextFormat = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => unknown;

const NOW = 1_700_000_000_000;
const POD = 'kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0424a739_74d9_46f1_ba60_b5dcefb83545.slice';
const CONTAINER = `${POD}/cri-containerd-${'7d924b29ef7dfeb7d40ca7a5c7ede6ff080fa22db6649b27e069ff2ab3ac91b2'}.scope`;

/** The value of the one sample of `name` for cgroup `id` (and extra labels), or undefined. */
function valueOf(families: MetricFamily[], name: string, id: string, extra: Record<string, string> = {}): number | undefined {
  const family = families.find((candidate) => candidate.name === name);
  const matches = family?.samples.filter((sample) => sample.labels.id === id && Object.entries(extra).every(([key, value]) => sample.labels[key] === value)) ?? [];
  if (matches.length > 1) throw new Error(`${matches.length} samples of ${name} for ${id}`);
  return matches[0]?.value;
}

let dir: { path: string; remove: () => void };
let cgroupRoot: string;
let procRoot: string;

beforeEach(() => {
  dir = tempDir('slicewise-cgroupfs-');
  cgroupRoot = join(dir.path, 'cgroup');
  procRoot = join(dir.path, 'proc');
  writeTree(procRoot, SYNTHETIC_PROC);
});

afterEach(() => dir.remove());

const read = () => readLocalCgroupFamilies(cgroupRoot, { procRoot, nowMs: () => NOW });

describe('local cgroup reader, pure cgroup v2', () => {
  beforeEach(() => {
    writeTree(cgroupRoot, {
      'cgroup.controllers': 'cpuset cpu io memory pids\n',
      'cgroup.procs': '1\n',
      // The v2 root: cpu.stat without CFS counters, memory.stat but no memory.current.
      'cpu.stat': 'usage_usec 5000000\nuser_usec 3000000\nsystem_usec 2000000\n',
      'memory.stat': 'anon 1000000\nfile 500000\ninactive_file 200000\nfile_mapped 4096\n',
      'io.stat': '8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n',
      'cpu.pressure': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=2500000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=1000000\n',
      'memory.pressure': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=300\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=100\n',
      [`${POD}/cgroup.procs`]: '',
      [`${POD}/cpu.stat`]: 'usage_usec 3000000\nuser_usec 2000000\nsystem_usec 1000000\nnr_periods 400\nnr_throttled 40\nthrottled_usec 1500000\n',
      [`${POD}/cpu.max`]: '50000 100000\n',
      [`${POD}/cpu.weight`]: '100\n',
      [`${POD}/memory.current`]: '1048576\n',
      [`${POD}/memory.stat`]: 'anon 524288\nfile 262144\ninactive_file 131072\nfile_mapped 8192\n',
      [`${POD}/memory.max`]: '268435456\n',
      [`${POD}/memory.events`]: 'low 0\nhigh 0\nmax 3\noom 2\noom_kill 1\noom_group_kill 0\n',
      [`${POD}/memory.peak`]: '2097152\n',
      [`${POD}/memory.swap.current`]: '0\n',
      [`${POD}/io.stat`]: '8:0 rbytes=1024 wbytes=2048 rios=4 wios=8 dbytes=0 dios=0\n',
      [`${POD}/pids.current`]: '7\n',
      [`${POD}/pids.max`]: 'max\n',
      [`${POD}/io.pressure`]: 'some avg10=0.00 avg60=0.00 avg300=0.00 total=7000000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=5000000\n',
      [`${CONTAINER}/cgroup.procs`]: '42\n',
      [`${CONTAINER}/cpu.stat`]: 'usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n',
      [`${CONTAINER}/cpu.max`]: 'max 100000\n',
      [`${CONTAINER}/memory.current`]: '900000\n',
      [`${CONTAINER}/memory.stat`]: 'anon 500000\nfile 400000\ninactive_file 1000000\n',
      [`${CONTAINER}/memory.max`]: 'max\n',
      'system.slice/cgroup.procs': '',
    });
  });

  it('detects the layout', () => {
    const layout = detectCgroupLayout(cgroupRoot);
    expect(layout.mode).toBe('v2');
    expect(layout.unified?.dir).toBe(cgroupRoot);
    expect(layout.v1.size).toBe(0);
  });

  it('lists every cgroup folder once', async () => {
    const reading = await read();
    expect(reading.cgroupIds).toEqual([
      '/',
      '/kubepods.slice',
      '/kubepods.slice/kubepods-burstable.slice',
      `/${POD}`,
      `/${CONTAINER}`,
      '/system.slice',
    ]);
    expect(listLocalCgroupIds(cgroupRoot)).toEqual(reading.cgroupIds);
  });

  it('reads CPU, memory, IO, pressure and threads the way cAdvisor reports them', async () => {
    const { families, cgroupIds } = await read();
    // Every cgroup is seen, figures or not (epoch seconds).
    expect(families.find((family) => family.name === 'container_last_seen')?.samples.map((sample) => [sample.labels.id, sample.value])).toEqual(cgroupIds.map((id) => [id, 1_700_000_000]));
    const pod = `/${POD}`;
    // µs → s
    expect(valueOf(families, 'container_cpu_usage_seconds_total', '/', { cpu: 'total' })).toBe(5);
    expect(valueOf(families, 'container_cpu_usage_seconds_total', pod, { cpu: 'total' })).toBe(3);
    expect(valueOf(families, 'container_cpu_user_seconds_total', pod)).toBe(2);
    expect(valueOf(families, 'container_cpu_system_seconds_total', pod)).toBe(1);
    // cpu.max "50000 100000"; CFS counters only where a quota is set.
    expect(valueOf(families, 'container_spec_cpu_quota', pod)).toBe(50000);
    expect(valueOf(families, 'container_spec_cpu_period', pod)).toBe(100000);
    expect(valueOf(families, 'container_cpu_cfs_periods_total', pod)).toBe(400);
    expect(valueOf(families, 'container_cpu_cfs_throttled_periods_total', pod)).toBe(40);
    expect(valueOf(families, 'container_cpu_cfs_throttled_seconds_total', pod)).toBe(1.5);
    expect(valueOf(families, 'container_spec_cpu_quota', `/${CONTAINER}`)).toBeUndefined();
    expect(valueOf(families, 'container_cpu_cfs_periods_total', `/${CONTAINER}`)).toBeUndefined();
    // weight 100 → shares 2 + 99 × 262142 / 9999 = 2597.5… → 2597 (rounded half away: 2597.47)
    expect(valueOf(families, 'container_spec_cpu_shares', pod)).toBe(2597);
    // Memory: working set = current − inactive_file.
    expect(valueOf(families, 'container_memory_usage_bytes', pod)).toBe(1048576);
    expect(valueOf(families, 'container_memory_working_set_bytes', pod)).toBe(1048576 - 131072);
    expect(valueOf(families, 'container_memory_rss', pod)).toBe(524288);
    expect(valueOf(families, 'container_memory_cache', pod)).toBe(262144);
    expect(valueOf(families, 'container_memory_mapped_file', pod)).toBe(8192);
    expect(valueOf(families, 'container_memory_max_usage_bytes', pod)).toBe(2097152);
    expect(valueOf(families, 'container_spec_memory_limit_bytes', pod)).toBe(268435456);
    expect(valueOf(families, 'container_memory_failcnt', pod)).toBe(3);
    expect(valueOf(families, 'container_oom_events_total', pod)).toBe(1);
    // Unlimited is 0; a working set below zero (inactive file > usage) floors at 0.
    expect(valueOf(families, 'container_spec_memory_limit_bytes', `/${CONTAINER}`)).toBe(0);
    expect(valueOf(families, 'container_memory_working_set_bytes', `/${CONTAINER}`)).toBe(0);
    // The root: usage = anon + file (runc), working set = that − inactive_file.
    expect(valueOf(families, 'container_memory_usage_bytes', '/')).toBe(1_500_000);
    expect(valueOf(families, 'container_memory_working_set_bytes', '/')).toBe(1_300_000);
    // IO per device, named from /proc/diskstats.
    expect(valueOf(families, 'container_fs_reads_bytes_total', pod, { device: '/dev/sda' })).toBe(1024);
    expect(valueOf(families, 'container_fs_writes_bytes_total', pod, { device: '/dev/sda' })).toBe(2048);
    expect(valueOf(families, 'container_fs_reads_total', pod, { device: '/dev/sda' })).toBe(4);
    expect(valueOf(families, 'container_fs_writes_total', pod, { device: '/dev/sda' })).toBe(8);
    expect(valueOf(families, 'container_blkio_device_usage_total', pod, { device: '/dev/sda', major: '8', minor: '0', operation: 'Write' })).toBe(2048);
    expect(valueOf(families, 'container_fs_reads_bytes_total', '/', { device: '/dev/sda' })).toBe(4096);
    // PSI totals µs → s; some → waiting, full → stalled.
    expect(valueOf(families, 'container_pressure_cpu_waiting_seconds_total', '/')).toBe(2.5);
    expect(valueOf(families, 'container_pressure_cpu_stalled_seconds_total', '/')).toBe(1);
    expect(valueOf(families, 'container_pressure_memory_waiting_seconds_total', '/')).toBe(0.0003);
    expect(valueOf(families, 'container_pressure_io_waiting_seconds_total', pod)).toBe(7);
    expect(valueOf(families, 'container_pressure_io_stalled_seconds_total', pod)).toBe(5);
    expect(valueOf(families, 'container_pressure_cpu_waiting_seconds_total', pod)).toBeUndefined();
    expect(valueOf(families, 'container_threads', pod)).toBe(7);
    expect(valueOf(families, 'container_threads_max', pod)).toBe(0);
    // What is not there is absent, not zero.
    expect(valueOf(families, 'container_cpu_usage_seconds_total', '/system.slice', { cpu: 'total' })).toBeUndefined();
    expect(valueOf(families, 'container_memory_usage_bytes', '/system.slice')).toBeUndefined();
    // Host network on the root, loopback left out; machine figures from /proc.
    expect(valueOf(families, 'container_network_receive_bytes_total', '/', { interface: 'eth0' })).toBe(5_000_000);
    expect(valueOf(families, 'container_network_transmit_packets_dropped_total', '/', { interface: 'eth0' })).toBe(4);
    expect(valueOf(families, 'container_network_receive_bytes_total', '/', { interface: 'lo' })).toBeUndefined();
    expect(families.find((family) => family.name === 'machine_cpu_cores')?.samples[0].value).toBe(2);
    expect(families.find((family) => family.name === 'machine_memory_bytes')?.samples[0].value).toBe(4194304 * 1024);
  });

  it('writes exposition text that an independent parser reads back, with the kubelet label set and timestamps', async () => {
    const text = await readLocalCgroupExposition(cgroupRoot, { procRoot, nowMs: () => NOW });
    const families = parsePrometheusTextFormat(text) as { name: string; type: string; metrics: { labels?: Record<string, string>; value?: string; timestamp_ms?: string }[] }[];
    const usage = families.find((family) => family.name === 'container_cpu_usage_seconds_total');
    expect(usage?.type).toBe('COUNTER');
    expect(usage?.metrics.find((metric) => metric.labels?.id === `/${POD}`)).toEqual({
      labels: { container: '', cpu: 'total', id: `/${POD}`, image: '', name: '', namespace: '', pod: '' },
      value: '3',
      timestamp_ms: String(NOW),
    });
    // Spec series carry no timestamp, as in cAdvisor.
    expect(families.find((family) => family.name === 'container_spec_cpu_quota')?.metrics[0]).toEqual({
      labels: { container: '', id: `/${POD}`, image: '', name: '', namespace: '', pod: '' },
      value: '50000',
    });
    expect(text.split('\n').filter((line) => line.startsWith('# TYPE')).length).toBe(families.length);
  });
});

describe('local cgroup reader, pure cgroup v1', () => {
  beforeEach(() => {
    writeTree(cgroupRoot, {
      // cpu and cpuacct co-mounted, with the usual symlinks; blkio without the _recursive files.
      'cpu,cpuacct/cgroup.procs': '1\n',
      'cpu,cpuacct/cpuacct.usage': '12000000000\n',
      'cpu,cpuacct/cpuacct.stat': 'user 800\nsystem 300\n',
      'cpu,cpuacct/cpu.cfs_quota_us': '-1\n',
      'cpu,cpuacct/cpu.cfs_period_us': '100000\n',
      'cpu,cpuacct/cpu.shares': '1024\n',
      'cpu,cpuacct/cpu.stat': 'nr_periods 0\nnr_throttled 0\nthrottled_time 0\n',
      'cpu,cpuacct/system.slice/docker.service/cgroup.procs': '',
      'cpu,cpuacct/system.slice/docker.service/cpuacct.usage': '2500000000\n',
      'cpu,cpuacct/system.slice/docker.service/cpuacct.stat': 'user 150\nsystem 50\n',
      'cpu,cpuacct/system.slice/docker.service/cpu.cfs_quota_us': '20000\n',
      'cpu,cpuacct/system.slice/docker.service/cpu.cfs_period_us': '100000\n',
      'cpu,cpuacct/system.slice/docker.service/cpu.shares': '512\n',
      'cpu,cpuacct/system.slice/docker.service/cpu.stat': 'nr_periods 1000\nnr_throttled 250\nthrottled_time 3000000000\n',
      'cpu,cpuacct/system.slice/cgroup.procs': '',
      cpu: { symlink: 'cpu,cpuacct' },
      cpuacct: { symlink: 'cpu,cpuacct' },
      'memory/cgroup.procs': '1\n',
      'memory/memory.usage_in_bytes': '3000000000\n',
      'memory/memory.limit_in_bytes': '9223372036854771712\n',
      'memory/memory.stat': 'cache 100\nrss 200\ntotal_cache 1000000000\ntotal_rss 1500000000\ntotal_mapped_file 5000\ntotal_swap 0\ntotal_inactive_file 400000000\n',
      'memory/memory.failcnt': '0\n',
      'memory/memory.max_usage_in_bytes': '3500000000\n',
      'memory/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
      'memory/system.slice/cgroup.procs': '',
      'memory/system.slice/docker.service/cgroup.procs': '',
      'memory/system.slice/docker.service/memory.usage_in_bytes': '300000000\n',
      'memory/system.slice/docker.service/memory.limit_in_bytes': '536870912\n',
      'memory/system.slice/docker.service/memory.stat': 'total_cache 100000000\ntotal_rss 150000000\ntotal_inactive_file 50000000\n',
      'memory/system.slice/docker.service/memory.failcnt': '12\n',
      'memory/system.slice/docker.service/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n',
      'blkio/cgroup.procs': '1\n',
      'blkio/system.slice/docker.service/cgroup.procs': '',
      'blkio/system.slice/docker.service/blkio.throttle.io_service_bytes': '8:0 Read 65536\n8:0 Write 131072\n8:0 Sync 0\n8:0 Async 196608\n8:0 Discard 0\n8:0 Total 196608\nTotal 196608\n',
      'blkio/system.slice/docker.service/blkio.throttle.io_serviced': '8:0 Read 16\n8:0 Write 32\n8:0 Total 48\nTotal 48\n',
      'pids/cgroup.procs': '1\n',
      'pids/system.slice/docker.service/cgroup.procs': '',
      'pids/system.slice/docker.service/pids.current': '23\n',
      'pids/system.slice/docker.service/pids.max': '4915\n',
      'systemd/cgroup.procs': '1\n',
      'systemd/system.slice/docker.service/cgroup.procs': '',
      'systemd/user.slice/user-1000.slice/session-2.scope/cgroup.procs': '1000\n',
      'systemd/user.slice/cgroup.procs': '',
      'systemd/user.slice/user-1000.slice/cgroup.procs': '',
      // A hierarchy the reader does not account from (walked only with hierarchies: 'all').
      'net_cls,net_prio/cgroup.procs': '1\n',
      'net_cls,net_prio/only-here/cgroup.procs': '',
    });
  });

  it('detects controllers, following the symlinks once', () => {
    const layout = detectCgroupLayout(cgroupRoot);
    expect(layout.mode).toBe('v1');
    expect(layout.unified).toBeNull();
    expect(layout.v1.get('cpu')?.controllers).toEqual(['cpu', 'cpuacct']);
    expect(layout.v1.get('cpu')).toBe(layout.v1.get('cpuacct'));
    expect(layout.v1.get('name=systemd')?.dir).toBe(join(cgroupRoot, 'systemd'));
    expect(layout.hierarchies.map((hierarchy) => hierarchy.controllers.join(','))).toEqual(['blkio', 'cpu,cpuacct', 'memory', 'net_cls,net_prio', 'pids', 'name=systemd']);
  });

  it('lists the union of the accounting hierarchies, or of all with hierarchies: "all"', () => {
    const accounting = ['/', '/system.slice', '/system.slice/docker.service', '/user.slice', '/user.slice/user-1000.slice', '/user.slice/user-1000.slice/session-2.scope'];
    expect(listLocalCgroupIds(cgroupRoot)).toEqual(accounting);
    expect(listLocalCgroupIds(cgroupRoot, { hierarchies: 'all' })).toEqual([...accounting.slice(0, 1), '/only-here', ...accounting.slice(1)]);
  });

  it('reads cpuacct, CFS, memory (total_* fields), blkio and pids', async () => {
    const { families } = await read();
    const docker = '/system.slice/docker.service';
    expect(valueOf(families, 'container_cpu_usage_seconds_total', '/', { cpu: 'total' })).toBe(12);
    expect(valueOf(families, 'container_cpu_user_seconds_total', '/')).toBe(8); // 800 ticks / 100 Hz
    expect(valueOf(families, 'container_cpu_system_seconds_total', '/')).toBe(3);
    expect(valueOf(families, 'container_cpu_usage_seconds_total', docker, { cpu: 'total' })).toBe(2.5);
    expect(valueOf(families, 'container_cpu_user_seconds_total', docker)).toBe(1.5);
    // No quota (-1) on the root: no quota series, no CFS counters; a period and shares still.
    expect(valueOf(families, 'container_spec_cpu_quota', '/')).toBeUndefined();
    expect(valueOf(families, 'container_cpu_cfs_periods_total', '/')).toBeUndefined();
    expect(valueOf(families, 'container_spec_cpu_period', '/')).toBe(100000);
    expect(valueOf(families, 'container_spec_cpu_shares', '/')).toBe(1024);
    expect(valueOf(families, 'container_spec_cpu_quota', docker)).toBe(20000);
    expect(valueOf(families, 'container_cpu_cfs_periods_total', docker)).toBe(1000);
    expect(valueOf(families, 'container_cpu_cfs_throttled_periods_total', docker)).toBe(250);
    expect(valueOf(families, 'container_cpu_cfs_throttled_seconds_total', docker)).toBe(3); // ns → s
    // Memory, hierarchical total_* fields; the v1 "unlimited" 9223372036854771712 → 0.
    expect(valueOf(families, 'container_memory_usage_bytes', '/')).toBe(3e9);
    expect(valueOf(families, 'container_memory_working_set_bytes', '/')).toBe(2.6e9);
    expect(valueOf(families, 'container_memory_rss', '/')).toBe(1.5e9);
    expect(valueOf(families, 'container_memory_cache', '/')).toBe(1e9);
    expect(valueOf(families, 'container_memory_max_usage_bytes', '/')).toBe(3.5e9);
    expect(valueOf(families, 'container_spec_memory_limit_bytes', '/')).toBe(0);
    expect(valueOf(families, 'container_spec_memory_limit_bytes', docker)).toBe(536870912);
    expect(valueOf(families, 'container_memory_working_set_bytes', docker)).toBe(250_000_000);
    expect(valueOf(families, 'container_memory_failcnt', docker)).toBe(12);
    expect(valueOf(families, 'container_oom_events_total', docker)).toBe(2);
    // blkio, non-recursive files as the fallback.
    expect(valueOf(families, 'container_fs_reads_bytes_total', docker, { device: '/dev/sda' })).toBe(65536);
    expect(valueOf(families, 'container_fs_writes_bytes_total', docker, { device: '/dev/sda' })).toBe(131072);
    expect(valueOf(families, 'container_fs_reads_total', docker, { device: '/dev/sda' })).toBe(16);
    expect(valueOf(families, 'container_fs_writes_total', docker, { device: '/dev/sda' })).toBe(32);
    expect(valueOf(families, 'container_threads', docker)).toBe(23);
    expect(valueOf(families, 'container_threads_max', docker)).toBe(4915);
    // v1 has no PSI; systemd-only cgroups have no figures at all.
    expect(families.some((family) => family.name.startsWith('container_pressure_'))).toBe(false);
    expect(families.filter((family) => family.samples.some((sample) => sample.labels.id === '/user.slice')).map((family) => family.name)).toEqual(['container_last_seen']);
  });
});

describe('local cgroup reader, hybrid (v1 controllers + cgroup2 at unified)', () => {
  beforeEach(() => {
    writeTree(cgroupRoot, {
      'cpuacct/cgroup.procs': '1\n',
      'cpuacct/cpuacct.usage': '1000000000\n',
      'cpuacct/cpuacct.stat': 'user 60\nsystem 40\n',
      'memory/cgroup.procs': '1\n',
      'memory/memory.usage_in_bytes': '1000\n',
      'memory/memory.stat': 'total_inactive_file 100\n',
      'memory/app/cgroup.procs': '',
      'memory/app/memory.usage_in_bytes': '500\n',
      'memory/app/memory.stat': 'total_inactive_file 50\n',
      'systemd/cgroup.procs': '1\n',
      'systemd/init.scope/cgroup.procs': '1\n',
      'unified/cgroup.controllers': '',
      'unified/cgroup.procs': '1\n',
      // cgroup2 has cpu.stat everywhere, but CPU is accounted by the v1 cpuacct controller here.
      'unified/cpu.stat': 'usage_usec 99000000\nuser_usec 0\nsystem_usec 0\n',
      'unified/cpu.pressure': 'some avg10=6.59 avg60=5.64 avg300=4.82 total=51460594\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
      'unified/io.pressure': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=8210892\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=6738807\n',
      'unified/init.scope/cgroup.procs': '1\n',
      'unified/init.scope/cpu.pressure': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=1000000\n',
    });
  });

  it('detects hybrid and takes each figure from the hierarchy that accounts it', async () => {
    const layout = detectCgroupLayout(cgroupRoot);
    expect(layout.mode).toBe('hybrid');
    expect(layout.unified?.dir).toBe(join(cgroupRoot, 'unified'));
    const { families, cgroupIds } = await read();
    expect(cgroupIds).toEqual(['/', '/app', '/init.scope']);
    expect(valueOf(families, 'container_cpu_usage_seconds_total', '/', { cpu: 'total' })).toBe(1);
    expect(valueOf(families, 'container_cpu_user_seconds_total', '/')).toBe(0.6);
    expect(valueOf(families, 'container_memory_working_set_bytes', '/')).toBe(900);
    expect(valueOf(families, 'container_memory_working_set_bytes', '/app')).toBe(450);
    expect(valueOf(families, 'container_pressure_cpu_waiting_seconds_total', '/')).toBe(51.460594);
    expect(valueOf(families, 'container_pressure_cpu_stalled_seconds_total', '/')).toBe(0);
    expect(valueOf(families, 'container_pressure_io_stalled_seconds_total', '/')).toBe(6.738807);
    expect(valueOf(families, 'container_pressure_cpu_waiting_seconds_total', '/init.scope')).toBe(1);
    expect(valueOf(families, 'container_pressure_cpu_stalled_seconds_total', '/init.scope')).toBeUndefined();
    // Only the memory hierarchy has /app, and no v1 cpuacct folder: no CPU for it.
    expect(valueOf(families, 'container_cpu_usage_seconds_total', '/app', { cpu: 'total' })).toBeUndefined();
  });
});

describe('LocalCgroupReader across readings', () => {
  beforeEach(() => {
    writeTree(cgroupRoot, {
      'cgroup.controllers': 'cpu memory\n',
      'cpu.stat': 'usage_usec 1000000\n',
      'a.slice/cgroup.procs': '',
      'a.slice/cpu.stat': 'usage_usec 2000000\n',
      'a.slice/memory.max': '1048576\n',
      'b.slice/cgroup.procs': '',
      'b.slice/cpu.stat': 'usage_usec 3000000\n',
    });
  });

  const openFds = () => readdirSync('/proc/self/fd').length;

  it('keeps files open between readings yet reads fresh values, and re-reads limits only after specRefreshMs', async () => {
    let nowMs = 1_000_000;
    const fdsBefore = openFds();
    const reader = new LocalCgroupReader(cgroupRoot, { procRoot, nowMs: () => nowMs, specRefreshMs: 10_000 });
    try {
      const first = await reader.read();
      expect(valueOf(first.families, 'container_cpu_usage_seconds_total', '/a.slice', { cpu: 'total' })).toBe(2);
      expect(openFds()).toBeGreaterThan(fdsBefore);
      writeFileSync(join(cgroupRoot, 'a.slice/cpu.stat'), 'usage_usec 2500000\n');
      writeFileSync(join(cgroupRoot, 'a.slice/memory.max'), '2097152\n');
      nowMs += 5_000;
      const second = await reader.read();
      expect(valueOf(second.families, 'container_cpu_usage_seconds_total', '/a.slice', { cpu: 'total' })).toBe(2.5);
      // The limit is still the one read 5 s ago…
      expect(valueOf(second.families, 'container_spec_memory_limit_bytes', '/a.slice')).toBe(1048576);
      // …and not read again: one file fewer than the first reading.
      expect(second.fileReads).toBe(first.fileReads - 1);
      nowMs += 6_000;
      const third = await reader.read();
      expect(valueOf(third.families, 'container_spec_memory_limit_bytes', '/a.slice')).toBe(2097152);
    } finally {
      reader.dispose();
    }
    expect(openFds()).toBe(fdsBefore);
  });

  it('drops a cgroup removed between readings', async () => {
    const reader = new LocalCgroupReader(cgroupRoot, { procRoot });
    try {
      expect((await reader.read()).cgroupIds).toEqual(['/', '/a.slice', '/b.slice']);
      rmSync(join(cgroupRoot, 'b.slice'), { recursive: true });
      const after = await reader.read();
      expect(after.cgroupIds).toEqual(['/', '/a.slice']);
      expect(valueOf(after.families, 'container_cpu_usage_seconds_total', '/b.slice', { cpu: 'total' })).toBeUndefined();
    } finally {
      reader.dispose();
    }
  });

  it('keeps no files open with a zero budget, and the one-off functions leave none open', async () => {
    const fdsBefore = openFds();
    const reader = new LocalCgroupReader(cgroupRoot, { procRoot, openFileBudget: 0 });
    const reading = await reader.read();
    expect(openFds()).toBe(fdsBefore);
    expect(valueOf(reading.families, 'container_cpu_usage_seconds_total', '/b.slice', { cpu: 'total' })).toBe(3);
    reader.dispose();
    await readLocalCgroupExposition(cgroupRoot, { procRoot });
    expect(openFds()).toBe(fdsBefore);
  });
});

describe('local cgroup reader errors', () => {
  it('says what to do when there are no cgroups', async () => {
    await expect(readLocalCgroupFamilies(join(dir.path, 'missing'), { procRoot })).rejects.toThrow(AppError);
    await expect(readLocalCgroupFamilies(join(dir.path, 'missing'), { procRoot })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/Cannot read cgroups from .*missing/) });
    writeTree(join(dir.path, 'empty'), { 'README': 'not a cgroup' });
    expect(() => detectCgroupLayout(join(dir.path, 'empty'))).toThrow(/no cgroup hierarchy is mounted there/);
  });
});
