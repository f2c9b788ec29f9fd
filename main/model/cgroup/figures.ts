import type { CgroupTreePayload } from '../../../preload/contract/index.js';
import { normalizeCgroupPath, parentCgroupPath, parseCgroupPath } from './names.js';
import type { CgroupNode, CgroupSample, CgroupTree } from './tree.js';

/** One scrape of kubelet cAdvisor (or the local reader): the samples and when they were taken. */
export interface CadvisorSnapshot {
  /** Scrape time, epoch ms; used for samples without their own timestamp (cAdvisor writes one on most). */
  tsMs: number;
  samples: readonly CgroupSample[];
}

/**
 * Figures of one cgroup. `null` means not reported (family absent, or a rate with one reading);
 * zero means reported as zero. All figures are hierarchical, as the kernel counts them: a cgroup's
 * value includes its children.
 */
export interface CgroupFigures {
  /** Time between the two readings rates come from, ms; null with one reading. */
  intervalMs: number | null;
  /** Cumulative CPU time (container_cpu_usage_seconds_total, summed over `cpu` when per-CPU). */
  cpuUsageSeconds: number | null;
  cpuCores: number | null;
  cpuUserCores: number | null;
  cpuSystemCores: number | null;
  /** CFS quota / period; null without a quota (unlimited). */
  cpuLimitCores: number | null;
  /** Share of CFS periods that were throttled in the interval, 0..1. */
  throttledShare: number | null;
  /** Throttled time per second (container_cpu_cfs_throttled_seconds_total rate). */
  cpuThrottledCores: number | null;
  memoryUsageBytes: number | null;
  memoryWorkingSetBytes: number | null;
  memoryRssBytes: number | null;
  memoryCacheBytes: number | null;
  memorySwapBytes: number | null;
  /** Null when unlimited: cAdvisor reports 0, or (cgroup v2, some versions) the machine's memory. */
  memoryLimitBytes: number | null;
  /** Cumulative OOM events (container_oom_events_total). */
  oomEvents: number | null;
  /** Cumulative times usage hit the limit (container_memory_failcnt). */
  memoryFailcnt: number | null;
  /** Cumulative bytes read/written on block devices. */
  ioReadBytes: number | null;
  ioWriteBytes: number | null;
  ioReadBytesPerSec: number | null;
  ioWriteBytesPerSec: number | null;
  ioReadOpsPerSec: number | null;
  ioWriteOpsPerSec: number | null;
  /** A pod's figures come from its sandbox, which owns the pod's network namespace. */
  networkRxBytesPerSec: number | null;
  networkTxBytesPerSec: number | null;
  /** PSI: share of wall time some (waiting) or all (stalled) tasks were stalled, 0..1. */
  pressureCpuWaitingShare: number | null;
  pressureCpuStalledShare: number | null;
  pressureMemoryWaitingShare: number | null;
  pressureMemoryStalledShare: number | null;
  pressureIoWaitingShare: number | null;
  pressureIoStalledShare: number | null;
  processes: number | null;
}

/** cpuCores of the machine and its memory, from `machine_*` (kubelet) samples. */
export interface MachineFigures {
  cpuCores: number | null;
  memoryBytes: number | null;
}

/** Metrics read per cgroup, indexed into a Float64Array slot table (one row per cgroup id). */
const METRICS = [
  'cpuTotal',
  'cpuPerCpu',
  'cpuUser',
  'cpuSystem',
  'cfsPeriods',
  'cfsThrottledPeriods',
  'cfsThrottledSeconds',
  'quota',
  'period',
  'memUsage',
  'memWorkingSet',
  'memRss',
  'memCache',
  'memSwap',
  'memLimit',
  'memFailcnt',
  'oom',
  'fsReadBytes',
  'fsWriteBytes',
  'blkioRead',
  'blkioWrite',
  'fsReads',
  'fsWrites',
  'netRx',
  'netTx',
  'psiCpuSome',
  'psiCpuFull',
  'psiMemSome',
  'psiMemFull',
  'psiIoSome',
  'psiIoFull',
  'processes',
] as const;
type Metric = (typeof METRICS)[number];
const SLOT = Object.fromEntries(METRICS.map((metric, index) => [metric, index])) as Record<Metric, number>;

/** Family name → metric, for families read as they are (summed over their extra labels). */
const SIMPLE_FAMILIES: Record<string, Metric> = {
  container_cpu_user_seconds_total: 'cpuUser',
  container_cpu_system_seconds_total: 'cpuSystem',
  container_cpu_cfs_periods_total: 'cfsPeriods',
  container_cpu_cfs_throttled_periods_total: 'cfsThrottledPeriods',
  container_cpu_cfs_throttled_seconds_total: 'cfsThrottledSeconds',
  container_spec_cpu_quota: 'quota',
  container_spec_cpu_period: 'period',
  container_memory_usage_bytes: 'memUsage',
  container_memory_working_set_bytes: 'memWorkingSet',
  container_memory_rss: 'memRss',
  container_memory_cache: 'memCache',
  container_memory_swap: 'memSwap',
  container_spec_memory_limit_bytes: 'memLimit',
  container_memory_failcnt: 'memFailcnt',
  container_oom_events_total: 'oom',
  container_network_receive_bytes_total: 'netRx',
  container_network_transmit_bytes_total: 'netTx',
  container_pressure_cpu_waiting_seconds_total: 'psiCpuSome',
  container_pressure_cpu_stalled_seconds_total: 'psiCpuFull',
  container_pressure_memory_waiting_seconds_total: 'psiMemSome',
  container_pressure_memory_stalled_seconds_total: 'psiMemFull',
  container_pressure_io_waiting_seconds_total: 'psiIoSome',
  container_pressure_io_stalled_seconds_total: 'psiIoFull',
  container_processes: 'processes',
};

/** Per-device IO families: only block devices count (`/dev/…`, not the `/dev/shm` tmpfs or mount points). */
const DEVICE_FAMILIES: Record<string, Metric> = {
  container_fs_reads_bytes_total: 'fsReadBytes',
  container_fs_writes_bytes_total: 'fsWriteBytes',
  container_fs_reads_total: 'fsReads',
  container_fs_writes_total: 'fsWrites',
};

/** The values of one reading: per cgroup id, a row of metric values (NaN = absent) and its time. */
interface Reading {
  rows: Map<string, { values: Float64Array; tsMs: number }>;
  machine: MachineFigures;
}

function isBlockDevice(device: string | undefined): boolean {
  return device !== undefined && device.startsWith('/dev/') && device !== '/dev/shm';
}

function readSnapshot(snapshot: CadvisorSnapshot): Reading {
  const rows = new Map<string, { values: Float64Array; tsMs: number }>();
  const machine: MachineFigures = { cpuCores: null, memoryBytes: null };
  let lastRawId: string | undefined;
  let lastRow: { values: Float64Array; tsMs: number } | undefined;
  for (const sample of snapshot.samples) {
    const name = sample.name;
    if (!name.startsWith('container_')) {
      if (name === 'machine_cpu_cores') machine.cpuCores = sample.value;
      else if (name === 'machine_memory_bytes') machine.memoryBytes = sample.value;
      continue;
    }
    const rawId = sample.labels.id;
    if (rawId === undefined) continue;
    let metric: Metric | undefined = SIMPLE_FAMILIES[name];
    if (metric === undefined) {
      if (name === 'container_cpu_usage_seconds_total') {
        metric = sample.labels.cpu === 'total' || sample.labels.cpu === undefined ? 'cpuTotal' : 'cpuPerCpu';
      } else if (name in DEVICE_FAMILIES) {
        if (!isBlockDevice(sample.labels.device)) continue;
        metric = DEVICE_FAMILIES[name];
      } else if (name === 'container_blkio_device_usage_total') {
        const operation = sample.labels.operation;
        if (operation === 'Read') metric = 'blkioRead';
        else if (operation === 'Write') metric = 'blkioWrite';
        else continue;
      } else {
        continue;
      }
    }
    let row: { values: Float64Array; tsMs: number };
    if (rawId === lastRawId && lastRow) {
      row = lastRow;
    } else {
      const id = normalizeCgroupPath(rawId);
      let existing = rows.get(id);
      if (!existing) {
        existing = { values: new Float64Array(METRICS.length).fill(Number.NaN), tsMs: Number.NEGATIVE_INFINITY };
        rows.set(id, existing);
      }
      row = existing;
      lastRawId = rawId;
      lastRow = row;
    }
    const slot = SLOT[metric];
    const current = row.values[slot];
    row.values[slot] = Number.isNaN(current) ? sample.value : current + sample.value;
    // cAdvisor stamps every series of a cgroup with that cgroup's collection time; spec and
    // start-time series carry none and fall back to the scrape time.
    if (sample.timestampMs !== null && sample.timestampMs > row.tsMs) row.tsMs = sample.timestampMs;
  }
  for (const row of rows.values()) if (row.tsMs === Number.NEGATIVE_INFINITY) row.tsMs = snapshot.tsMs;
  return { rows, machine };
}

/** Reads the machine figures (`machine_cpu_cores`, `machine_memory_bytes`) of a snapshot. */
export function machineFigures(snapshot: CadvisorSnapshot): MachineFigures {
  return readSnapshot({ tsMs: snapshot.tsMs, samples: snapshot.samples.filter((sample) => sample.name.startsWith('machine_')) }).machine;
}

function value(values: Float64Array, metric: Metric): number | null {
  const number = values[SLOT[metric]];
  return Number.isNaN(number) ? null : number;
}

/** CPU seconds: the `cpu="total"` series when present, else the per-CPU series summed (pre-1.16 kubelets). */
function cpuSeconds(values: Float64Array): number | null {
  return value(values, 'cpuTotal') ?? value(values, 'cpuPerCpu');
}

/** Block-device bytes: blkio per-device usage when present, else the per-device fs counters. */
function ioBytes(values: Float64Array, direction: 'read' | 'write'): number | null {
  return direction === 'read'
    ? (value(values, 'blkioRead') ?? value(values, 'fsReadBytes'))
    : (value(values, 'blkioWrite') ?? value(values, 'fsWriteBytes'));
}

/**
 * Per-second rate of a counter between two readings, Prometheus style: a decrease is a counter
 * reset, so the increase is the new value. Null when either reading lacks it or no time passed.
 */
function counterRate(current: number | null, previous: number | null, seconds: number | null): number | null {
  if (current === null || previous === null || seconds === null || seconds <= 0) return null;
  const increase = current >= previous ? current - previous : current;
  return increase / seconds;
}

function clampShare(share: number | null): number | null {
  return share === null ? null : Math.min(1, Math.max(0, share));
}

/**
 * Figures per cgroup id from one or two cAdvisor snapshots. Rates (cores, bytes/s, shares) need
 * `previous` and use each cgroup's own sample timestamps; with one snapshot they are null and the
 * cumulative figures remain.
 */
export function computeCgroupFigures(current: CadvisorSnapshot, previous?: CadvisorSnapshot): Map<string, CgroupFigures> {
  const now = readSnapshot(current);
  const before = previous ? readSnapshot(previous) : undefined;
  const machineMemoryBytes = now.machine.memoryBytes;
  const figures = new Map<string, CgroupFigures>();

  for (const [id, row] of now.rows) {
    const values = row.values;
    const old = before?.rows.get(id);
    const oldValues = old?.values;
    const seconds = old && row.tsMs > old.tsMs ? (row.tsMs - old.tsMs) / 1000 : null;
    const rate = (pick: (values: Float64Array) => number | null): number | null =>
      oldValues ? counterRate(pick(values), pick(oldValues), seconds) : null;
    const metricRate = (metric: Metric) => rate((v) => value(v, metric));

    const quota = value(values, 'quota');
    const period = value(values, 'period');
    const limit = value(values, 'memLimit');
    const periods = metricRate('cfsPeriods');
    const throttled = metricRate('cfsThrottledPeriods');

    figures.set(id, {
      intervalMs: seconds === null ? null : seconds * 1000,
      cpuUsageSeconds: cpuSeconds(values),
      cpuCores: rate(cpuSeconds),
      cpuUserCores: metricRate('cpuUser'),
      cpuSystemCores: metricRate('cpuSystem'),
      cpuLimitCores: quota !== null && quota > 0 && period !== null && period > 0 ? quota / period : null,
      throttledShare: periods === null || throttled === null ? null : periods > 0 ? Math.min(1, throttled / periods) : 0,
      cpuThrottledCores: metricRate('cfsThrottledSeconds'),
      memoryUsageBytes: value(values, 'memUsage'),
      memoryWorkingSetBytes: value(values, 'memWorkingSet'),
      memoryRssBytes: value(values, 'memRss'),
      memoryCacheBytes: value(values, 'memCache'),
      memorySwapBytes: value(values, 'memSwap'),
      memoryLimitBytes: isUnlimitedMemory(limit, machineMemoryBytes) ? null : limit,
      oomEvents: value(values, 'oom'),
      memoryFailcnt: value(values, 'memFailcnt'),
      ioReadBytes: ioBytes(values, 'read'),
      ioWriteBytes: ioBytes(values, 'write'),
      ioReadBytesPerSec: rate((v) => ioBytes(v, 'read')),
      ioWriteBytesPerSec: rate((v) => ioBytes(v, 'write')),
      ioReadOpsPerSec: metricRate('fsReads'),
      ioWriteOpsPerSec: metricRate('fsWrites'),
      networkRxBytesPerSec: metricRate('netRx'),
      networkTxBytesPerSec: metricRate('netTx'),
      pressureCpuWaitingShare: clampShare(metricRate('psiCpuSome')),
      pressureCpuStalledShare: clampShare(metricRate('psiCpuFull')),
      pressureMemoryWaitingShare: clampShare(metricRate('psiMemSome')),
      pressureMemoryStalledShare: clampShare(metricRate('psiMemFull')),
      pressureIoWaitingShare: clampShare(metricRate('psiIoSome')),
      pressureIoStalledShare: clampShare(metricRate('psiIoFull')),
      processes: value(values, 'processes'),
    });
  }
  attachSandboxNetworkToPods(figures);
  return figures;
}

/**
 * cAdvisor reports unlimited as 0 (values above 2^62 are clamped to 0), and some versions on
 * cgroup v2 as the machine's memory; a limit at or above the machine's memory limits nothing.
 */
function isUnlimitedMemory(limit: number | null, machineMemoryBytes: number | null): boolean {
  if (limit === null) return true;
  if (limit <= 0 || limit >= 2 ** 62) return true;
  return machineMemoryBytes !== null && machineMemoryBytes > 0 && limit >= machineMemoryBytes;
}

/**
 * The sandbox owns the pod's network namespace, so cAdvisor reports network only on the sandbox
 * (and on `/` for the host). A pod without its own network figures gets its children's.
 */
function attachSandboxNetworkToPods(figures: Map<string, CgroupFigures>): void {
  const podNetwork = new Map<string, { rx: number | null; tx: number | null }>();
  for (const [id, figure] of figures) {
    if (figure.networkRxBytesPerSec === null && figure.networkTxBytesPerSec === null) continue;
    const parent = parentCgroupPath(id);
    if (parent === undefined || parent === '/') continue;
    const parentFigures = figures.get(parent);
    if (parentFigures && (parentFigures.networkRxBytesPerSec !== null || parentFigures.networkTxBytesPerSec !== null)) continue;
    if (parseCgroupPath(parent).segments.at(-1)?.kind !== 'pod') continue;
    const sum = podNetwork.get(parent) ?? { rx: null, tx: null };
    sum.rx = addNullable(sum.rx, figure.networkRxBytesPerSec);
    sum.tx = addNullable(sum.tx, figure.networkTxBytesPerSec);
    podNetwork.set(parent, sum);
  }
  for (const [pod, network] of podNetwork) {
    const figure = figures.get(pod);
    if (!figure) continue;
    figure.networkRxBytesPerSec = network.rx;
    figure.networkTxBytesPerSec = network.tx;
  }
}

function addNullable(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return a + b;
}

/** A figure-bearing copy of a tree node; `unaccounted` rows are added by `summarizeTree`. */
export interface CgroupSummaryNode extends Omit<CgroupNode, 'children'> {
  figures: CgroupFigures | null;
  children: CgroupSummaryNode[];
}

/** Node-level totals that count each pod once (pod cgroup, never pod + sandbox + containers): what the tree payload carries. */
export type CgroupTotals = CgroupTreePayload['totals'];

export interface CgroupSummary {
  root: CgroupSummaryNode;
  totals: CgroupTotals;
}

/**
 * When an "unaccounted" row is added: the parent exceeds the sum of its children by more than
 * `minShare` of the parent's value AND more than an absolute floor (so rounding noise and idle
 * cgroups do not sprout rows). Defaults: 5 %, 0.01 cores, 1 CPU-second cumulative, 1 MiB.
 */
export interface UnaccountedThresholds {
  minShare: number;
  minCpuCores: number;
  minCpuSeconds: number;
  minMemoryBytes: number;
}

export const DEFAULT_UNACCOUNTED_THRESHOLDS: UnaccountedThresholds = {
  minShare: 0.05,
  minCpuCores: 0.01,
  minCpuSeconds: 1,
  minMemoryBytes: 1024 * 1024,
};

/** Path of the unaccounted row under `parentPath` (the `#` cannot occur in a cgroup id from cAdvisor). */
export function unaccountedPath(parentPath: string): string {
  return `${parentPath === '/' ? '' : parentPath}/#unaccounted`;
}

/**
 * Attaches figures to a copy of the tree, adds an `unaccounted` child where a reported parent's CPU
 * or memory working set exceeds the sum of its children (processes in the parent itself, kernel
 * memory charged to it, children the source does not list), and totals pods once each.
 */
export function summarizeTree(
  tree: CgroupTree,
  figures: ReadonlyMap<string, CgroupFigures>,
  thresholds: UnaccountedThresholds = DEFAULT_UNACCOUNTED_THRESHOLDS,
): CgroupSummary {
  const totals: CgroupTotals = { pods: 0, containers: 0, sandboxes: 0, podsCpuCores: null, podsCpuUsageSeconds: null, podsMemoryWorkingSetBytes: null };

  const visit = (node: CgroupNode): CgroupSummaryNode => {
    const children = node.children.map(visit);
    const own = figures.get(node.path) ?? null;
    const summary: CgroupSummaryNode = { ...node, figures: own, children };
    const unaccounted = own && node.isReported ? unaccountedRow(node, own, children, thresholds) : undefined;
    if (unaccounted) children.push(unaccounted);

    if (node.kind === 'container') totals.containers++;
    if (node.kind === 'sandbox') totals.sandboxes++;
    if (node.kind === 'pod') {
      totals.pods++;
      // A pod counts through its own cgroup; only a pod cgroup the source did not list is summed from its children.
      const counted = own ? [own] : children.map((child) => child.figures).filter((figure): figure is CgroupFigures => figure !== null);
      for (const figure of counted) {
        totals.podsCpuCores = addNullable(totals.podsCpuCores, figure.cpuCores);
        totals.podsCpuUsageSeconds = addNullable(totals.podsCpuUsageSeconds, figure.cpuUsageSeconds);
        totals.podsMemoryWorkingSetBytes = addNullable(totals.podsMemoryWorkingSetBytes, figure.memoryWorkingSetBytes);
      }
    }
    return summary;
  };
  return { root: visit(tree.root), totals };
}

function emptyFigures(intervalMs: number | null): CgroupFigures {
  return {
    intervalMs,
    cpuUsageSeconds: null,
    cpuCores: null,
    cpuUserCores: null,
    cpuSystemCores: null,
    cpuLimitCores: null,
    throttledShare: null,
    cpuThrottledCores: null,
    memoryUsageBytes: null,
    memoryWorkingSetBytes: null,
    memoryRssBytes: null,
    memoryCacheBytes: null,
    memorySwapBytes: null,
    memoryLimitBytes: null,
    oomEvents: null,
    memoryFailcnt: null,
    ioReadBytes: null,
    ioWriteBytes: null,
    ioReadBytesPerSec: null,
    ioWriteBytesPerSec: null,
    ioReadOpsPerSec: null,
    ioWriteOpsPerSec: null,
    networkRxBytesPerSec: null,
    networkTxBytesPerSec: null,
    pressureCpuWaitingShare: null,
    pressureCpuStalledShare: null,
    pressureMemoryWaitingShare: null,
    pressureMemoryStalledShare: null,
    pressureIoWaitingShare: null,
    pressureIoStalledShare: null,
    processes: null,
  };
}

/** The excess of a parent over its children, per figure; null when no child reports the figure. */
function excess(parent: number | null, children: readonly CgroupSummaryNode[], pick: (figures: CgroupFigures) => number | null): number | null {
  if (parent === null) return null;
  let sum: number | null = null;
  for (const child of children) sum = addNullable(sum, child.figures ? pick(child.figures) : null);
  return sum === null ? null : parent - sum;
}

function unaccountedRow(
  node: CgroupNode,
  own: CgroupFigures,
  children: readonly CgroupSummaryNode[],
  thresholds: UnaccountedThresholds,
): CgroupSummaryNode | undefined {
  if (children.length === 0) return undefined;
  const exceeds = (amount: number | null, whole: number | null, floor: number) =>
    amount !== null && whole !== null && amount > floor && amount > whole * thresholds.minShare;

  const cpuCores = excess(own.cpuCores, children, (figures) => figures.cpuCores);
  const cpuSeconds = excess(own.cpuUsageSeconds, children, (figures) => figures.cpuUsageSeconds);
  const memory = excess(own.memoryWorkingSetBytes, children, (figures) => figures.memoryWorkingSetBytes);
  const cpuExceeds = own.cpuCores !== null ? exceeds(cpuCores, own.cpuCores, thresholds.minCpuCores) : exceeds(cpuSeconds, own.cpuUsageSeconds, thresholds.minCpuSeconds);
  const memoryExceeds = exceeds(memory, own.memoryWorkingSetBytes, thresholds.minMemoryBytes);
  if (!cpuExceeds && !memoryExceeds) return undefined;

  const figures = emptyFigures(own.intervalMs);
  figures.cpuCores = cpuCores === null ? null : Math.max(0, cpuCores);
  figures.cpuUsageSeconds = cpuSeconds === null ? null : Math.max(0, cpuSeconds);
  figures.memoryWorkingSetBytes = memory === null ? null : Math.max(0, memory);
  const row: CgroupSummaryNode = {
    path: unaccountedPath(node.path),
    name: '(unaccounted)',
    kind: 'unaccounted',
    segment: null,
    isReported: false,
    figures,
    children: [],
  };
  if (node.qos) row.qos = node.qos;
  if (node.pod) row.pod = { ...node.pod };
  return row;
}
