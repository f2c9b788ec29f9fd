import type { CgroupFigureName, CgroupRow, CgroupStructure, CgroupTreePayload } from '../../../preload/contract/index.js';
import { compareSortValues, type SortDirection } from '../../lib/components/table-columns.js';

/** One cgroup of the payload with what the table and the map need: its path, children and depth. */
export interface CgroupNodeModel {
  index: number;
  path: string;
  row: CgroupRow;
  parent: number;
  children: number[];
  depth: number;
}

/** A `cgroups.tree` payload with its structure present (sent with it, or kept from before). */
export type CgroupTree = CgroupTreePayload & { structure: CgroupStructure };

export interface CgroupTreeModel {
  payload: CgroupTree;
  nodes: CgroupNodeModel[];
  byPath: Map<string, number>;
}

/**
 * Completes a payload: its own structure, or the previous tree's when the payload left it out as
 * unchanged. Undefined when it left it out but the previous tree has another one (a payload was
 * dropped on the way): the subscriber must subscribe again.
 */
export function withStructure(payload: CgroupTreePayload, previous: CgroupTree | null): CgroupTree | undefined {
  if (payload.structure !== null) return payload as CgroupTree;
  if (previous && previous.structureId === payload.structureId) return { ...payload, structure: previous.structure };
  return undefined;
}

/** The row of a visible tree line (TreeTable's shape plus the model index). */
export interface VisibleCgroup {
  key: string;
  index: number;
  depth: number;
  hasChildren: boolean;
  expanded: boolean;
}

/** What the table can sort by; `name` keeps the path order with unaccounted rows last. */
export type CgroupSortKey = 'name' | 'tasks' | 'cpu' | 'throttled' | 'memory' | 'memoryLimit' | 'ioRead' | 'ioWrite' | 'io' | 'oom' | 'pressure';

/**
 * Rebuilds the tree from the payload's rows (parents come first; a path is the parent's path +
 * `/` + segment, the root's is `/`), O(rows); with the same structure as `previous`, its nodes are
 * kept and only the figures are new.
 */
export function buildTreeModel(payload: CgroupTree, previous?: CgroupTreeModel | null): CgroupTreeModel {
  if (previous && previous.payload.structureId === payload.structureId) return { payload, nodes: previous.nodes, byPath: previous.byPath };
  const nodes: CgroupNodeModel[] = [];
  const byPath = new Map<string, number>();
  payload.structure.rows.forEach((row, index) => {
    const parent = row.parent >= 0 && row.parent < index ? nodes[row.parent] : undefined;
    const path = !parent ? '/' : parent.path === '/' ? `/${row.segment}` : `${parent.path}/${row.segment}`;
    nodes.push({ index, path, row, parent: parent ? parent.index : -1, children: [], depth: parent ? parent.depth + 1 : 0 });
    parent?.children.push(index);
    byPath.set(path, index);
  });
  return { payload, nodes, byPath };
}

function figure(model: CgroupTreeModel, name: CgroupFigureName, index: number): number | null {
  return model.payload.figures[name][index] ?? null;
}

function addNullable(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return a + b;
}

/** The largest PSI "some" share of CPU, memory and IO, or null when none is reported. */
export function pressureOf(model: CgroupTreeModel, index: number): number | null {
  let max: number | null = null;
  for (const name of ['pressureCpuWaitingShare', 'pressureMemoryWaitingShare', 'pressureIoWaitingShare'] as const) {
    const value = figure(model, name, index);
    if (value !== null && (max === null || value > max)) max = value;
  }
  return max;
}

/** CPU cores, or cumulative CPU seconds before the second reading (so the first payload still sorts). */
export function cpuSortValue(model: CgroupTreeModel, index: number): number | null {
  return figure(model, 'cpuCores', index) ?? (model.payload.intervalMs === null ? figure(model, 'cpuUsageSeconds', index) : null);
}

/** The value a row sorts by. */
export function sortValue(model: CgroupTreeModel, index: number, key: CgroupSortKey): number | string | null {
  switch (key) {
    case 'name':
      return model.nodes[index].path;
    case 'tasks':
      return figure(model, 'processes', index);
    case 'cpu':
      return cpuSortValue(model, index);
    case 'throttled':
      return figure(model, 'throttledShare', index);
    case 'memory':
      return figure(model, 'memoryWorkingSetBytes', index);
    case 'memoryLimit':
      return figure(model, 'memoryLimitBytes', index);
    case 'ioRead':
      return figure(model, 'ioReadBytesPerSec', index);
    case 'ioWrite':
      return figure(model, 'ioWriteBytesPerSec', index);
    case 'io':
      return addNullable(figure(model, 'ioReadBytesPerSec', index), figure(model, 'ioWriteBytesPerSec', index));
    case 'oom':
      return figure(model, 'oomEvents', index);
    case 'pressure':
      return pressureOf(model, index);
  }
}

/**
 * Orders siblings: by `key` (absent values last whatever the direction), ties and `name` by path
 * with unaccounted rows last, as systemd-cgls lists them.
 */
export function sortSiblings(model: CgroupTreeModel, siblings: readonly number[], key: CgroupSortKey, direction: SortDirection, values?: readonly (number | string | null)[]): number[] {
  const byName = (a: number, b: number): number => {
    const unaccountedA = model.nodes[a].row.kind === 'unaccounted';
    const unaccountedB = model.nodes[b].row.kind === 'unaccounted';
    if (unaccountedA !== unaccountedB) return unaccountedA ? 1 : -1;
    const pa = model.nodes[a].path;
    const pb = model.nodes[b].path;
    const order = pa < pb ? -1 : pa > pb ? 1 : 0;
    return key === 'name' && direction === 'desc' ? -order : order;
  };
  if (key === 'name') return [...siblings].sort(byName);
  const of = values ?? model.nodes.map((node) => sortValue(model, node.index, key));
  return [...siblings].sort((a, b) => compareSortValues(of[a], of[b], direction) || byName(a, b));
}

/** Whether a search (lower case) matches a row's name, path, pod namespace/name, container name or image. */
function matches(model: CgroupTreeModel, node: CgroupNodeModel, needle: string): boolean {
  const row = node.row;
  if (row.name.toLowerCase().includes(needle) || node.path.toLowerCase().includes(needle)) return true;
  const pod = row.pod >= 0 ? model.payload.structure.pods[row.pod] : undefined;
  if (pod && `${pod.namespace ?? ''}/${pod.name ?? ''}`.toLowerCase().includes(needle)) return true;
  return !!row.container && ((row.container.name ?? '').toLowerCase().includes(needle) || (row.container.image ?? '').toLowerCase().includes(needle));
}

/** What a search keeps: matching rows with their ancestors, and each kept row's kept children. */
interface SearchResult {
  needle: string;
  keep: Set<number>;
  children: Map<number, number[]>;
}

/** The last search per structure: names and paths do not change with the figures. */
const searches = new WeakMap<readonly CgroupNodeModel[], SearchResult>();

/** The rows a search matches (case-insensitive), with all their ancestors; null for no search. */
function searchResult(model: CgroupTreeModel, query: string): SearchResult | null {
  const needle = query.trim().toLowerCase();
  if (needle === '') return null;
  const cached = searches.get(model.nodes);
  if (cached?.needle === needle) return cached;
  const keep = new Set<number>();
  for (const node of model.nodes) {
    if (!matches(model, node, needle)) continue;
    for (let index = node.index; index >= 0 && !keep.has(index); index = model.nodes[index].parent) keep.add(index);
  }
  const children = new Map<number, number[]>();
  for (const index of keep) children.set(index, model.nodes[index].children.filter((child) => keep.has(child)));
  const result = { needle, keep, children };
  searches.set(model.nodes, result);
  return result;
}

/**
 * Table lines per structure, shown open and shown closed: a line depends on the structure and
 * whether it is open, never on the figures, so a live update allocates no line objects (the
 * table re-reads the figures through its columns). Frozen: they are shared between updates.
 */
const lines = new WeakMap<readonly CgroupNodeModel[], { open: VisibleCgroup[]; closed: VisibleCgroup[] }>();

function lineOf(model: CgroupTreeModel, index: number, open: boolean): VisibleCgroup {
  let cache = lines.get(model.nodes);
  if (!cache) {
    cache = { open: [], closed: [] };
    lines.set(model.nodes, cache);
  }
  const side = open ? cache.open : cache.closed;
  let line = side[index];
  if (!line) {
    const node = model.nodes[index];
    line = Object.freeze({ key: node.path, index, depth: node.depth, hasChildren: node.children.length > 0, expanded: open });
    side[index] = line;
  }
  return line;
}

/**
 * The lines the table shows: a depth-first walk over expanded rows, siblings sorted. With a search,
 * only matching rows and their ancestors are shown, and those ancestors are open regardless of
 * `expanded` (which is left as it was, so clearing the search restores the view).
 */
export function visibleRows(model: CgroupTreeModel, expanded: ReadonlySet<string>, key: CgroupSortKey, direction: SortDirection, search = ''): VisibleCgroup[] {
  const rows: VisibleCgroup[] = [];
  if (model.nodes.length === 0) return rows;
  const found = searchResult(model, search);
  // Every row's sort value once, not once per comparison.
  const values = key === 'name' ? undefined : model.nodes.map((node) => sortValue(model, node.index, key));
  const visit = (index: number) => {
    const node = model.nodes[index];
    const children = found ? (found.children.get(index) ?? []) : node.children;
    const open = found ? children.length > 0 : expanded.has(node.path);
    rows.push(lineOf(model, index, open && children.length > 0));
    if (open) for (const child of sortSiblings(model, children, key, direction, values)) visit(child);
  };
  if (!found || found.keep.has(0)) visit(0);
  return rows;
}

/**
 * What is open at first, like systemd-cgtop's default depth: the root, its direct children (the
 * kubelet's root and the system and user slices) and the QoS levels, so pods show as lines.
 */
export function defaultExpanded(model: CgroupTreeModel): Set<string> {
  const open = new Set<string>();
  for (const node of model.nodes) {
    if (node.depth <= 1 || node.row.kind === 'qos' || (node.row.kind === 'slice' && node.children.some((child) => model.nodes[child].row.kind === 'qos' || model.nodes[child].row.kind === 'pod'))) {
      if (node.children.length > 0) open.add(node.path);
    }
  }
  return open;
}

/** The paths of the ancestors of `path` (root first), for opening the way to a row chosen on the map. */
export function ancestorPaths(model: CgroupTreeModel, path: string): string[] {
  const index = model.byPath.get(path);
  if (index === undefined) return [];
  const paths: string[] = [];
  for (let parent = model.nodes[index].parent; parent >= 0; parent = model.nodes[parent].parent) paths.unshift(model.nodes[parent].path);
  return paths;
}
