import { describe, expect, it } from 'vitest';
import { computeNodeStats } from '../../../../main/model/node-stats.js';
import { StoreFeed } from '../../../helpers/store-feed.js';
import { readFixture } from '../../../helpers/fixtures.js';

const LABELS = { job: 'node-exporter', instance: '10.0.0.1:9100' };

/** A node-exporter-shaped payload with chosen counters; everything else fixed. */
function payload(cpu: { user: number; system: number; idle: number; iowait: number }, netRx: number, diskRead: number): string {
  return `# TYPE node_cpu_seconds_total counter
node_cpu_seconds_total{cpu="0",mode="user"} ${cpu.user}
node_cpu_seconds_total{cpu="0",mode="system"} ${cpu.system}
node_cpu_seconds_total{cpu="0",mode="idle"} ${cpu.idle}
node_cpu_seconds_total{cpu="0",mode="iowait"} ${cpu.iowait}
node_cpu_seconds_total{cpu="1",mode="user"} ${cpu.user / 2}
node_cpu_seconds_total{cpu="1",mode="system"} 0
node_cpu_seconds_total{cpu="1",mode="idle"} ${cpu.idle * 2}
node_cpu_seconds_total{cpu="1",mode="iowait"} 0
# TYPE node_memory_MemTotal_bytes gauge
node_memory_MemTotal_bytes 8000
node_memory_MemFree_bytes 1000
node_memory_MemAvailable_bytes 5000
node_memory_Buffers_bytes 500
node_memory_Cached_bytes 2500
node_load1 0.5
node_load5 0.25
node_load15 0.125
node_boot_time_seconds 1000
node_time_seconds 4600
node_uname_info{sysname="Linux",release="6.1.0-26-amd64",version="#1 SMP",machine="x86_64",nodename="n1",domainname="(none)"} 1
node_network_receive_bytes_total{device="eth0"} ${netRx}
node_network_receive_bytes_total{device="lo"} ${netRx * 10}
node_network_transmit_bytes_total{device="eth0"} 0
node_disk_read_bytes_total{device="vda"} ${diskRead}
node_disk_written_bytes_total{device="vda"} 0
node_disk_reads_completed_total{device="vda"} 0
node_disk_io_time_seconds_total{device="vda"} ${diskRead / 1e6}
node_filesystem_size_bytes{device="/dev/vda1",fstype="ext4",mountpoint="/"} 1000
node_filesystem_free_bytes{device="/dev/vda1",fstype="ext4",mountpoint="/"} 300
node_filesystem_avail_bytes{device="/dev/vda1",fstype="ext4",mountpoint="/"} 200
node_filesystem_readonly{device="/dev/vda1",fstype="ext4",mountpoint="/"} 0
`;
}

describe('node statistics from node-exporter series', () => {
  it('computes CPU by mode, network and disk rates from two scrapes by hand', () => {
    const feed = new StoreFeed();
    // Two scrapes 10 s apart. Deltas: cpu0 user +4, system +1, idle +4, iowait +1 (10 s of one CPU);
    // cpu1 user +2, idle +8 (10 s); eth0 rx +10,000 B; vda read +2,000,000 B, io_time +2 s.
    feed.scrape('ne', LABELS, 100_000, payload({ user: 100, system: 50, idle: 1000, iowait: 10 }, 50_000, 1_000_000));
    feed.scrape('ne', LABELS, 110_000, payload({ user: 104, system: 51, idle: 1004, iowait: 11 }, 60_000, 3_000_000));
    const stats = computeNodeStats({ store: feed.store, node: 'n1', nodeExporterTargetId: 'ne', sources: [], nowMs: 110_000 });

    expect(stats.tsMs).toBe(110_000);
    expect(stats.cpu.count).toBe(2);
    // Cores per mode = Δseconds / Δt: user (4 + 2) / 10 = 0.6, system 0.1, idle (4 + 8) / 10 = 1.2, iowait 0.1.
    expect(stats.cpu.modes.user).toBeCloseTo(0.6, 10);
    expect(stats.cpu.modes.system).toBeCloseTo(0.1, 10);
    expect(stats.cpu.modes.idle).toBeCloseTo(1.2, 10);
    expect(stats.cpu.modes.iowait).toBeCloseTo(0.1, 10);
    expect(Object.keys(stats.cpu.modes)).toEqual(['user', 'system', 'iowait', 'idle']);
    // Busy = (total − idle − iowait) / total = (2.0 − 1.2 − 0.1) / 2.0 = 0.35; cpu0 busy 0.5, cpu1 0.2.
    expect(stats.cpu.busyShare).toBeCloseTo(0.35, 10);
    expect(stats.cpu.perCpu.map((cpu) => [cpu.cpu, Number(cpu.busyShare?.toFixed(10))])).toEqual([
      ['0', 0.5],
      ['1', 0.2],
    ]);
    expect(stats.network.find((device) => device.device === 'eth0')?.rxBytesPerSec).toBeCloseTo(1000, 10);
    expect(stats.disks[0]).toMatchObject({ device: 'vda', readBytesPerSec: 200_000, writeBytesPerSec: 0, busyShare: 0.2 });
    expect(stats.memory).toMatchObject({ MemTotal: 8000, MemFree: 1000, MemAvailable: 5000, Buffers: 500, Cached: 2500 });
    expect(stats.load).toEqual({ load1: 0.5, load5: 0.25, load15: 0.125 });
    expect(stats.uptimeSeconds).toBe(3600);
    expect(stats.uname).toMatchObject({ sysname: 'Linux', release: '6.1.0-26-amd64', machine: 'x86_64' });
    // df: used = 1000 − 300 = 700; used / (used + avail) = 700 / 900.
    expect(stats.filesystems[0].usedShare).toBeCloseTo(700 / 900, 10);
    // Pressure is not reported by this exporter: absent, not zero.
    expect(stats.pressure.cpuWaiting).toBeNull();
    expect(stats.processes.running).toBeNull();
  });

  it('charts CPU modes without idle, memory used as total − free − buffers − cached, and network without lo', () => {
    const feed = new StoreFeed();
    for (let i = 0; i <= 8; i++) feed.scrape('ne', LABELS, 15_000 * i, payload({ user: 100 + 3 * i, system: 50, idle: 1000 + 12 * i, iowait: 10 }, 1000 * i, 0));
    const stats = computeNodeStats({ store: feed.store, node: 'n1', nodeExporterTargetId: 'ne', sources: [], nowMs: 120_000, chartRangeMs: 60_000, chartStepMs: 15_000 });
    const chart = (id: string) => stats.charts.find((panel) => panel.id === id)!;
    expect(stats.charts.map((panel) => panel.id)).toEqual(['cpu-modes', 'memory', 'load', 'network', 'disk']);
    expect(chart('cpu-modes').lines.map((line) => line.label)).toEqual(['user', 'system', 'iowait']);
    expect(chart('cpu-modes').unit).toBe('cores');
    expect(chart('cpu-modes').xs).toEqual([60_000, 75_000, 90_000, 105_000, 120_000]);
    // user: cpu0 +3/15 s and cpu1 +1.5/15 s → 0.3 cores at every step once a minute of data exists.
    for (const value of chart('cpu-modes').ys[0]) expect(value).toBeCloseTo(0.3, 6);
    expect(chart('memory').ys[0].at(-1)).toBe(8000 - 1000 - 500 - 2500);
    // eth0 only: 1000 B per 15 s.
    for (const value of chart('network').ys[0]) expect(value).toBeCloseTo(1000 / 15, 6);
  });

  it('reads the real node_exporter e2e output: meminfo, uname, filesystems', () => {
    const feed = new StoreFeed();
    const text = readFixture('node_exporter', 'e2e-output.txt');
    feed.scrape('ne', LABELS, 1_000, text);
    const stats = computeNodeStats({ store: feed.store, node: 'n1', nodeExporterTargetId: 'ne', sources: [], nowMs: 1_000 });
    // Values read by hand from e2e-output.txt.
    expect(stats.memory.MemTotal).toBe(Number(/^node_memory_MemTotal_bytes (\S+)$/m.exec(text)?.[1]));
    expect(stats.load.load1).toBe(Number(/^node_load1 (\S+)$/m.exec(text)?.[1]));
    expect(stats.uname.release).toBe(/node_uname_info\{[^}]*release="([^"]+)"/.exec(text)?.[1]);
    expect(stats.filesystems.length).toBe(new Set([...text.matchAll(/^node_filesystem_size_bytes\{([^}]*)\}/gm)].map((match) => match[1])).size);
    // One scrape: no rates yet.
    expect(stats.cpu.busyShare).toBeNull();
  });

  it('is empty, not zero, before node-exporter was scraped', () => {
    const stats = computeNodeStats({ store: new StoreFeed().store, node: 'n1', sources: [], nowMs: 0 });
    expect(stats.tsMs).toBeNull();
    expect(stats.cpu.count).toBeNull();
    expect(stats.memory).toEqual({});
  });
});
