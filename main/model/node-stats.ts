import type { ChartPanel, DiskStats, FilesystemStats, NetworkStats, NodeSourceStatus, NodeStats, NodeSummary } from '../../preload/contract/index.js';
import type { SeriesStore } from '../store/series-store.js';
import { sumColumns, sumValues, TargetSeries, type LabelledValue } from './target-series.js';

export interface NodeStatsInput {
  /** Absent before any session: gives the empty picture. */
  store?: SeriesStore;
  node: string;
  nodeExporterTargetId?: string;
  cadvisorTargetId?: string;
  sources: NodeSourceStatus[];
  object?: NodeSummary;
  /** The node's cgroup driver, when the cgroup model inferred one. */
  cgroupDriver?: NodeStats['cgroupDriver'];
  nowMs: number;
  /** Window of the rates shown as current figures (ms); at least two scrapes must fall in it. */
  rateWindowMs?: number;
  /** How far back the charts go (ms) and their step. */
  chartRangeMs?: number;
  chartStepMs?: number;
}

/** /proc/meminfo names node-exporter turns into `node_memory_<name>_bytes` (meminfo_linux.go). */
export const MEMINFO_FIELDS = [
  'MemTotal',
  'MemFree',
  'MemAvailable',
  'Buffers',
  'Cached',
  'SwapCached',
  'Active',
  'Inactive',
  'Active_anon',
  'Inactive_anon',
  'Active_file',
  'Inactive_file',
  'Unevictable',
  'Mlocked',
  'SwapTotal',
  'SwapFree',
  'Dirty',
  'Writeback',
  'AnonPages',
  'Mapped',
  'Shmem',
  'Slab',
  'SReclaimable',
  'SUnreclaim',
  'KernelStack',
  'PageTables',
  'CommitLimit',
  'Committed_AS',
  'VmallocTotal',
  'VmallocUsed',
  'HugePages_Total',
  'HugePages_Free',
  'Hugepagesize',
] as const;

const CPU_MODE_ORDER = ['user', 'nice', 'system', 'iowait', 'irq', 'softirq', 'steal', 'idle'];

const byLabel = (values: LabelledValue[], label: string) => {
  const map = new Map<string, number | null>();
  for (const entry of values) map.set(entry.labels[label] ?? '', entry.value);
  return map;
};

/**
 * One node's OS picture from its node-exporter series: CPU by mode (total and per CPU), meminfo,
 * load, uptime, kernel, filesystems, disks, network, pressure; current figures are rates over the
 * last minute, charts are rate columns over the retained window. Anything not reported is null.
 */
export function computeNodeStats(input: NodeStatsInput): NodeStats {
  const windowMs = input.rateWindowMs ?? 60_000;
  const chartRangeMs = input.chartRangeMs ?? 15 * 60_000;
  const stepMs = input.chartStepMs ?? 15_000;
  const endMs = Math.floor(input.nowMs / stepMs) * stepMs;
  const exporter = input.nodeExporterTargetId && input.store ? new TargetSeries(input.store, input.nodeExporterTargetId) : null;
  // Charts start where the data starts (a fresh session has a minute, not fifteen).
  const upId = exporter?.refs('up')[0]?.id;
  const firstMs = upId !== undefined && input.store ? input.store.range([upId], endMs - chartRangeMs, endMs).xs[0] : undefined;
  const startMs = Math.max(endMs - chartRangeMs, firstMs === undefined ? endMs : Math.ceil(firstMs / stepMs) * stepMs);
  const range = { startMs: Math.min(startMs, endMs), endMs, stepMs };

  const empty: NodeStats = {
    node: input.node,
    tsMs: null,
    sources: input.sources,
    ...(input.object ? { object: input.object } : {}),
    ...(input.cgroupDriver ? { cgroupDriver: input.cgroupDriver } : {}),
    cpu: { count: null, model: null, modes: {}, perCpu: [], busyShare: null },
    memory: {},
    load: { load1: null, load5: null, load15: null },
    uptimeSeconds: null,
    uname: {},
    os: null,
    pressure: { cpuWaiting: null, memoryWaiting: null, memoryStalled: null, ioWaiting: null, ioStalled: null },
    processes: { running: null, blocked: null, contextSwitchesPerSec: null, forksPerSec: null },
    filesystems: [],
    disks: [],
    network: [],
    charts: [],
  };
  if (!exporter || !input.store) return empty;
  const up = exporter.latest('up')[0];
  const upRef = exporter.refs('up')[0];
  const tsMs = upRef ? (input.store.instant([upRef.id])[0]?.tsMs ?? null) : null;
  if (!up) return empty;

  // CPU: rate of node_cpu_seconds_total per (cpu, mode) = cores spent in that mode.
  const cpuRates = exporter.rates('node_cpu_seconds_total', windowMs);
  const modes: Record<string, number | null> = {};
  const perCpu = new Map<string, { busy: number | null; total: number | null }>();
  for (const entry of cpuRates) {
    const mode = entry.labels.mode ?? 'unknown';
    const cpu = entry.labels.cpu ?? '';
    if (entry.value !== null) modes[mode] = (modes[mode] ?? 0) + entry.value;
    else if (!(mode in modes)) modes[mode] = null;
    const current = perCpu.get(cpu) ?? { busy: null, total: null };
    if (entry.value !== null) {
      current.total = (current.total ?? 0) + entry.value;
      if (mode !== 'idle' && mode !== 'iowait') current.busy = (current.busy ?? 0) + entry.value;
    }
    perCpu.set(cpu, current);
  }
  const cpus = [...new Set(exporter.refs('node_cpu_seconds_total').map((ref) => ref.labels.cpu ?? ''))];
  const totalCores = sumValues(Object.values(modes));
  const idle = modes.idle ?? null;
  const iowait = modes.iowait ?? 0;
  const info = exporter.latest('node_cpu_info')[0]?.labels;

  const memory: Record<string, number | null> = {};
  for (const field of MEMINFO_FIELDS) {
    const name = field.startsWith('HugePages_') ? `node_memory_${field}` : `node_memory_${field}_bytes`;
    const value = exporter.scalar(name);
    if (value !== null || exporter.refs(name).length > 0) memory[field] = value;
  }

  const boot = exporter.scalar('node_boot_time_seconds');
  const nodeTime = exporter.scalar('node_time_seconds');
  const uname = exporter.latest('node_uname_info')[0]?.labels ?? {};
  const osInfo = exporter.latest('node_os_info')[0]?.labels;

  const rateOf = (name: string) => sumValues(exporter.rates(name, windowMs).map((entry) => entry.value));

  // Filesystems: df's used share, (size − free) / (size − free + avail) (coreutils df.c).
  const sizes = exporter.latest('node_filesystem_size_bytes');
  const avail = exporter.latest('node_filesystem_avail_bytes');
  const free = exporter.latest('node_filesystem_free_bytes');
  const files = exporter.latest('node_filesystem_files');
  const filesFree = exporter.latest('node_filesystem_files_free');
  const readonly = exporter.latest('node_filesystem_readonly');
  const fsKey = (labels: Record<string, string>) => `${labels.device}\0${labels.mountpoint}`;
  const lookup = (values: LabelledValue[]) => new Map(values.map((entry) => [fsKey(entry.labels), entry.value]));
  const availMap = lookup(avail);
  const freeMap = lookup(free);
  const filesMap = lookup(files);
  const filesFreeMap = lookup(filesFree);
  const readonlyMap = lookup(readonly);
  const filesystems: FilesystemStats[] = sizes
    .map((entry) => {
      const key = fsKey(entry.labels);
      const size = entry.value;
      const freeBytes = freeMap.get(key) ?? null;
      const availableBytes = availMap.get(key) ?? null;
      const used = size !== null && freeBytes !== null ? size - freeBytes : null;
      const usedShare = used !== null && availableBytes !== null && used + availableBytes > 0 ? used / (used + availableBytes) : null;
      return {
        device: entry.labels.device ?? '',
        mountpoint: entry.labels.mountpoint ?? '',
        fstype: entry.labels.fstype ?? '',
        sizeBytes: size,
        availableBytes,
        freeBytes,
        usedShare,
        files: filesMap.get(key) ?? null,
        filesFree: filesFreeMap.get(key) ?? null,
        readonly: readonlyMap.get(key) === 1,
      };
    })
    .sort((a, b) => a.mountpoint.localeCompare(b.mountpoint));

  const diskRates = (name: string) => byLabel(exporter.rates(name, windowMs), 'device');
  const readBytes = diskRates('node_disk_read_bytes_total');
  const writeBytes = diskRates('node_disk_written_bytes_total');
  const reads = diskRates('node_disk_reads_completed_total');
  const writes = diskRates('node_disk_writes_completed_total');
  const ioTime = diskRates('node_disk_io_time_seconds_total');
  const disks: DiskStats[] = [...new Set([...readBytes.keys(), ...reads.keys()])].sort().map((device) => ({
    device,
    readBytesPerSec: readBytes.get(device) ?? null,
    writeBytesPerSec: writeBytes.get(device) ?? null,
    readsPerSec: reads.get(device) ?? null,
    writesPerSec: writes.get(device) ?? null,
    busyShare: ioTime.get(device) ?? null,
  }));

  const netRates = (name: string) => byLabel(exporter.rates(name, windowMs), 'device');
  const rx = netRates('node_network_receive_bytes_total');
  const tx = netRates('node_network_transmit_bytes_total');
  const rxPackets = netRates('node_network_receive_packets_total');
  const txPackets = netRates('node_network_transmit_packets_total');
  const rxErrors = netRates('node_network_receive_errs_total');
  const txErrors = netRates('node_network_transmit_errs_total');
  const rxDrops = netRates('node_network_receive_drop_total');
  const txDrops = netRates('node_network_transmit_drop_total');
  const network: NetworkStats[] = [...new Set([...rx.keys(), ...tx.keys()])].sort().map((device) => ({
    device,
    rxBytesPerSec: rx.get(device) ?? null,
    txBytesPerSec: tx.get(device) ?? null,
    rxPacketsPerSec: rxPackets.get(device) ?? null,
    txPacketsPerSec: txPackets.get(device) ?? null,
    rxErrorsPerSec: rxErrors.get(device) ?? null,
    txErrorsPerSec: txErrors.get(device) ?? null,
    rxDropsPerSec: rxDrops.get(device) ?? null,
    txDropsPerSec: txDrops.get(device) ?? null,
  }));

  return {
    ...empty,
    tsMs,
    cpu: {
      count: cpus.length > 0 ? cpus.length : null,
      model: info?.model_name ?? null,
      modes: Object.fromEntries(Object.entries(modes).sort(([a], [b]) => rank(a) - rank(b))),
      perCpu: [...perCpu.entries()]
        .sort(([a], [b]) => Number(a) - Number(b) || a.localeCompare(b))
        .map(([cpu, value]) => ({ cpu, busyShare: value.busy !== null && value.total ? value.busy / value.total : null })),
      busyShare: totalCores && idle !== null ? (totalCores - idle - iowait) / totalCores : null,
    },
    memory,
    load: { load1: exporter.scalar('node_load1'), load5: exporter.scalar('node_load5'), load15: exporter.scalar('node_load15') },
    uptimeSeconds: boot !== null ? Math.max(0, (nodeTime ?? (tsMs ?? input.nowMs) / 1000) - boot) : null,
    uname: { sysname: uname.sysname, release: uname.release, version: uname.version, machine: uname.machine, nodename: uname.nodename },
    os: osInfo?.pretty_name ?? osInfo?.name ?? null,
    pressure: {
      cpuWaiting: rateOf('node_pressure_cpu_waiting_seconds_total'),
      memoryWaiting: rateOf('node_pressure_memory_waiting_seconds_total'),
      memoryStalled: rateOf('node_pressure_memory_stalled_seconds_total'),
      ioWaiting: rateOf('node_pressure_io_waiting_seconds_total'),
      ioStalled: rateOf('node_pressure_io_stalled_seconds_total'),
    },
    processes: {
      running: exporter.scalar('node_procs_running'),
      blocked: exporter.scalar('node_procs_blocked'),
      contextSwitchesPerSec: rateOf('node_context_switches_total'),
      forksPerSec: rateOf('node_forks_total'),
    },
    filesystems,
    disks,
    network,
    charts: nodeCharts(exporter, windowMs, range),
  };
}

function rank(mode: string): number {
  const index = CPU_MODE_ORDER.indexOf(mode);
  return index < 0 ? CPU_MODE_ORDER.length : index;
}

function panel(id: string, title: string, unit: ChartPanel['unit'], xs: number[], series: { label: string; values: (number | null)[] }[]): ChartPanel {
  return { id, title, unit, lines: series.map((entry) => ({ label: entry.label })), xs, ys: series.map((entry) => entry.values) };
}

function nodeCharts(exporter: TargetSeries, windowMs: number, range: { startMs: number; endMs: number; stepMs: number }): ChartPanel[] {
  const cpu = exporter.rateColumns('node_cpu_seconds_total', windowMs, range);
  const modes = [...new Set(cpu.labels.map((labels) => labels.mode ?? 'unknown'))].filter((mode) => mode !== 'idle').sort((a, b) => rank(a) - rank(b));
  const cpuModes = panel(
    'cpu-modes',
    'CPU by mode',
    'cores',
    cpu.xs,
    modes.map((mode) => ({ label: mode, values: sumColumns(cpu.ys.filter((_, index) => cpu.labels[index].mode === mode), cpu.xs.length) })),
  );

  const gauge = (name: string) => {
    const columns = exporter.valueColumns(name, range);
    return { xs: columns.xs, values: columns.ys[0] ?? new Array(columns.xs.length).fill(null) };
  };
  const total = gauge('node_memory_MemTotal_bytes');
  const freeColumn = gauge('node_memory_MemFree_bytes').values;
  const buffers = gauge('node_memory_Buffers_bytes').values;
  const cached = gauge('node_memory_Cached_bytes').values;
  const used = total.values.map((value, index) => (value === null || freeColumn[index] === null ? null : value - (freeColumn[index] ?? 0) - (buffers[index] ?? 0) - (cached[index] ?? 0)));
  const memory = panel('memory', 'Memory', 'bytes', total.xs, [
    { label: 'used', values: used },
    { label: 'buffers', values: buffers },
    { label: 'cached', values: cached },
    { label: 'free', values: freeColumn },
  ]);
  const loads = ['node_load1', 'node_load5', 'node_load15'].map((name) => ({ name, ...gauge(name) }));
  const load = panel('load', 'Load average', 'none', loads[0].xs, loads.map((entry) => ({ label: entry.name.replace('node_', ''), values: entry.values })));

  const summed = (name: string, keep: (labels: Record<string, string>) => boolean) => {
    const columns = exporter.rateColumns(name, windowMs, range);
    return { xs: columns.xs, values: sumColumns(columns.ys.filter((_, index) => keep(columns.labels[index])), columns.xs.length) };
  };
  const notLoopback = (labels: Record<string, string>) => labels.device !== 'lo';
  const receive = summed('node_network_receive_bytes_total', notLoopback);
  const transmit = summed('node_network_transmit_bytes_total', notLoopback);
  const read = summed('node_disk_read_bytes_total', () => true);
  const write = summed('node_disk_written_bytes_total', () => true);
  return [
    cpuModes,
    memory,
    load,
    panel('network', 'Network', 'bytesPerSecond', receive.xs, [
      { label: 'receive', values: receive.values },
      { label: 'transmit', values: transmit.values },
    ]),
    panel('disk', 'Disk IO', 'bytesPerSecond', read.xs, [
      { label: 'read', values: read.values },
      { label: 'write', values: write.values },
    ]),
  ];
}
