import { readFileSync, readdirSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { machine } from 'node:os';
import { join } from 'node:path';
import { formatExposition, type LocalSample, type MetricFamily } from './exposition-writer.js';

/**
 * Reads this machine's /proc and /sys into the families node-exporter writes (protocols.md §7;
 * prometheus/node_exporter collector/{cpu,stat,meminfo,loadavg,uname,netdev,netclass,diskstats,
 * filesystem,pressure,os_release}_linux.go), with the same names, labels and units, so the node
 * views treat "this machine" like a scraped node-exporter.
 *
 * Defaults follow node-exporter 1.5 (the Debian build the tests compare against): loopback left out
 * of netdev; diskstats without partitions, loop, ram and floppy devices; filesystems without
 * virtual types and without /dev, /proc, /run, /sys, /mnt, /media and container storage mounts.
 */
export interface LocalNodeOptions {
  /** os-release file for node_os_info; the standard location, then /usr/lib/os-release, when unset. */
  osReleasePath?: string;
  nowMs?: () => number;
  /** Give up on a filesystem whose statfs takes longer (hung network mounts), reporting device_error 1. */
  statfsTimeoutMs?: number;
  netdevDeviceExclude?: RegExp;
  diskstatsDeviceExclude?: RegExp;
  mountPointsExclude?: RegExp;
  fsTypesExclude?: RegExp;
}

/** node-exporter 1.5 flag defaults (`--collector.*-exclude`). */
export const NODE_DEFAULTS = {
  netdevDeviceExclude: /^lo$/,
  diskstatsDeviceExclude: /^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/,
  mountPointsExclude: /^\/(dev|proc|run|sys|mnt|media|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/,
  fsTypesExclude: /^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$/,
} as const;

/** USER_HZ: /proc/stat counts in 1/100 s on every mainstream Linux build (node-exporter's procfs assumes the same). */
const USER_HZ = 100;
const SECTOR_BYTES = 512;
const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
const NETDEV_FIELDS = [
  'receive_bytes', 'receive_packets', 'receive_errs', 'receive_drop', 'receive_fifo', 'receive_frame', 'receive_compressed', 'receive_multicast',
  'transmit_bytes', 'transmit_packets', 'transmit_errs', 'transmit_drop', 'transmit_fifo', 'transmit_colls', 'transmit_carrier', 'transmit_compressed',
] as const;

/** diskstats columns after major, minor, name (Documentation/admin-guide/iostats.rst): family, help, scale. */
const DISKSTATS_FIELDS: readonly [string, string, number, 'counter' | 'gauge'][] = [
  ['node_disk_reads_completed_total', 'The total number of reads completed successfully.', 1, 'counter'],
  ['node_disk_reads_merged_total', 'The total number of reads merged.', 1, 'counter'],
  ['node_disk_read_bytes_total', 'The total number of bytes read successfully.', SECTOR_BYTES, 'counter'],
  ['node_disk_read_time_seconds_total', 'The total number of seconds spent by all reads.', 0.001, 'counter'],
  ['node_disk_writes_completed_total', 'The total number of writes completed successfully.', 1, 'counter'],
  ['node_disk_writes_merged_total', 'The number of writes merged.', 1, 'counter'],
  ['node_disk_written_bytes_total', 'The total number of bytes written successfully.', SECTOR_BYTES, 'counter'],
  ['node_disk_write_time_seconds_total', 'This is the total number of seconds spent by all writes.', 0.001, 'counter'],
  ['node_disk_io_now', 'The number of I/Os currently in progress.', 1, 'gauge'],
  ['node_disk_io_time_seconds_total', 'Total seconds spent doing I/Os.', 0.001, 'counter'],
  ['node_disk_io_time_weighted_seconds_total', 'The weighted # of seconds spent doing I/Os.', 0.001, 'counter'],
  ['node_disk_discards_completed_total', 'The total number of discards completed successfully.', 1, 'counter'],
  ['node_disk_discards_merged_total', 'The total number of discards merged.', 1, 'counter'],
  ['node_disk_discarded_sectors_total', 'The total number of sectors discarded successfully.', 1, 'counter'],
  ['node_disk_discard_time_seconds_total', 'This is the total number of seconds spent by all discards.', 0.001, 'counter'],
  ['node_disk_flush_requests_total', 'The total number of flush requests completed successfully', 1, 'counter'],
  ['node_disk_flush_requests_time_seconds_total', 'This is the total number of seconds spent by all flush requests.', 0.001, 'counter'],
];

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

/** Families in the order they are added; `add` creates a family on first use. */
class Families {
  readonly #byName = new Map<string, MetricFamily>();

  add(name: string, help: string, type: MetricFamily['type'], labels: Record<string, string>, value: number): void {
    let family = this.#byName.get(name);
    if (!family) {
      family = { name, help, type, samples: [] };
      this.#byName.set(name, family);
    }
    family.samples.push({ labels: sortLabels(labels), value } satisfies LocalSample);
  }

  list(): MetricFamily[] {
    return [...this.#byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

function sortLabels(labels: Record<string, string>): Record<string, string> {
  const keys = Object.keys(labels);
  if (keys.length < 2) return labels;
  const sorted: Record<string, string> = {};
  for (const key of keys.sort()) sorted[key] = labels[key];
  return sorted;
}

/** Reads /proc and /sys into node-exporter-style families. */
export async function readLocalNodeFamilies(procRoot = '/proc', sysRoot = '/sys', options: LocalNodeOptions = {}): Promise<MetricFamily[]> {
  const out = new Families();
  const now = options.nowMs ?? Date.now;
  readStat(procRoot, out);
  readMeminfo(procRoot, out);
  readLoadavg(procRoot, out);
  readUname(procRoot, out);
  readNetdev(procRoot, out, options.netdevDeviceExclude ?? NODE_DEFAULTS.netdevDeviceExclude);
  readNetclass(sysRoot, out, options.netdevDeviceExclude ?? NODE_DEFAULTS.netdevDeviceExclude);
  readDiskstats(procRoot, out, options.diskstatsDeviceExclude ?? NODE_DEFAULTS.diskstatsDeviceExclude);
  readPressure(procRoot, out);
  readOsRelease(options.osReleasePath, out);
  await readFilesystems(procRoot, out, options);
  out.add('node_time_seconds', 'System time in seconds since epoch (1970).', 'gauge', {}, now() / 1000);
  return out.list();
}

/** Reads /proc and /sys as node-exporter-style Prometheus text. */
export async function readLocalNodeExposition(procRoot = '/proc', sysRoot = '/sys', options: LocalNodeOptions = {}): Promise<string> {
  return formatExposition(await readLocalNodeFamilies(procRoot, sysRoot, options));
}

function readStat(procRoot: string, out: Families): void {
  const text = readText(join(procRoot, 'stat'));
  if (text === undefined) return;
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const key = fields[0];
    if (/^cpu\d+$/.test(key)) {
      const cpu = key.slice(3);
      CPU_MODES.forEach((mode, index) => {
        const ticks = fields[index + 1];
        if (ticks !== undefined) out.add('node_cpu_seconds_total', 'Seconds the CPUs spent in each mode.', 'counter', { cpu, mode }, Number(ticks) / USER_HZ);
      });
      if (fields[9] !== undefined) out.add('node_cpu_guest_seconds_total', 'Seconds the CPUs spent in guests (VMs) for each mode.', 'counter', { cpu, mode: 'user' }, Number(fields[9]) / USER_HZ);
      if (fields[10] !== undefined) out.add('node_cpu_guest_seconds_total', 'Seconds the CPUs spent in guests (VMs) for each mode.', 'counter', { cpu, mode: 'nice' }, Number(fields[10]) / USER_HZ);
    } else if (key === 'btime') {
      out.add('node_boot_time_seconds', 'Node boot time, in unixtime.', 'gauge', {}, Number(fields[1]));
    } else if (key === 'ctxt') {
      out.add('node_context_switches_total', 'Total number of context switches.', 'counter', {}, Number(fields[1]));
    } else if (key === 'processes') {
      out.add('node_forks_total', 'Total number of forks.', 'counter', {}, Number(fields[1]));
    } else if (key === 'intr') {
      out.add('node_intr_total', 'Total number of interrupts serviced.', 'counter', {}, Number(fields[1]));
    } else if (key === 'procs_running') {
      out.add('node_procs_running', 'Number of processes in runnable state.', 'gauge', {}, Number(fields[1]));
    } else if (key === 'procs_blocked') {
      out.add('node_procs_blocked', 'Number of processes blocked waiting for I/O to complete.', 'gauge', {}, Number(fields[1]));
    }
  }
}

/** `Active(anon):  123 kB` → node_memory_Active_anon_bytes (kB × 1024); unit-less fields keep their bare name. */
function readMeminfo(procRoot: string, out: Families): void {
  const text = readText(join(procRoot, 'meminfo'));
  for (const line of text?.split('\n') ?? []) {
    const match = /^([^:]+):\s+(\d+)(\s+kB)?\s*$/.exec(line);
    if (!match) continue;
    const field = match[1].replace('(', '_').replace(')', '');
    const kb = match[3] !== undefined;
    const name = kb ? `node_memory_${field}_bytes` : `node_memory_${field}`;
    const help = kb ? `Memory information field ${field}_bytes.` : `Memory information field ${field}.`;
    out.add(name, help, name.endsWith('_total') ? 'counter' : 'gauge', {}, kb ? Number(match[2]) * 1024 : Number(match[2]));
  }
}

function readLoadavg(procRoot: string, out: Families): void {
  const fields = readText(join(procRoot, 'loadavg'))?.trim().split(/\s+/);
  if (!fields || fields.length < 3) return;
  out.add('node_load1', '1m load average.', 'gauge', {}, Number(fields[0]));
  out.add('node_load5', '5m load average.', 'gauge', {}, Number(fields[1]));
  out.add('node_load15', '15m load average.', 'gauge', {}, Number(fields[2]));
}

/** uname(2) fields from /proc/sys/kernel (machine from Node, which asks uname itself). */
function readUname(procRoot: string, out: Families): void {
  const kernel = (file: string) => readText(join(procRoot, 'sys', 'kernel', file))?.replace(/\n$/, '');
  const sysname = kernel('ostype');
  if (sysname === undefined) return;
  out.add('node_uname_info', 'Labeled system information as provided by the uname system call.', 'gauge', {
    domainname: kernel('domainname') ?? '',
    machine: machine(),
    nodename: kernel('hostname') ?? '',
    release: kernel('osrelease') ?? '',
    sysname,
    version: kernel('version') ?? '',
  }, 1);
}

function readNetdev(procRoot: string, out: Families, exclude: RegExp): void {
  const text = readText(join(procRoot, 'net', 'dev'));
  for (const line of text?.split('\n').slice(2) ?? []) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const device = line.slice(0, colon).trim();
    if (exclude.test(device)) continue;
    const values = line.slice(colon + 1).trim().split(/\s+/);
    NETDEV_FIELDS.forEach((field, index) => {
      if (values[index] !== undefined) out.add(`node_network_${field}_total`, `Network device statistic ${field}.`, 'counter', { device }, Number(values[index]));
    });
  }
}

/** A small part of node-exporter's netclass collector: link state and MTU per interface. */
function readNetclass(sysRoot: string, out: Families, exclude: RegExp): void {
  let devices: string[];
  try {
    devices = readdirSync(join(sysRoot, 'class', 'net'));
  } catch {
    return;
  }
  for (const device of devices.sort()) {
    if (exclude.test(device)) continue;
    const base = join(sysRoot, 'class', 'net', device);
    const operstate = readText(join(base, 'operstate'))?.trim();
    if (operstate !== undefined) out.add('node_network_up', 'Value is 1 if operstate is \'up\', 0 otherwise.', 'gauge', { device }, operstate === 'up' ? 1 : 0);
    const mtu = readText(join(base, 'mtu'))?.trim();
    if (mtu !== undefined && mtu !== '') out.add('node_network_mtu_bytes', 'Network device property: mtu_bytes', 'gauge', { device }, Number(mtu));
  }
}

function readDiskstats(procRoot: string, out: Families, exclude: RegExp): void {
  const text = readText(join(procRoot, 'diskstats'));
  for (const line of text?.split('\n') ?? []) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 14) continue;
    const device = fields[2];
    if (exclude.test(device)) continue;
    DISKSTATS_FIELDS.forEach(([name, help, scale, type], index) => {
      const raw = fields[index + 3];
      if (raw !== undefined) out.add(name, help, type, { device }, Number(raw) * scale);
    });
  }
}

/** /proc/pressure: node-exporter writes cpu waiting, io and memory waiting/stalled (no cpu stalled). */
function readPressure(procRoot: string, out: Families): void {
  for (const resource of ['cpu', 'io', 'memory'] as const) {
    const text = readText(join(procRoot, 'pressure', resource));
    if (text === undefined) continue;
    for (const line of text.split('\n')) {
      const total = /^(some|full) .*\btotal=(\d+)/.exec(line);
      if (!total) continue;
      if (resource === 'cpu' && total[1] === 'full') continue;
      const what = total[1] === 'some' ? 'waiting' : 'stalled';
      const help = total[1] === 'some'
        ? `Total time in seconds that processes have waited for ${resource === 'cpu' ? 'CPU time' : resource}`
        : `Total time in seconds no process could make progress due to ${resource} congestion`;
      // µs → s as node-exporter computes it (pressure_linux.go: / 1000.0 / 1000.0), to the last bit.
      out.add(`node_pressure_${resource}_${what}_seconds_total`, help, 'counter', {}, Number(total[2]) / 1000 / 1000);
    }
  }
}

/** os-release(5): KEY=value lines, values optionally quoted. */
function readOsRelease(path: string | undefined, out: Families): void {
  const text = path !== undefined ? readText(path) : (readText('/etc/os-release') ?? readText('/usr/lib/os-release'));
  if (text === undefined) return;
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!match) continue;
    let value = match[2];
    if (/^".*"$|^'.*'$/.test(value)) value = value.slice(1, -1).replace(/\\(["'\\$`])/g, '$1');
    values.set(match[1], value);
  }
  const get = (key: string) => values.get(key) ?? '';
  out.add('node_os_info', 'A metric with a constant \'1\' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.', 'gauge', {
    build_id: get('BUILD_ID'),
    id: get('ID'),
    id_like: get('ID_LIKE'),
    image_id: get('IMAGE_ID'),
    image_version: get('IMAGE_VERSION'),
    name: get('NAME'),
    pretty_name: get('PRETTY_NAME'),
    variant: get('VARIANT'),
    variant_id: get('VARIANT_ID'),
    version: get('VERSION'),
    version_codename: get('VERSION_CODENAME'),
    version_id: get('VERSION_ID'),
  }, 1);
  const version = Number.parseFloat(get('VERSION_ID'));
  if (Number.isFinite(version)) out.add('node_os_version', 'Metric containing the major.minor part of the OS version.', 'gauge', { id: get('ID'), id_like: get('ID_LIKE'), name: get('NAME') }, version);
}

/** Mount table fields escape space, tab, newline and backslash as octal (`\040`). */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

async function readFilesystems(procRoot: string, out: Families, options: LocalNodeOptions): Promise<void> {
  // node-exporter reads PID 1's mount table (the host's, when run in a container with hostPID).
  const text = readText(join(procRoot, '1', 'mounts')) ?? readText(join(procRoot, 'mounts'));
  if (text === undefined) return;
  const mountExclude = options.mountPointsExclude ?? NODE_DEFAULTS.mountPointsExclude;
  const typeExclude = options.fsTypesExclude ?? NODE_DEFAULTS.fsTypesExclude;
  const timeoutMs = options.statfsTimeoutMs ?? 5000;
  const seen = new Set<string>();
  const mounts: { device: string; mountpoint: string; fstype: string; readonly: boolean }[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 4) continue;
    const [device, mountpoint, fstype] = [unescapeMountField(fields[0]), unescapeMountField(fields[1]), fields[2]];
    if (mountExclude.test(mountpoint) || typeExclude.test(fstype)) continue;
    const key = `${device}\0${mountpoint}\0${fstype}`;
    if (seen.has(key)) continue;
    seen.add(key);
    mounts.push({ device, mountpoint, fstype, readonly: fields[3].split(',').includes('ro') });
  }
  const results = await Promise.all(
    mounts.map(async (mount) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), timeoutMs);
      });
      try {
        return await Promise.race([statfs(mount.mountpoint).catch(() => undefined), timeout]);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  mounts.forEach((mount, index) => {
    const labels = { device: mount.device, fstype: mount.fstype, mountpoint: mount.mountpoint };
    const stats = results[index];
    out.add('node_filesystem_device_error', 'Whether an error occurred while getting statistics for the given device.', 'gauge', labels, stats ? 0 : 1);
    if (!stats) return;
    out.add('node_filesystem_size_bytes', 'Filesystem size in bytes.', 'gauge', labels, stats.blocks * stats.bsize);
    out.add('node_filesystem_free_bytes', 'Filesystem free space in bytes.', 'gauge', labels, stats.bfree * stats.bsize);
    out.add('node_filesystem_avail_bytes', 'Filesystem space available to non-root users in bytes.', 'gauge', labels, stats.bavail * stats.bsize);
    out.add('node_filesystem_files', 'Filesystem total file nodes.', 'gauge', labels, stats.files);
    out.add('node_filesystem_files_free', 'Filesystem total free file nodes.', 'gauge', labels, stats.ffree);
    out.add('node_filesystem_readonly', 'Filesystem read-only status.', 'gauge', labels, mount.readonly ? 1 : 0);
  });
}
