import { closeSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ACCOUNTING_CONTROLLERS, detectCgroupLayout, type CgroupHierarchy, type CgroupLayout } from './cgroup-layout.js';
import type { Disposable } from '../../util/disposable.js';
import { formatExposition, type MetricFamily } from './exposition-writer.js';

/**
 * Reads this machine's cgroups (v1, v2 or hybrid) into the families the kubelet's cAdvisor
 * exposes (protocols.md §6.2), with the same labels (`container, id, image, name, namespace, pod`,
 * empty where unknown) and per-cgroup millisecond timestamps, so the cgroup model treats the local
 * machine like any scraped node.
 *
 * Figures follow cAdvisor/runc (google/cadvisor container/libcontainer/handler.go, opencontainers
 * runc libcontainer/cgroups/fs and fs2):
 * - CPU: v1 `cpuacct.usage` (ns) and `cpuacct.stat` (USER_HZ ticks, 100 per second on every
 *   mainstream Linux build); v2 `cpu.stat` `usage_usec`/`user_usec`/`system_usec`. CFS counters
 *   (`nr_periods`, `nr_throttled`, `throttled_time` ns / `throttled_usec`) only where a quota is set,
 *   as cAdvisor does. Quota/period from `cpu.cfs_quota_us`/`cpu.cfs_period_us` or `cpu.max`.
 * - Memory: usage from `memory.usage_in_bytes` / `memory.current` (the v2 root has neither and uses
 *   `anon + file` from memory.stat, as runc does); working set = usage − inactive file (v1
 *   `total_inactive_file`, v2 `inactive_file`), floored at 0; RSS v1 `total_rss` / v2 `anon`; cache
 *   v1 `total_cache` / v2 `file`. Unlimited limits (v2 `max`, v1 values above 2^62) are written as 0,
 *   as cAdvisor does. OOM events: `oom_kill` from `memory.oom_control` (v1) or `memory.events` (v2).
 *   Failcnt: v1 `memory.failcnt`; v2 has none, the `max` count of memory.events (times usage hit
 *   memory.max) stands in for it.
 * - IO: v2 `io.stat`; v1 `blkio.throttle.io_service_bytes_recursive`/`io_serviced_recursive`
 *   (the non-recursive files where those are missing). Devices are named from /proc/diskstats.
 * - PSI (`cpu|memory|io.pressure`, v2 or the hybrid cgroup2 mount): `some` → waiting, `full` → stalled.
 * - Threads: `pids.current` / `pids.max` (cAdvisor's container_threads[_max] come from the pids controller).
 * - Network is per namespace, not per cgroup: the host's interfaces (/proc/net/dev) go on `id="/"`.
 * - `container_last_seen` (epoch seconds) is written for every cgroup, so each one appears even
 *   when none of its files could be read.
 */
export interface LocalCgroupOptions {
  /** /proc of this machine (diskstats, net/dev, cpuinfo, meminfo). */
  procRoot?: string;
  /**
   * Which hierarchies to walk for the list of cgroups: `accounting` (default) walks those the
   * figures come from (cpu, cpuacct, memory, blkio, pids, systemd's and cgroup2); `all` walks every
   * mounted hierarchy (net_cls, devices, freezer…), which costs one folder listing more per cgroup
   * and hierarchy.
   */
  hierarchies?: 'accounting' | 'all';
  /** Epoch-ms clock for sample timestamps (tests pass a fixed one). */
  nowMs?: () => number;
  /** Cgroups read between yields to the event loop; reading is synchronous inside a batch because sysfs reads are short. */
  batchSize?: number;
  /** How long a LocalCgroupReader keeps limits and weights (cpu.max, memory.limit_in_bytes, …) before reading them again; 0 reads them every time. */
  specRefreshMs?: number;
  /** File descriptors a LocalCgroupReader may keep open between readings (default: the soft limit less 4096, at least a quarter of it, at most 16384; 0 keeps none). */
  openFileBudget?: number;
}

export interface LocalCgroupReading {
  layout: CgroupLayout;
  families: MetricFamily[];
  /** Cgroup ids found (hierarchy-relative paths, `/` first). */
  cgroupIds: string[];
  /** Files read, for cost accounting. */
  fileReads: number;
}

/** One cgroup id and, per hierarchy where it exists, its folder's file names. */
interface CgroupEntry {
  id: string;
  files: Map<CgroupHierarchy, Set<string>>;
}

const USER_HZ = 100;
const UNLIMITED = 2 ** 62;
const IGNORED_INTERFACES = /^(lo|veth|docker|nerdctl)/;

const HELP: Record<string, [string, MetricFamily['type']]> = {
  container_blkio_device_usage_total: ['Blkio Device bytes usage', 'counter'],
  container_cpu_cfs_periods_total: ['Number of elapsed enforcement period intervals.', 'counter'],
  container_cpu_cfs_throttled_periods_total: ['Number of throttled period intervals.', 'counter'],
  container_cpu_cfs_throttled_seconds_total: ['Total time duration the container has been throttled.', 'counter'],
  container_cpu_system_seconds_total: ['Cumulative system cpu time consumed in seconds.', 'counter'],
  container_cpu_usage_seconds_total: ['Cumulative cpu time consumed in seconds.', 'counter'],
  container_cpu_user_seconds_total: ['Cumulative user cpu time consumed in seconds.', 'counter'],
  container_fs_reads_bytes_total: ['Cumulative count of bytes read', 'counter'],
  container_fs_reads_total: ['Cumulative count of reads completed', 'counter'],
  container_fs_writes_bytes_total: ['Cumulative count of bytes written', 'counter'],
  container_fs_writes_total: ['Cumulative count of writes completed', 'counter'],
  container_last_seen: ['Last time a container was seen by the exporter', 'gauge'],
  container_memory_cache: ['Number of bytes of page cache memory.', 'gauge'],
  container_memory_failcnt: ['Number of memory usage hits limits', 'counter'],
  container_memory_mapped_file: ['Size of memory mapped files in bytes.', 'gauge'],
  container_memory_max_usage_bytes: ['Maximum memory usage recorded in bytes', 'gauge'],
  container_memory_rss: ['Size of RSS in bytes.', 'gauge'],
  container_memory_swap: ['Container swap usage in bytes.', 'gauge'],
  container_memory_usage_bytes: ['Current memory usage in bytes, including all memory regardless of when it was accessed', 'gauge'],
  container_memory_working_set_bytes: ['Current working set in bytes.', 'gauge'],
  container_network_receive_bytes_total: ['Cumulative count of bytes received', 'counter'],
  container_network_receive_errors_total: ['Cumulative count of errors encountered while receiving', 'counter'],
  container_network_receive_packets_dropped_total: ['Cumulative count of packets dropped while receiving', 'counter'],
  container_network_receive_packets_total: ['Cumulative count of packets received', 'counter'],
  container_network_transmit_bytes_total: ['Cumulative count of bytes transmitted', 'counter'],
  container_network_transmit_errors_total: ['Cumulative count of errors encountered while transmitting', 'counter'],
  container_network_transmit_packets_dropped_total: ['Cumulative count of packets dropped while transmitting', 'counter'],
  container_network_transmit_packets_total: ['Cumulative count of packets transmitted', 'counter'],
  container_oom_events_total: ['Count of out of memory events observed for the container', 'counter'],
  container_pressure_cpu_stalled_seconds_total: ['Total time duration no tasks in the container could make progress due to CPU congestion.', 'counter'],
  container_pressure_cpu_waiting_seconds_total: ['Total time duration tasks in the container have waited due to CPU congestion.', 'counter'],
  container_pressure_io_stalled_seconds_total: ['Total time duration no tasks in the container could make progress due to IO congestion.', 'counter'],
  container_pressure_io_waiting_seconds_total: ['Total time duration tasks in the container have waited due to IO congestion.', 'counter'],
  container_pressure_memory_stalled_seconds_total: ['Total time duration no tasks in the container could make progress due to memory congestion.', 'counter'],
  container_pressure_memory_waiting_seconds_total: ['Total time duration tasks in the container have waited due to memory congestion.', 'counter'],
  container_spec_cpu_period: ['CPU period of the container.', 'gauge'],
  container_spec_cpu_quota: ['CPU quota of the container.', 'gauge'],
  container_spec_cpu_shares: ['CPU share of the container.', 'gauge'],
  container_spec_memory_limit_bytes: ['Memory limit for the container.', 'gauge'],
  container_threads: ['Number of threads running inside the container', 'gauge'],
  container_threads_max: ['Maximum number of threads allowed inside the container, infinity if value is zero', 'gauge'],
  machine_cpu_cores: ['Number of logical CPU cores.', 'gauge'],
  machine_memory_bytes: ['Amount of memory installed on the machine.', 'gauge'],
};

/** Collects samples per family; families come out sorted by name, as client_golang writes them. */
class FamilySet {
  readonly #families = new Map<string, MetricFamily>();

  add(name: string, labels: Record<string, string>, value: number, timestampMs: number | null): void {
    let family = this.#families.get(name);
    if (!family) {
      const [help, type] = HELP[name] ?? ['', 'untyped'];
      family = { name, help, type, samples: [] };
      this.#families.set(name, family);
    }
    family.samples.push(timestampMs === null ? { labels, value } : { labels, value, timestampMs });
  }

  sorted(): MetricFamily[] {
    return [...this.#families.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/**
 * The kubelet's label set for a cgroup, plus family extras, keys in name order as client_golang
 * writes them. Written out per family shape: building and sorting generic objects was a visible
 * share of a reading.
 */
function cgroupLabels(id: string): Record<string, string> {
  return { container: '', id, image: '', name: '', namespace: '', pod: '' };
}

function cpuLabels(id: string): Record<string, string> {
  return { container: '', cpu: 'total', id, image: '', name: '', namespace: '', pod: '' };
}

function deviceLabels(id: string, device: string): Record<string, string> {
  return { container: '', device, id, image: '', name: '', namespace: '', pod: '' };
}

function blkioLabels(id: string, device: string, major: string, minor: string, operation: 'Read' | 'Write'): Record<string, string> {
  return { container: '', device, id, image: '', major, minor, name: '', namespace: '', operation, pod: '' };
}

function interfaceLabels(id: string, name: string): Record<string, string> {
  return { container: '', id, image: '', interface: name, name: '', namespace: '', pod: '' };
}

/**
 * `key value` lines (cpu.stat, memory.stat, memory.events, cpuacct.stat, memory.oom_control),
 * looked up on demand: memory.stat has some 40 lines and a handful are needed, so nothing is split.
 */
class KeyValues {
  constructor(private readonly text: string) {}

  get(key: string): number | undefined {
    const text = this.text;
    let at = text.startsWith(`${key} `) ? 0 : text.indexOf(`\n${key} `);
    if (at < 0) return undefined;
    if (at > 0) at++;
    const start = at + key.length + 1;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const value = Number(text.slice(start, end));
    return Number.isFinite(value) ? value : undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}

function parseKeyValues(text: string): KeyValues {
  return new KeyValues(text);
}

/** `some avg10=… total=<µs>` / `full …` → seconds. */
function parsePressure(text: string): { some: number | null; full: number | null } {
  const result: { some: number | null; full: number | null } = { some: null, full: null };
  for (const line of text.split('\n')) {
    const total = /^(some|full) .*\btotal=(\d+)/.exec(line);
    if (total) result[total[1] as 'some' | 'full'] = Number(total[2]) / 1e6;
  }
  return result;
}

/** A number file (`max` means unlimited and reads as null). */
function parseNumberFile(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === 'max' || trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

interface DeviceIo {
  major: string;
  minor: string;
  readBytes: number;
  writeBytes: number;
  reads: number;
  writes: number;
}

/** v2 io.stat: `8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0` per device. */
function parseIoStat(text: string): DeviceIo[] {
  const devices: DeviceIo[] = [];
  for (const line of text.split('\n')) {
    const [device, ...pairs] = line.trim().split(/\s+/);
    const numbers = /^(\d+):(\d+)$/.exec(device ?? '');
    if (!numbers) continue;
    const fields = new Map(pairs.map((pair) => pair.split('=') as [string, string]));
    devices.push({
      major: numbers[1],
      minor: numbers[2],
      readBytes: Number(fields.get('rbytes') ?? 0),
      writeBytes: Number(fields.get('wbytes') ?? 0),
      reads: Number(fields.get('rios') ?? 0),
      writes: Number(fields.get('wios') ?? 0),
    });
  }
  return devices;
}

/** v1 blkio `8:0 Read 4096` lines (bytes or ops file) → per device read/write. */
function parseBlkio(text: string): Map<string, { read: number; write: number }> {
  const devices = new Map<string, { read: number; write: number }>();
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 3 || !/^\d+:\d+$/.test(parts[0])) continue;
    const entry = devices.get(parts[0]) ?? { read: 0, write: 0 };
    if (parts[1] === 'Read') entry.read = Number(parts[2]);
    else if (parts[1] === 'Write') entry.write = Number(parts[2]);
    else continue;
    devices.set(parts[0], entry);
  }
  return devices;
}

/** Limits and weights change rarely; re-reading them every time would be a third of the file reads. */
const SPEC_FILES: ReadonlySet<string> = new Set([
  'cpu.max', 'cpu.weight', 'memory.max', 'pids.max', 'cpu.cfs_quota_us', 'cpu.cfs_period_us', 'cpu.shares', 'memory.limit_in_bytes',
]);

/**
 * The open-file budget for kept file descriptors, from this process's soft limit (/proc/self/limits
 * "Max open files"; Node raises it to the hard limit at start): all but 4096 left for sockets and
 * the rest of the app, at least a quarter of it, at most 16384 (about 1000 cgroups of v2 files).
 */
function defaultOpenFileBudget(): number {
  try {
    const limits = readFileSync('/proc/self/limits', 'latin1');
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
    if (soft === 'unlimited') return 16384;
    if (soft !== undefined) return Math.min(16384, Math.max(Math.floor(Number(soft) / 4), Number(soft) - 4096));
  } catch {
    // Not Linux or no /proc: stay small.
  }
  return 256;
}

/**
 * Reads small pseudo-files, cheaply when called again and again. Cgroup and /proc files are
 * seq_files: reading from offset 0 (pread) regenerates their content, so descriptors are kept open
 * across readings and each later read is one system call instead of open + read + close (measured
 * here: 6–8 µs against 25–30 µs per file). Descriptors not used in the previous reading (removed
 * cgroups) are closed; the number kept is bounded by `openFileBudget`. Limits and weights are
 * re-read only every `specRefreshMs`. A cgroup can vanish between listing and reading: that read
 * returns undefined.
 */
class FileReader implements Disposable {
  /** Files read (cache hits for spec files not counted). */
  count = 0;
  #buffer = Buffer.allocUnsafe(64 * 1024);
  readonly #spec = new Map<string, { text: string | undefined; readAtMs: number; generation: number }>();
  readonly #open = new Map<string, { fd: number; generation: number }>();
  #generation = 0;
  #openFileBudget: number;

  constructor(
    private readonly specRefreshMs: number,
    openFileBudget: number,
  ) {
    this.#openFileBudget = openFileBudget;
  }

  /** Starts a reading: what the previous reading did not use is forgotten and closed. */
  begin(): void {
    const previous = this.#generation++;
    for (const [path, entry] of this.#spec) if (entry.generation < previous) this.#spec.delete(path);
    for (const [path, entry] of this.#open) {
      if (entry.generation < previous) {
        this.#close(entry.fd);
        this.#open.delete(path);
      }
    }
  }

  read(path: string, nowMs = 0): string | undefined {
    const slash = path.lastIndexOf('/');
    if (this.specRefreshMs > 0 && SPEC_FILES.has(path.slice(slash + 1))) {
      const cached = this.#spec.get(path);
      if (cached && nowMs - cached.readAtMs < this.specRefreshMs) {
        cached.generation = this.#generation;
        return cached.text;
      }
      const text = this.#readNow(path);
      this.#spec.set(path, { text, readAtMs: nowMs, generation: this.#generation });
      return text;
    }
    return this.#readNow(path);
  }

  dispose(): void {
    for (const entry of this.#open.values()) this.#close(entry.fd);
    this.#open.clear();
    this.#spec.clear();
  }

  #readNow(path: string): string | undefined {
    this.count++;
    const kept = this.#open.get(path);
    if (kept) {
      const text = this.#readAll(kept.fd);
      if (text !== undefined) {
        kept.generation = this.#generation;
        return text;
      }
      // The cgroup went away (ENODEV): forget it.
      this.#close(kept.fd);
      this.#open.delete(path);
      return undefined;
    }
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EMFILE') this.#openFileBudget = Math.floor(this.#open.size / 2);
      return undefined;
    }
    const text = this.#readAll(fd);
    if (text !== undefined && this.#open.size < this.#openFileBudget) {
      this.#open.set(path, { fd, generation: this.#generation });
    } else {
      this.#close(fd);
    }
    return text;
  }

  /** The whole file from offset 0 (pread), growing the shared buffer for large files. */
  #readAll(fd: number): string | undefined {
    try {
      let length = 0;
      for (;;) {
        const read = readSync(fd, this.#buffer, length, this.#buffer.length - length, length);
        if (read === 0) break;
        length += read;
        if (length === this.#buffer.length) {
          const bigger = Buffer.allocUnsafe(this.#buffer.length * 2);
          this.#buffer.copy(bigger);
          this.#buffer = bigger;
        }
      }
      return this.#buffer.toString('latin1', 0, length);
    } catch {
      return undefined;
    }
  }

  #close(fd: number): void {
    try {
      closeSync(fd);
    } catch {
      // Already closed: nothing to release.
    }
  }
}

/** Lists every cgroup folder of a hierarchy, with its file names; ids are hierarchy-relative (`/` for the mount). */
function walkHierarchy(hierarchy: CgroupHierarchy, entries: Map<string, CgroupEntry>): void {
  const pending: string[] = ['/'];
  while (pending.length > 0) {
    const id = pending.pop() as string;
    let dirents;
    try {
      dirents = readdirSync(id === '/' ? hierarchy.dir : `${hierarchy.dir}${id}`, { withFileTypes: true });
    } catch {
      continue;
    }
    const files = new Set<string>();
    for (const dirent of dirents) {
      if (dirent.isDirectory()) pending.push(id === '/' ? `/${dirent.name}` : `${id}/${dirent.name}`);
      else files.add(dirent.name);
    }
    let entry = entries.get(id);
    if (!entry) {
      entry = { id, files: new Map() };
      entries.set(id, entry);
    }
    entry.files.set(hierarchy, files);
  }
}

/** Block device names by `major:minor` from /proc/diskstats, for cAdvisor-style `device="/dev/sda"` labels. */
function readDeviceNames(procRoot: string, reader: FileReader): Map<string, string> {
  const names = new Map<string, string>();
  const text = reader.read(join(procRoot, 'diskstats'));
  for (const line of text?.split('\n') ?? []) {
    const fields = line.trim().split(/\s+/);
    if (fields.length >= 3) names.set(`${fields[0]}:${fields[1]}`, `/dev/${fields[2]}`);
  }
  return names;
}

/** Lists the cgroup ids of this machine (union over the walked hierarchies), sorted, `/` first. */
export function listLocalCgroupIds(root = '/sys/fs/cgroup', options: Pick<LocalCgroupOptions, 'hierarchies'> = {}): string[] {
  const layout = detectCgroupLayout(root);
  return [...collectEntries(layout, options.hierarchies ?? 'accounting').keys()].sort(compareIds);
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function collectEntries(layout: CgroupLayout, which: 'accounting' | 'all'): Map<string, CgroupEntry> {
  const entries = new Map<string, CgroupEntry>();
  for (const hierarchy of layout.hierarchies) {
    const walk = which === 'all' || hierarchy.version === 2 || hierarchy.controllers.some((controller) => ACCOUNTING_CONTROLLERS.includes(controller));
    if (walk) walkHierarchy(hierarchy, entries);
  }
  return entries;
}

/**
 * Reads this machine's cgroups again and again, cheaply: the hierarchy layout is found once and
 * limits are re-read every `specRefreshMs` (default 10 s). Use one per local source; the plain
 * functions below make a fresh one per call.
 */
export class LocalCgroupReader implements Disposable {
  readonly #root: string;
  readonly #options: LocalCgroupOptions;
  readonly #files: FileReader;
  #layout: CgroupLayout | undefined;

  constructor(root = '/sys/fs/cgroup', options: LocalCgroupOptions = {}) {
    this.#root = root;
    this.#options = options;
    this.#files = new FileReader(options.specRefreshMs ?? 10_000, options.openFileBudget ?? defaultOpenFileBudget());
  }

  /** Closes the file descriptors kept between readings. */
  dispose(): void {
    this.#files.dispose();
  }

  /** Reads all cgroups into cAdvisor-style metric families. */
  async read(): Promise<LocalCgroupReading> {
    const procRoot = this.#options.procRoot ?? '/proc';
    const now = this.#options.nowMs ?? Date.now;
    const batchSize = this.#options.batchSize ?? 64;
    const layout = (this.#layout ??= detectCgroupLayout(this.#root));
    const reader = this.#files;
    reader.begin();
    const readsBefore = reader.count;
    const entries = collectEntries(layout, this.#options.hierarchies ?? 'accounting');
    const devices = readDeviceNames(procRoot, reader);
    const families = new FamilySet();
    const ids = [...entries.keys()].sort(compareIds);

    for (let start = 0; start < ids.length; start += batchSize) {
      if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      for (const id of ids.slice(start, start + batchSize)) {
        readCgroup(entries.get(id) as CgroupEntry, layout, reader, devices, families, now());
      }
    }
    readHostNetwork(procRoot, reader, families, now());
    readMachine(procRoot, reader, families);
    return { layout, families: families.sorted(), cgroupIds: ids, fileReads: reader.count - readsBefore };
  }

  /** Reads all cgroups as Prometheus text, as the kubelet's /metrics/cadvisor would serve them. */
  async readExposition(): Promise<string> {
    return formatExposition((await this.read()).families);
  }
}

/** Reads all cgroups of this machine into cAdvisor-style metric families (one-off; see LocalCgroupReader). */
export async function readLocalCgroupFamilies(root = '/sys/fs/cgroup', options: LocalCgroupOptions = {}): Promise<LocalCgroupReading> {
  const reader = new LocalCgroupReader(root, { openFileBudget: 0, ...options });
  try {
    return await reader.read();
  } finally {
    reader.dispose();
  }
}

/** Reads all cgroups of this machine as Prometheus text, as the kubelet's /metrics/cadvisor would serve them. */
export async function readLocalCgroupExposition(root = '/sys/fs/cgroup', options: LocalCgroupOptions = {}): Promise<string> {
  return formatExposition((await readLocalCgroupFamilies(root, options)).families);
}

/** Folder of `id` in the v1 hierarchy of `controller`, if the cgroup exists there; with its file names. */
function v1Dir(entry: CgroupEntry, layout: CgroupLayout, controller: string): { dir: string; files: Set<string> } | undefined {
  const hierarchy = layout.v1.get(controller);
  const files = hierarchy ? entry.files.get(hierarchy) : undefined;
  if (!hierarchy || !files) return undefined;
  return { dir: entry.id === '/' ? hierarchy.dir : `${hierarchy.dir}${entry.id}`, files };
}

function v2Dir(entry: CgroupEntry, layout: CgroupLayout): { dir: string; files: Set<string> } | undefined {
  const hierarchy = layout.unified;
  const files = hierarchy ? entry.files.get(hierarchy) : undefined;
  if (!hierarchy || !files) return undefined;
  return { dir: entry.id === '/' ? hierarchy.dir : `${hierarchy.dir}${entry.id}`, files };
}

function readCgroup(entry: CgroupEntry, layout: CgroupLayout, reader: FileReader, devices: Map<string, string>, out: FamilySet, tsMs: number): void {
  const id = entry.id;
  const labels = cgroupLabels(id);
  const v2 = v2Dir(entry, layout);
  // Every cgroup gets this series (as in cAdvisor), so cgroups without readable figures still show up.
  out.add('container_last_seen', labels, Math.floor(tsMs / 1000), tsMs);
  // Ids start with "/" and mount folders end without one, so plain concatenation is a valid path
  // (path.join's normalising showed in profiles).
  const read = (place: { dir: string; files: Set<string> } | undefined, file: string): string | undefined =>
    place && place.files.has(file) ? reader.read(`${place.dir}/${file}`, tsMs) : undefined;

  // CPU usage: v1 cpuacct where mounted, else cgroup2's cpu.stat (present on every v2 cgroup).
  const cpuacct = v1Dir(entry, layout, 'cpuacct');
  const v2CpuStat = layout.v1.has('cpu') ? undefined : read(v2, 'cpu.stat');
  const v2Cpu = v2CpuStat === undefined ? undefined : parseKeyValues(v2CpuStat);
  if (cpuacct) {
    const usage = read(cpuacct, 'cpuacct.usage');
    if (usage !== undefined) out.add('container_cpu_usage_seconds_total', cpuLabels(id), Number(usage.trim()) / 1e9, tsMs);
    const stat = read(cpuacct, 'cpuacct.stat');
    if (stat !== undefined) {
      const ticks = parseKeyValues(stat);
      if (ticks.has('user')) out.add('container_cpu_user_seconds_total', labels, (ticks.get('user') as number) / USER_HZ, tsMs);
      if (ticks.has('system')) out.add('container_cpu_system_seconds_total', labels, (ticks.get('system') as number) / USER_HZ, tsMs);
    }
  } else if (v2Cpu) {
    if (v2Cpu.has('usage_usec')) out.add('container_cpu_usage_seconds_total', cpuLabels(id), (v2Cpu.get('usage_usec') as number) / 1e6, tsMs);
    if (v2Cpu.has('user_usec')) out.add('container_cpu_user_seconds_total', labels, (v2Cpu.get('user_usec') as number) / 1e6, tsMs);
    if (v2Cpu.has('system_usec')) out.add('container_cpu_system_seconds_total', labels, (v2Cpu.get('system_usec') as number) / 1e6, tsMs);
  }

  // CPU limit and throttling.
  const cpu = v1Dir(entry, layout, 'cpu');
  let quotaUs: number | null = null;
  let periodUs: number | null = null;
  let throttling: { periods: number; throttled: number; throttledSeconds: number } | undefined;
  if (cpu) {
    const quota = read(cpu, 'cpu.cfs_quota_us');
    const period = read(cpu, 'cpu.cfs_period_us');
    quotaUs = quota === undefined ? null : parseNumberFile(quota);
    if (quotaUs !== null && quotaUs <= 0) quotaUs = null;
    periodUs = period === undefined ? null : parseNumberFile(period);
    const shares = read(cpu, 'cpu.shares');
    if (shares !== undefined) out.add('container_spec_cpu_shares', labels, Number(shares.trim()), null);
    const stat = quotaUs === null ? undefined : read(cpu, 'cpu.stat');
    if (stat !== undefined) {
      const values = parseKeyValues(stat);
      throttling = { periods: values.get('nr_periods') ?? 0, throttled: values.get('nr_throttled') ?? 0, throttledSeconds: (values.get('throttled_time') ?? 0) / 1e9 };
    }
  } else if (v2) {
    const max = read(v2, 'cpu.max');
    if (max !== undefined) {
      const [quota, period] = max.trim().split(/\s+/);
      quotaUs = quota === 'max' ? null : Number(quota);
      periodUs = Number(period);
    }
    const weight = read(v2, 'cpu.weight');
    if (weight !== undefined) {
      // cAdvisor/runc ConvertCPUWeightToShares inverse: shares = 2 + (weight − 1) × 262142 / 9999.
      out.add('container_spec_cpu_shares', labels, Math.round(2 + ((Number(weight.trim()) - 1) * 262142) / 9999), null);
    }
    const values = v2Cpu ?? (v2.files.has('cpu.stat') ? parseKeyValues(read(v2, 'cpu.stat') ?? '') : undefined);
    if (quotaUs !== null && values?.has('nr_periods')) {
      throttling = { periods: values.get('nr_periods') ?? 0, throttled: values.get('nr_throttled') ?? 0, throttledSeconds: (values.get('throttled_usec') ?? 0) / 1e6 };
    }
  }
  if (periodUs !== null && Number.isFinite(periodUs)) out.add('container_spec_cpu_period', labels, periodUs, null);
  if (quotaUs !== null && Number.isFinite(quotaUs)) out.add('container_spec_cpu_quota', labels, quotaUs, null);
  if (throttling) {
    out.add('container_cpu_cfs_periods_total', labels, throttling.periods, tsMs);
    out.add('container_cpu_cfs_throttled_periods_total', labels, throttling.throttled, tsMs);
    out.add('container_cpu_cfs_throttled_seconds_total', labels, throttling.throttledSeconds, tsMs);
  }

  readMemory(entry, layout, read, labels, out, tsMs);
  readIo(entry, layout, read, id, devices, out, tsMs);

  // Threads from the pids controller.
  const pids = v1Dir(entry, layout, 'pids') ?? (layout.v1.has('pids') ? undefined : v2);
  const threads = read(pids, 'pids.current');
  if (threads !== undefined) out.add('container_threads', labels, Number(threads.trim()), tsMs);
  const threadsMax = read(pids, 'pids.max');
  if (threadsMax !== undefined) out.add('container_threads_max', labels, parseNumberFile(threadsMax) ?? 0, tsMs);

  // Pressure stall information lives only on cgroup2.
  for (const resource of ['cpu', 'memory', 'io'] as const) {
    const text = read(v2, `${resource}.pressure`);
    if (text === undefined) continue;
    const pressure = parsePressure(text);
    if (pressure.some !== null) out.add(`container_pressure_${resource}_waiting_seconds_total`, labels, pressure.some, tsMs);
    if (pressure.full !== null) out.add(`container_pressure_${resource}_stalled_seconds_total`, labels, pressure.full, tsMs);
  }
}

type ReadFile = (place: { dir: string; files: Set<string> } | undefined, file: string) => string | undefined;

function readMemory(entry: CgroupEntry, layout: CgroupLayout, read: ReadFile, labels: Record<string, string>, out: FamilySet, tsMs: number): void {
  const v1 = v1Dir(entry, layout, 'memory');
  if (v1) {
    const usageText = read(v1, 'memory.usage_in_bytes');
    const statText = read(v1, 'memory.stat');
    const stat = parseKeyValues(statText ?? '');
    if (usageText !== undefined) {
      const usage = Number(usageText.trim());
      out.add('container_memory_usage_bytes', labels, usage, tsMs);
      out.add('container_memory_working_set_bytes', labels, Math.max(0, usage - (stat.get('total_inactive_file') ?? 0)), tsMs);
    }
    if (stat.has('total_rss')) out.add('container_memory_rss', labels, stat.get('total_rss') as number, tsMs);
    if (stat.has('total_cache')) out.add('container_memory_cache', labels, stat.get('total_cache') as number, tsMs);
    if (stat.has('total_mapped_file')) out.add('container_memory_mapped_file', labels, stat.get('total_mapped_file') as number, tsMs);
    if (stat.has('total_swap')) out.add('container_memory_swap', labels, stat.get('total_swap') as number, tsMs);
    const maxUsage = read(v1, 'memory.max_usage_in_bytes');
    if (maxUsage !== undefined) out.add('container_memory_max_usage_bytes', labels, Number(maxUsage.trim()), tsMs);
    const failcnt = read(v1, 'memory.failcnt');
    if (failcnt !== undefined) out.add('container_memory_failcnt', labels, Number(failcnt.trim()), tsMs);
    const limit = read(v1, 'memory.limit_in_bytes');
    if (limit !== undefined) {
      const bytes = Number(limit.trim());
      out.add('container_spec_memory_limit_bytes', labels, bytes > UNLIMITED ? 0 : bytes, null);
    }
    const oomControl = read(v1, 'memory.oom_control');
    const oomKills = oomControl === undefined ? undefined : parseKeyValues(oomControl).get('oom_kill');
    if (oomKills !== undefined) out.add('container_oom_events_total', labels, oomKills, tsMs);
    return;
  }
  if (layout.v1.has('memory')) return;
  const v2 = v2Dir(entry, layout);
  if (!v2) return;
  const statText = read(v2, 'memory.stat');
  const stat = statText === undefined ? undefined : parseKeyValues(statText);
  const currentText = read(v2, 'memory.current');
  // The v2 root has no memory.current; runc (fs2 rootStatsFromMeminfo) uses anon + file instead.
  const usage = currentText !== undefined ? Number(currentText.trim()) : stat?.has('anon') ? (stat.get('anon') as number) + (stat.get('file') ?? 0) : undefined;
  if (usage !== undefined) {
    out.add('container_memory_usage_bytes', labels, usage, tsMs);
    out.add('container_memory_working_set_bytes', labels, Math.max(0, usage - (stat?.get('inactive_file') ?? 0)), tsMs);
  }
  if (stat?.has('anon')) out.add('container_memory_rss', labels, stat.get('anon') as number, tsMs);
  if (stat?.has('file')) out.add('container_memory_cache', labels, stat.get('file') as number, tsMs);
  if (stat?.has('file_mapped')) out.add('container_memory_mapped_file', labels, stat.get('file_mapped') as number, tsMs);
  const swap = read(v2, 'memory.swap.current');
  if (swap !== undefined) out.add('container_memory_swap', labels, Number(swap.trim()), tsMs);
  const peak = read(v2, 'memory.peak');
  if (peak !== undefined) out.add('container_memory_max_usage_bytes', labels, Number(peak.trim()), tsMs);
  const max = read(v2, 'memory.max');
  if (max !== undefined) out.add('container_spec_memory_limit_bytes', labels, parseNumberFile(max) ?? 0, null);
  const eventsText = read(v2, 'memory.events');
  if (eventsText !== undefined) {
    const events = parseKeyValues(eventsText);
    if (events.has('max')) out.add('container_memory_failcnt', labels, events.get('max') as number, tsMs);
    if (events.has('oom_kill')) out.add('container_oom_events_total', labels, events.get('oom_kill') as number, tsMs);
  }
}

function readIo(entry: CgroupEntry, layout: CgroupLayout, read: ReadFile, id: string, devices: Map<string, string>, out: FamilySet, tsMs: number): void {
  let perDevice: DeviceIo[] | undefined;
  const blkio = v1Dir(entry, layout, 'blkio');
  if (blkio) {
    const bytes = read(blkio, 'blkio.throttle.io_service_bytes_recursive') ?? read(blkio, 'blkio.throttle.io_service_bytes');
    const ops = read(blkio, 'blkio.throttle.io_serviced_recursive') ?? read(blkio, 'blkio.throttle.io_serviced');
    const byteMap = bytes === undefined ? new Map<string, { read: number; write: number }>() : parseBlkio(bytes);
    const opMap = ops === undefined ? new Map<string, { read: number; write: number }>() : parseBlkio(ops);
    perDevice = [...new Set([...byteMap.keys(), ...opMap.keys()])].map((key) => {
      const [major, minor] = key.split(':');
      return {
        major,
        minor,
        readBytes: byteMap.get(key)?.read ?? 0,
        writeBytes: byteMap.get(key)?.write ?? 0,
        reads: opMap.get(key)?.read ?? 0,
        writes: opMap.get(key)?.write ?? 0,
      };
    });
  } else if (!layout.v1.has('blkio')) {
    const stat = read(v2Dir(entry, layout), 'io.stat');
    if (stat !== undefined) perDevice = parseIoStat(stat);
  }
  for (const io of perDevice ?? []) {
    const device = devices.get(`${io.major}:${io.minor}`) ?? `${io.major}:${io.minor}`;
    const withDevice = deviceLabels(id, device);
    out.add('container_fs_reads_bytes_total', withDevice, io.readBytes, tsMs);
    out.add('container_fs_writes_bytes_total', withDevice, io.writeBytes, tsMs);
    out.add('container_fs_reads_total', withDevice, io.reads, tsMs);
    out.add('container_fs_writes_total', withDevice, io.writes, tsMs);
    out.add('container_blkio_device_usage_total', blkioLabels(id, device, io.major, io.minor, 'Read'), io.readBytes, tsMs);
    out.add('container_blkio_device_usage_total', blkioLabels(id, device, io.major, io.minor, 'Write'), io.writeBytes, tsMs);
  }
}

/** Host interfaces on `id="/"`, as cAdvisor reports them (loopback and container veths left out). */
function readHostNetwork(procRoot: string, reader: FileReader, out: FamilySet, tsMs: number): void {
  const text = reader.read(join(procRoot, 'net', 'dev'));
  for (const line of text?.split('\n').slice(2) ?? []) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (IGNORED_INTERFACES.test(name)) continue;
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (f.length < 16) continue;
    const labels = interfaceLabels('/', name);
    out.add('container_network_receive_bytes_total', labels, f[0], tsMs);
    out.add('container_network_receive_packets_total', labels, f[1], tsMs);
    out.add('container_network_receive_errors_total', labels, f[2], tsMs);
    out.add('container_network_receive_packets_dropped_total', labels, f[3], tsMs);
    out.add('container_network_transmit_bytes_total', labels, f[8], tsMs);
    out.add('container_network_transmit_packets_total', labels, f[9], tsMs);
    out.add('container_network_transmit_errors_total', labels, f[10], tsMs);
    out.add('container_network_transmit_packets_dropped_total', labels, f[11], tsMs);
  }
}

function readMachine(procRoot: string, reader: FileReader, out: FamilySet): void {
  const cpuinfo = reader.read(join(procRoot, 'cpuinfo'));
  const processors = cpuinfo === undefined ? 0 : cpuinfo.split('\n').filter((line) => /^processor\s*:/.test(line)).length;
  out.add('machine_cpu_cores', {}, processors > 0 ? processors : cpus().length, null);
  const meminfo = reader.read(join(procRoot, 'meminfo'));
  const total = meminfo === undefined ? undefined : /^MemTotal:\s+(\d+) kB/m.exec(meminfo);
  if (total) out.add('machine_memory_bytes', {}, Number(total[1]) * 1024, null);
}
