import { readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  computeCgroupFigures,
  machineFigures,
  summarizeTree,
  type CadvisorSnapshot,
  type CgroupFigures,
  type CgroupSummary,
  type CgroupSummaryNode,
  type MachineFigures,
} from '../../model/cgroup/figures.js';
import { buildCgroupTree, type PodMeta } from '../../model/cgroup/tree.js';
import type { CgroupDriver } from '../../model/cgroup/names.js';
import { ParseError } from '../../scrape/exposition/parser.js';
import { readSamples } from '../../scrape/exposition/samples.js';
import { LocalCgroupReader } from '../../transport/local-host/cgroup-reader.js';
import { AppError } from '../../util/app-error.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, parseFlags, parseIntegerFlag, type Command } from '../command.js';
import { clusterCgroupSource } from './cgls-cluster.js';

/** What a source hands the command: one or two snapshots (oldest first) and, when known, pod metadata. */
export interface CgroupReading {
  /** Words for the header line: "this machine", a file name, "node n1 in context c". */
  description: string;
  snapshots: CadvisorSnapshot[];
  pods?: PodMeta[];
}

/** Produces a reading; with `intervalMs` a live source takes two readings that far apart so CPU rates are real. */
export type CgroupSource = (options: { intervalMs: number }) => Promise<CgroupReading>;

export interface CglsOptions {
  /**
   * The cluster connection (kubelet cAdvisor through the apiserver node proxy) plugs in here.
   * Without it `--context/--node` is a usage error.
   */
  cluster?: (context: string | undefined, node: string, connection: { kubeconfigPaths?: string[]; allowExec: boolean; timeoutMs?: number }) => CgroupSource;
  /** Where local mode reads cgroups and /proc (tests point these at synthetic trees). */
  cgroupRoot?: string;
  procRoot?: string;
}

type SortKey = 'cpu' | 'memory' | 'io';

const USAGE = `Usage: slicewise cgls [--local | --from-file FILE [--from-file FILE2] | [--context NAME] --node NODE]
                     [--sort cpu|memory|io] [--depth N] [--json] [--interval-ms N]
                     [--kubeconfig FILE]... [--allow-exec] [--timeout-ms N]

Prints a node's cgroup tree like systemd-cgls, with CPU, memory and IO per cgroup: kubepods →
QoS → pod → containers (the sandbox marked), system.slice, user.slice. Rows marked "(unaccounted)"
are what a cgroup uses beyond the sum of its children (its own processes, kernel memory, children
the source does not list).

Sources (default: --local):
  --local             this machine's /sys/fs/cgroup and /proc, read twice --interval-ms apart
  --from-file FILE    a saved kubelet /metrics/cadvisor payload; CPU shows cumulative seconds.
                      Give two files (an earlier and a later scrape) for rates.
  --context, --node   a node of a cluster (default context: the kubeconfig's current one): its kubelet
                      cAdvisor through the apiserver node proxy, scraped twice --interval-ms apart,
                      pods named from the cluster
  --kubeconfig FILE   read this kubeconfig instead of $KUBECONFIG or ~/.kube/config (repeatable)
  --allow-exec        allow the kubeconfig's exec credential plugin to run
  --timeout-ms N      give up waiting for the node's two readings after N ms (default 30000)

Output:
  --sort KEY          order siblings by cpu, memory or io, largest first (default: by name)
  --depth N           show N levels below the root
  --json              print the tree with all figures as JSON
  --interval-ms N     time between the two readings (default 1000)

Columns: CPU in cores (seconds of CPU per second) or cumulative seconds ("s"), MEMORY the working
set, IO block-device reads + writes per second (or cumulative), then kind and limits.`;

/** Builds the `cgls` command; `cglsCommand` below is the one with the cluster source plugged in. */
export function createCglsCommand(options: CglsOptions = {}): Command {
  return {
    name: 'cgls',
    summary: 'print a node\'s cgroup tree with CPU, memory and IO, like systemd-cgls',
    usage: USAGE,
    async run(args, io) {
      const { values } = parseFlags(args, {
        local: { type: 'boolean' },
        'from-file': { type: 'string', multiple: true },
        context: { type: 'string' },
        node: { type: 'string' },
        sort: { type: 'string' },
        depth: { type: 'string' },
        json: { type: 'boolean' },
        'interval-ms': { type: 'string' },
        kubeconfig: { type: 'string', multiple: true },
        'allow-exec': { type: 'boolean' },
        'timeout-ms': { type: 'string' },
      });
      const sort = parseSort(values.sort);
      const depth = parseIntegerFlag(values.depth, 'depth', 0, 1000);
      const intervalMs = parseIntegerFlag(values['interval-ms'], 'interval-ms', 100, 60_000) ?? 1000;
      const files = values['from-file'] ?? [];
      const timeoutMs = parseIntegerFlag(values['timeout-ms'], 'timeout-ms', 1000, 600_000);
      const clusterWanted = values.context !== undefined || values.node !== undefined;
      const chosen = [values.local === true, files.length > 0, clusterWanted].filter(Boolean).length;
      if (chosen > 1) throw new UsageError('choose one source: --local, --from-file or --context/--node.');
      if (files.length > 2) throw new UsageError('--from-file takes one payload, or two (earlier, later) for rates.');

      let source: CgroupSource;
      if (clusterWanted) {
        if (!options.cluster) {
          throw new UsageError('--context/--node need the cluster connection, which this build does not have yet; use --local or --from-file.');
        }
        if (!values.node) throw new UsageError('--node is required with --context.');
        source = options.cluster(values.context, values.node, { kubeconfigPaths: values.kubeconfig, allowExec: values['allow-exec'] === true, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
      } else if (files.length > 0) {
        source = fileSource(files);
      } else {
        source = localSource(options.cgroupRoot ?? '/sys/fs/cgroup', options.procRoot ?? '/proc');
      }

      let reading: CgroupReading;
      try {
        reading = await source({ intervalMs });
      } catch (error) {
        if (error instanceof FileParseError) {
          io.stderr(`${error.file}:${error.line}:${error.column}: ${error.message}\n`);
          return EXIT_FAILURE;
        }
        if (error instanceof AppError) {
          io.stderr(`slicewise cgls: ${error.message}${error.hint ? `\n${error.hint}` : ''}\n`);
          return EXIT_FAILURE;
        }
        throw error;
      }

      const current = reading.snapshots.at(-1) as CadvisorSnapshot;
      const previous = reading.snapshots.length > 1 ? reading.snapshots[0] : undefined;
      const tree = buildCgroupTree({ samples: current.samples, pods: reading.pods });
      if (tree.byPath.size <= 1 && !tree.root.isReported) {
        io.stderr(`slicewise cgls: no cgroups in ${reading.description} (it has no container_* series with an id label).\n`);
        return EXIT_FAILURE;
      }
      const figures = computeCgroupFigures(current, previous);
      const summary = summarizeTree(tree, figures);
      const root = shape(summary.root, sort, depth);
      const machine = machineFigures(current);
      if (values.json) {
        io.stdout(`${JSON.stringify(toJson(reading, tree.driver, summary, root, machine), null, 2)}\n`);
      } else {
        io.stdout(renderTree(root, { description: reading.description, driver: tree.driver, hasRates: previous !== undefined, summary, machine }));
      }
      return EXIT_OK;
    },
  };
}

/** The `cgls` command as registered in the CLI: local, files, and cluster nodes. */
export const cglsCommand: Command = createCglsCommand({ cluster: (context, node, connection) => clusterCgroupSource(context, node, connection) });

function parseSort(value: string | undefined): SortKey | undefined {
  if (value === undefined) return undefined;
  if (value === 'cpu' || value === 'memory' || value === 'io') return value;
  throw new UsageError(`--sort must be cpu, memory or io, got "${value}".`);
}

/** A parse error located in a file, reported as `file:line:column: message`. */
class FileParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(message);
  }
}

/** Saved payloads; without sample timestamps (kubelet < 1.16) the file's modification time stands for the scrape time. */
function fileSource(paths: string[]): CgroupSource {
  return async () => {
    const snapshots = paths.map((path) => {
      let text: string;
      let mtimeMs: number;
      try {
        text = readFileSync(path, 'utf8');
        mtimeMs = statSync(path).mtimeMs;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new AppError('not-found', `cannot read ${path}${code ? ` (${code})` : ''}; check the path.`);
      }
      const format = /(^|\n)# EOF\s*$/.test(text) ? 'openmetrics' : 'text';
      try {
        return { tsMs: mtimeMs, samples: readSamples(text, format) };
      } catch (error) {
        if (error instanceof ParseError) throw new FileParseError(path, error.line, error.column, error.message);
        throw error;
      }
    });
    return { description: paths.join(' → '), snapshots };
  };
}

/** This machine, read twice `intervalMs` apart, through the same exposition text a scrape would return. */
function localSource(cgroupRoot: string, procRoot: string): CgroupSource {
  return async ({ intervalMs }) => {
    const reader = new LocalCgroupReader(cgroupRoot, { procRoot });
    try {
      const readOnce = async (): Promise<CadvisorSnapshot> => {
        const tsMs = Date.now();
        return { tsMs, samples: readSamples(await reader.readExposition(), 'text') };
      };
      const first = await readOnce();
      await sleep(intervalMs);
      const second = await readOnce();
      return { description: 'this machine', snapshots: [first, second] };
    } finally {
      reader.dispose();
    }
  };
}

function sortValue(figures: CgroupFigures | null, key: SortKey): number | null {
  if (!figures) return null;
  if (key === 'cpu') return figures.cpuCores ?? figures.cpuUsageSeconds;
  if (key === 'memory') return figures.memoryWorkingSetBytes;
  return ioValue(figures);
}

function ioValue(figures: CgroupFigures): number | null {
  if (figures.ioReadBytesPerSec !== null || figures.ioWriteBytesPerSec !== null) return (figures.ioReadBytesPerSec ?? 0) + (figures.ioWriteBytesPerSec ?? 0);
  if (figures.intervalMs !== null) return null;
  if (figures.ioReadBytes !== null || figures.ioWriteBytes !== null) return (figures.ioReadBytes ?? 0) + (figures.ioWriteBytes ?? 0);
  return null;
}

/** Sorts siblings (unaccounted rows last in name order) and cuts the tree below `depth`. */
function shape(node: CgroupSummaryNode, sort: SortKey | undefined, depth: number | undefined, level = 0): CgroupSummaryNode {
  const children = depth !== undefined && level >= depth ? [] : node.children.map((child) => shape(child, sort, depth, level + 1));
  children.sort((a, b) => {
    if (sort) {
      const va = sortValue(a.figures, sort);
      const vb = sortValue(b.figures, sort);
      if (va !== vb) {
        if (va === null) return 1;
        if (vb === null) return -1;
        return vb - va;
      }
    }
    if ((a.kind === 'unaccounted') !== (b.kind === 'unaccounted')) return a.kind === 'unaccounted' ? 1 : -1;
    return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
  });
  return { ...node, children };
}

function toJson(reading: CgroupReading, driver: CgroupDriver, summary: CgroupSummary, root: CgroupSummaryNode, machine: MachineFigures) {
  const current = reading.snapshots.at(-1) as CadvisorSnapshot;
  return {
    source: reading.description,
    driver,
    tsMs: current.tsMs,
    intervalMs: reading.snapshots.length > 1 ? current.tsMs - reading.snapshots[0].tsMs : null,
    machine,
    totals: summary.totals,
    root,
  };
}

/** Binary units like systemd-cgtop: 512B, 1.5K, 12.0M, 3.2G. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T', 'P'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)}B` : `${value.toFixed(1)}${units[unit]}`;
}

function cpuCell(figures: CgroupFigures | null): string {
  if (!figures) return '-';
  if (figures.cpuCores !== null) return figures.cpuCores.toFixed(2);
  if (figures.intervalMs === null && figures.cpuUsageSeconds !== null) return `${figures.cpuUsageSeconds.toFixed(1)}s`;
  return '-';
}

function memoryCell(figures: CgroupFigures | null): string {
  return figures?.memoryWorkingSetBytes === null || !figures ? '-' : formatBytes(figures.memoryWorkingSetBytes);
}

function ioCell(figures: CgroupFigures | null): string {
  if (!figures) return '-';
  const value = ioValue(figures);
  if (value === null) return '-';
  return figures.intervalMs === null ? formatBytes(value) : `${formatBytes(value)}/s`;
}

function detailCell(node: CgroupSummaryNode): string {
  const parts: string[] = [node.kind === 'pod' && node.qos ? `pod ${node.qos}` : node.kind];
  if (!node.isReported && node.kind !== 'unaccounted') parts.push('(not reported)');
  const figures = node.figures;
  if (figures?.cpuLimitCores != null) parts.push(`cpu≤${figures.cpuLimitCores.toFixed(2)}`);
  if (figures?.memoryLimitBytes != null) parts.push(`mem≤${formatBytes(figures.memoryLimitBytes)}`);
  if (figures?.throttledShare != null && figures.throttledShare > 0) parts.push(`throttled ${(figures.throttledShare * 100).toFixed(0)}%`);
  if (figures?.oomEvents != null && figures.oomEvents > 0) parts.push(`oom ${figures.oomEvents}`);
  if (node.kind === 'container' && node.container?.image) parts.push(node.container.image);
  return parts.join(' ');
}

const NAME_WIDTH_MAX = 72;

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** Renders the tree with systemd-cgls connectors and right-hand columns. */
export function renderTree(
  root: CgroupSummaryNode,
  context: { description: string; driver: CgroupDriver; hasRates: boolean; summary: CgroupSummary; machine: MachineFigures },
): string {
  const rows: { tree: string; node: CgroupSummaryNode }[] = [];
  const visit = (node: CgroupSummaryNode, prefix: string, connector: string) => {
    rows.push({ tree: `${prefix}${connector}${node.name}`, node });
    const childPrefix = connector === '' ? '' : `${prefix}${connector === '├─' ? '│ ' : '  '}`;
    node.children.forEach((child, index) => visit(child, childPrefix, index === node.children.length - 1 ? '└─' : '├─'));
  };
  visit(root, '', '');
  const nameWidth = Math.min(NAME_WIDTH_MAX, Math.max('CONTROL GROUP'.length, ...rows.map((row) => row.tree.length)));
  const cells = rows.map((row) => [truncate(row.tree, nameWidth), cpuCell(row.node.figures), memoryCell(row.node.figures), ioCell(row.node.figures), detailCell(row.node)]);
  const header = ['CONTROL GROUP', context.hasRates ? 'CPU' : 'CPU TIME', 'MEMORY', context.hasRates ? 'IO' : 'IO TOTAL', 'KIND'];
  const widths = [nameWidth, ...[1, 2, 3].map((column) => Math.max(header[column].length, ...cells.map((cell) => cell[column].length)))];
  const line = (cell: string[]) =>
    `${cell[0].padEnd(widths[0])}  ${cell[1].padStart(widths[1])}  ${cell[2].padStart(widths[2])}  ${cell[3].padStart(widths[3])}  ${cell[4]}`.trimEnd();

  const totals = context.summary.totals;
  const machine = [
    context.machine.cpuCores !== null ? `${context.machine.cpuCores} CPUs` : undefined,
    context.machine.memoryBytes !== null ? `${formatBytes(context.machine.memoryBytes)} memory` : undefined,
  ].filter(Boolean);
  const headline = [
    `Control groups of ${context.description}`,
    ...(context.driver === 'unknown' ? [] : [`driver ${context.driver}`]),
    ...machine,
    `${totals.pods} pods, ${totals.containers} containers`,
    context.hasRates ? 'CPU in cores' : 'one reading: CPU and IO are cumulative',
  ].join('; ');
  return `${headline}\n${line(header)}\n${cells.map(line).join('\n')}\n`;
}
