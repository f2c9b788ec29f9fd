import type { CgroupFigureName, CgroupPod, CgroupRow, CgroupTreePayload } from '../../../preload/contract/index.js';
import { computeCgroupFigures, machineFigures, summarizeTree, type CgroupFigures, type CgroupSummaryNode } from './figures.js';
import type { CgroupSample, PodMeta } from './tree.js';
import { buildCgroupTree } from './tree.js';
import type { CadvisorReadings } from './snapshots.js';
import { normalizeCgroupPath } from './names.js';

/** The figures the tree payload carries, in `CgroupFigureName` order. */
export const TREE_FIGURES: readonly CgroupFigureName[] = [
  'cpuCores',
  'cpuUsageSeconds',
  'cpuLimitCores',
  'throttledShare',
  'memoryWorkingSetBytes',
  'memoryLimitBytes',
  'ioReadBytesPerSec',
  'ioWriteBytesPerSec',
  'networkRxBytesPerSec',
  'networkTxBytesPerSec',
  'oomEvents',
  'processes',
  'pressureCpuWaitingShare',
  'pressureMemoryWaitingShare',
  'pressureIoWaitingShare',
];

/**
 * Fractions (rates, shares, cores) to six significant digits: the views print three, and a double
 * printed in full takes 17 characters of JSON; 15 figures × 1,000 cgroups every second made the
 * unrounded payload mostly digits. Integers (bytes, counts) are short already and stay exact.
 */
export function roundFigure(value: number | null): number | null {
  if (value === null || !Number.isFinite(value) || Number.isInteger(value)) return value;
  return Number(value.toPrecision(6));
}

export interface CgroupTreeInput {
  node: string;
  /** The last two readings of the node's cAdvisor; absent before the first scrape. */
  readings?: CadvisorReadings;
  pods?: readonly PodMeta[];
  source: CgroupTreePayload['source'];
  /** As the Node object says (`containerd://2.2.1`); else inferred from the container cgroups. */
  runtime?: string | null;
  /** Known from the mounts (this machine); else inferred from the samples. */
  cgroupVersion?: CgroupTreePayload['cgroupVersion'];
  note?: string | null;
}

function emptyFigures(): Record<CgroupFigureName, (number | null)[]> {
  return Object.fromEntries(TREE_FIGURES.map((name) => [name, []])) as unknown as Record<CgroupFigureName, (number | null)[]>;
}

/** The payload of `cgroups.tree` with no rows (no target, nothing scraped yet). */
export function emptyCgroupTree(node: string, source: CgroupTreePayload['source'], note: string | null): CgroupTreePayload {
  return {
    node,
    tsMs: null,
    intervalMs: null,
    source,
    driver: 'unknown',
    cgroupVersion: null,
    runtime: null,
    machine: { cpuCores: null, memoryBytes: null },
    totals: { pods: 0, containers: 0, sandboxes: 0, podsCpuCores: null, podsCpuUsageSeconds: null, podsMemoryWorkingSetBytes: null },
    structureId: structureIdOf([], []),
    structure: { rows: [], pods: [] },
    figures: emptyFigures(),
    note,
  };
}

/**
 * Builds the `cgroups.tree` payload: the tree of the newest reading (named from `pods`), figures
 * from the two readings, `(unaccounted)` rows and totals (summarizeTree), flattened depth-first
 * with parents before children (siblings by path, unaccounted last) and figures in columns.
 */
export function cgroupTreePayload(input: CgroupTreeInput): CgroupTreePayload {
  const readings = input.readings;
  if (!readings || readings.current.samples.length === 0) return emptyCgroupTree(input.node, input.source, input.note ?? null);
  const { current, previous } = readings;
  const tree = buildCgroupTree({ samples: current.samples, pods: input.pods });
  const figures = computeCgroupFigures(current, previous);
  const summary = summarizeTree(tree, figures);

  const rows: CgroupRow[] = [];
  const pods: CgroupPod[] = [];
  const podIndex = new Map<string, number>();
  const columns = emptyFigures();
  const runtimes = new Map<string, number>();

  const visit = (node: CgroupSummaryNode, parent: number) => {
    let pod = -1;
    if (node.pod) {
      const known = podIndex.get(node.pod.uid);
      if (known !== undefined) pod = known;
      else {
        pod = pods.length;
        podIndex.set(node.pod.uid, pod);
        pods.push({ uid: node.pod.uid, name: node.pod.name ?? null, namespace: node.pod.namespace ?? null, owner: node.pod.owner ? { ...node.pod.owner } : null });
      }
    }
    const segment = node.kind === 'root' ? '/' : node.kind === 'unaccounted' ? node.path.slice(node.path.lastIndexOf('/') + 1) : (node.segment?.raw ?? node.path.slice(node.path.lastIndexOf('/') + 1));
    const index = rows.length;
    rows.push({
      segment,
      parent,
      name: node.name,
      kind: node.kind,
      qos: node.qos ?? null,
      isReported: node.isReported,
      pod,
      container: node.container
        ? { name: node.container.name ?? null, image: node.container.image ?? null, runtime: node.container.runtime ?? 'unknown' }
        : null,
    });
    const own: CgroupFigures | null = node.figures;
    for (const name of TREE_FIGURES) columns[name].push(own ? roundFigure(own[name]) : null);
    if (node.container?.runtime && node.container.runtime !== 'unknown') runtimes.set(node.container.runtime, (runtimes.get(node.container.runtime) ?? 0) + 1);
    for (const child of node.children) visit(child, index);
  };
  visit(summary.root, -1);

  const machine = machineFigures(current);
  const inferredRuntime = [...runtimes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  return {
    node: input.node,
    tsMs: current.tsMs,
    // The root's own interval (between cAdvisor's collection times), else the scrape interval.
    intervalMs: summary.root.figures?.intervalMs ?? (previous ? current.tsMs - previous.tsMs : null),
    source: input.source,
    driver: tree.driver,
    cgroupVersion: input.cgroupVersion !== undefined ? input.cgroupVersion : inferCgroupVersion(current.samples),
    runtime: input.runtime || inferredRuntime,
    machine: { cpuCores: machine.cpuCores, memoryBytes: machine.memoryBytes },
    totals: {
      pods: summary.totals.pods,
      containers: summary.totals.containers,
      sandboxes: summary.totals.sandboxes,
      podsCpuCores: roundFigure(summary.totals.podsCpuCores),
      podsCpuUsageSeconds: roundFigure(summary.totals.podsCpuUsageSeconds),
      podsMemoryWorkingSetBytes: roundFigure(summary.totals.podsMemoryWorkingSetBytes),
    },
    structureId: structureIdOf(rows, pods),
    structure: { rows, pods },
    figures: columns,
    note: input.note ?? null,
  };
}

/**
 * Which cgroup version a kubelet's cAdvisor runs on, from what it reports:
 * - PSI families (`container_pressure_*`, cAdvisor ≥ 0.52) exist only on v2;
 * - `container_memory_max_usage_bytes` is 0 for every cgroup but the root on v2 before
 *   `memory.peak` (kernel 5.19), and non-zero for busy cgroups on v1 (fixtures/SOURCES.md §2a).
 * A v2 node with a kernel that has `memory.peak` and a cAdvisor without PSI reads as v1 here; no
 * family tells those apart, so this stays an inference and the view says "inferred".
 */
export function inferCgroupVersion(samples: readonly CgroupSample[]): 'v1' | 'v2' | null {
  let maxUsageSeen = false;
  let maxUsageNonZero = false;
  for (const sample of samples) {
    if (sample.name.startsWith('container_pressure_')) return 'v2';
    if (sample.name !== 'container_memory_max_usage_bytes') continue;
    const id = sample.labels.id;
    if (id === undefined || normalizeCgroupPath(id) === '/') continue;
    maxUsageSeen = true;
    if (sample.value > 0) maxUsageNonZero = true;
  }
  if (!maxUsageSeen) return null;
  return maxUsageNonZero ? 'v1' : 'v2';
}

/**
 * A content hash of rows and pods (FNV-1a, 32 bits, over their JSON, plus the row count): the
 * same structure always gets the same id, across subscriptions and sessions.
 */
export function structureIdOf(rows: readonly CgroupRow[], pods: readonly CgroupPod[]): string {
  const text = JSON.stringify([rows, pods]);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return `${rows.length}-${(hash >>> 0).toString(16)}`;
}

/**
 * Wraps `emit` for one subscription of `cgroups.tree`: a payload whose structure is the one sent
 * last goes out with `structure: null` (see the contract); the first always carries it.
 */
export function elideRepeatedStructure(emit: (payload: CgroupTreePayload) => void): (payload: CgroupTreePayload) => void {
  let sentId: string | null = null;
  return (payload) => {
    if (payload.structure !== null && payload.structureId === sentId) {
      emit({ ...payload, structure: null });
      return;
    }
    sentId = payload.structure !== null ? payload.structureId : sentId;
    emit(payload);
  };
}

/** The path of every row (`/`, parent path + `/` + segment), in row order. */
export function cgroupRowPaths(rows: readonly Pick<CgroupRow, 'segment' | 'parent'>[]): string[] {
  const paths: string[] = [];
  for (const row of rows) {
    if (row.parent < 0) paths.push('/');
    else {
      const parentPath = paths[row.parent];
      paths.push(parentPath === '/' ? `/${row.segment}` : `${parentPath}/${row.segment}`);
    }
  }
  return paths;
}
