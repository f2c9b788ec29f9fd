import { join } from 'node:path';
import { machine } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricFamily } from '../../../../../main/transport/local-host/exposition-writer.js';
import { readLocalNodeExposition, readLocalNodeFamilies } from '../../../../../main/transport/local-host/node-reader.js';
import { readSamples } from '../../../../../main/scrape/exposition/samples.js';
import { SYNTHETIC_PROC, writeTree } from '../../../../helpers/cgroup-fs.js';
import { tempDir } from '../../../../helpers/processes.js';

function valueOf(families: MetricFamily[], name: string, labels: Record<string, string> = {}): number | undefined {
  const matches = families.find((family) => family.name === name)?.samples.filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value)) ?? [];
  if (matches.length > 1) throw new Error(`${matches.length} samples of ${name}`);
  return matches[0]?.value;
}

let dir: { path: string; remove: () => void };
let procRoot: string;
let sysRoot: string;

beforeEach(() => {
  dir = tempDir('slicewise-proc-');
  procRoot = join(dir.path, 'proc');
  sysRoot = join(dir.path, 'sys');
  writeTree(procRoot, {
    ...SYNTHETIC_PROC,
    stat:
      'cpu  3000 20 1000 50000 300 0 40 0 0 0\n' +
      'cpu0 1500 10 500 25000 150 0 20 0 7 3\n' +
      'cpu1 1500 10 500 25000 150 0 20 0 0 0\n' +
      'intr 123456 0 9 0\nctxt 987654\nbtime 1700000000\nprocesses 4242\nprocs_running 3\nprocs_blocked 1\nsoftirq 1 2 3\n',
    loadavg: '0.50 0.25 0.10 2/345 6789\n',
    'sys/kernel/ostype': 'Linux\n',
    'sys/kernel/osrelease': '6.1.0-test\n',
    'sys/kernel/version': '#1 SMP PREEMPT_DYNAMIC Debian 6.1.0\n',
    'sys/kernel/hostname': 'node-a\n',
    'sys/kernel/domainname': '(none)\n',
    'pressure/cpu': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=1500000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
    'pressure/io': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=2000000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=1000000\n',
    // The temp folder itself is a real mount point we can statfs; a space is written \040.
    '1/mounts': `rootfs ${dir.path} ext4 ro,relatime 0 0\nproc /proc proc rw 0 0\ntmpfs /run tmpfs rw 0 0\n/dev/sdz9 /does/not\\040exist ext4 rw 0 0\n`,
  });
  writeTree(sysRoot, {
    'class/net/eth0/operstate': 'up\n',
    'class/net/eth0/mtu': '1500\n',
    'class/net/lo/operstate': 'unknown\n',
  });
  writeTree(dir.path, { 'os-release': 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n' });
});

afterEach(() => dir.remove());

const read = () => readLocalNodeFamilies(procRoot, sysRoot, { osReleasePath: join(dir.path, 'os-release'), nowMs: () => 1_700_000_123_000, statfsTimeoutMs: 2000 });

describe('local node reader', () => {
  it('reads /proc/stat per CPU and mode in seconds (USER_HZ 100), and the stat counters', async () => {
    const families = await read();
    expect(valueOf(families, 'node_cpu_seconds_total', { cpu: '0', mode: 'user' })).toBe(15);
    expect(valueOf(families, 'node_cpu_seconds_total', { cpu: '0', mode: 'idle' })).toBe(250);
    expect(valueOf(families, 'node_cpu_seconds_total', { cpu: '1', mode: 'softirq' })).toBe(0.2);
    expect(families.find((family) => family.name === 'node_cpu_seconds_total')?.samples.length).toBe(16); // 2 CPUs × 8 modes; the aggregate line is not a CPU
    expect(valueOf(families, 'node_cpu_guest_seconds_total', { cpu: '0', mode: 'user' })).toBe(0.07);
    expect(valueOf(families, 'node_cpu_guest_seconds_total', { cpu: '0', mode: 'nice' })).toBe(0.03);
    expect(valueOf(families, 'node_boot_time_seconds')).toBe(1_700_000_000);
    expect(valueOf(families, 'node_context_switches_total')).toBe(987654);
    expect(valueOf(families, 'node_forks_total')).toBe(4242);
    expect(valueOf(families, 'node_intr_total')).toBe(123456);
    expect(valueOf(families, 'node_procs_running')).toBe(3);
    expect(valueOf(families, 'node_procs_blocked')).toBe(1);
  });

  it('reads meminfo (kB × 1024, parentheses folded, unit-less fields bare), load, uname and os-release', async () => {
    const families = await read();
    expect(valueOf(families, 'node_memory_MemTotal_bytes')).toBe(4194304 * 1024);
    expect(valueOf(families, 'node_memory_Active_anon_bytes')).toBe(262144 * 1024);
    expect(valueOf(families, 'node_memory_Inactive_file_bytes')).toBe(131072 * 1024);
    expect(valueOf(families, 'node_memory_HugePages_Total')).toBe(0);
    expect(valueOf(families, 'node_memory_Hugepagesize_bytes')).toBe(2048 * 1024);
    expect([valueOf(families, 'node_load1'), valueOf(families, 'node_load5'), valueOf(families, 'node_load15')]).toEqual([0.5, 0.25, 0.1]);
    expect(families.find((family) => family.name === 'node_uname_info')?.samples).toEqual([
      { labels: { domainname: '(none)', machine: machine(), nodename: 'node-a', release: '6.1.0-test', sysname: 'Linux', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.0' }, value: 1 },
    ]);
    expect(families.find((family) => family.name === 'node_os_info')?.samples[0].labels).toMatchObject({ id: 'debian', pretty_name: 'Debian GNU/Linux 12 (bookworm)', version_id: '12', version_codename: 'bookworm' });
    expect(valueOf(families, 'node_os_version')).toBe(12);
    expect(valueOf(families, 'node_time_seconds')).toBe(1_700_000_123);
  });

  it('reads network devices (without loopback), disks (without partitions and loop devices) and pressure', async () => {
    const families = await read();
    expect(valueOf(families, 'node_network_receive_bytes_total', { device: 'eth0' })).toBe(5_000_000);
    expect(valueOf(families, 'node_network_receive_drop_total', { device: 'eth0' })).toBe(2);
    expect(valueOf(families, 'node_network_transmit_errs_total', { device: 'eth0' })).toBe(3);
    expect(valueOf(families, 'node_network_receive_bytes_total', { device: 'lo' })).toBeUndefined();
    expect(valueOf(families, 'node_network_up', { device: 'eth0' })).toBe(1);
    expect(valueOf(families, 'node_network_mtu_bytes', { device: 'eth0' })).toBe(1500);
    // sda: 100 reads, 800 sectors read, 50 ms reading; 200 writes, 1600 sectors, 70 ms; io_time 90 ms.
    expect(valueOf(families, 'node_disk_reads_completed_total', { device: 'sda' })).toBe(100);
    expect(valueOf(families, 'node_disk_read_bytes_total', { device: 'sda' })).toBe(800 * 512);
    expect(valueOf(families, 'node_disk_read_time_seconds_total', { device: 'sda' })).toBe(0.05);
    expect(valueOf(families, 'node_disk_written_bytes_total', { device: 'sda' })).toBe(1600 * 512);
    expect(valueOf(families, 'node_disk_io_time_seconds_total', { device: 'sda' })).toBe(0.09);
    expect(valueOf(families, 'node_disk_reads_completed_total', { device: 'sda1' })).toBeUndefined();
    expect(valueOf(families, 'node_disk_reads_completed_total', { device: 'loop0' })).toBeUndefined();
    expect(valueOf(families, 'node_pressure_cpu_waiting_seconds_total')).toBe(1.5);
    expect(valueOf(families, 'node_pressure_cpu_stalled_seconds_total')).toBeUndefined();
    expect(valueOf(families, 'node_pressure_io_stalled_seconds_total')).toBe(1);
  });

  it('reads filesystems from the mount table with statfs, leaving out virtual and excluded mounts', async () => {
    const families = await read();
    const sizes = families.find((family) => family.name === 'node_filesystem_size_bytes')?.samples ?? [];
    expect(sizes.map((sample) => sample.labels)).toEqual([{ device: 'rootfs', fstype: 'ext4', mountpoint: dir.path }]);
    expect(sizes[0].value).toBeGreaterThan(0);
    expect(valueOf(families, 'node_filesystem_readonly', { mountpoint: dir.path })).toBe(1);
    // The space in the mount point is unescaped; statfs fails there, which is reported, not hidden.
    expect(valueOf(families, 'node_filesystem_device_error', { mountpoint: '/does/not exist' })).toBe(1);
    expect(valueOf(families, 'node_filesystem_size_bytes', { mountpoint: '/does/not exist' })).toBeUndefined();
    expect(families.some((family) => family.samples.some((sample) => sample.labels.mountpoint === '/proc' || sample.labels.mountpoint === '/run'))).toBe(false);
  });

  it('writes exposition text the project parser reads back sample for sample', async () => {
    const families = await read();
    const text = await readLocalNodeExposition(procRoot, sysRoot, { osReleasePath: join(dir.path, 'os-release'), nowMs: () => 1_700_000_123_000 });
    const parsed = readSamples(text, 'text');
    const expected = families.flatMap((family) => family.samples.map((sample) => ({ name: family.name, labels: sample.labels, value: sample.value, timestampMs: null })));
    expect(parsed).toEqual(expected);
  });
});
