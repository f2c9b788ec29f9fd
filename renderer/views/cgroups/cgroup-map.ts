import { hierarchy, partition, type HierarchyNode, type HierarchyRectangularNode } from 'd3-hierarchy';
import type { CgroupTreeModel } from './cgroup-tree.js';

/** What the map's areas are proportional to. */
export type MapSize = 'cpu' | 'memory';
/** What the map's colours say. */
export type MapColour = 'kind' | 'qos';

/** One rectangle of the icicle, in pixels. */
export interface MapCell {
  path: string;
  index: number;
  x: number;
  y: number;
  width: number;
  height: number;
  depth: number;
  name: string;
  /** The cgroup's own figure (hierarchical, as the table shows it); null when not reported. */
  value: number | null;
  /** CSS class naming the colour: `kind-pod`, `qos-burstable`, `qos-none`… */
  colour: string;
}

export interface MapLayout {
  cells: MapCell[];
  /** True when no cgroup below the root reports the figure and areas fall back to counting leaves. */
  byCount: boolean;
}

/** Cells narrower than this are not drawn (1,000 cgroups over 600 px leave many slivers). */
const MIN_WIDTH_PX = 0.5;

function ownValue(model: CgroupTreeModel, index: number, size: MapSize): number | null {
  const figures = model.payload.figures;
  if (size === 'memory') return figures.memoryWorkingSetBytes[index] ?? null;
  return figures.cpuCores[index] ?? (model.payload.intervalMs === null ? (figures.cpuUsageSeconds[index] ?? null) : null);
}

/**
 * The d3 hierarchy of a tree's structure, built once per structure (the nodes array is shared by
 * every payload with the same structure): `sum` and `partition` then only rewrite its numbers,
 * which spares a thousand allocations per update.
 */
const hierarchies = new WeakMap<readonly unknown[], HierarchyNode<number>>();
function hierarchyOf(model: CgroupTreeModel): HierarchyNode<number> {
  let root = hierarchies.get(model.nodes);
  if (!root) {
    root = hierarchy(0, (index) => model.nodes[index].children);
    hierarchies.set(model.nodes, root);
  }
  return root;
}

/**
 * An icicle of the cgroup tree (d3-hierarchy `partition`): the root across the top, each level
 * below its parent, widths proportional to CPU or memory. Cgroup figures are hierarchical (a
 * parent includes its children), so each cgroup contributes only what it has beyond its children
 * (`(unaccounted)` rows already carry that excess) and a parent's width is at least its
 * children's. When no cgroup below the root has the figure, every leaf counts one.
 */
export function layoutIcicle(model: CgroupTreeModel, size: MapSize, colour: MapColour, width: number, height: number): MapLayout {
  if (model.nodes.length === 0 || width <= 0 || height <= 0) return { cells: [], byCount: false };
  const own = model.nodes.map((node) => ownValue(model, node.index, size));
  // A typed array: plain doubles, not a boxed number per cgroup on every update.
  const self = new Float64Array(model.nodes.length);
  for (const node of model.nodes) {
    const value = own[node.index];
    if (value === null || value <= 0) continue;
    let children = 0;
    for (const child of node.children) children += Math.max(0, own[child] ?? 0);
    self[node.index] = Math.max(0, value - children);
  }
  // The root alone reporting (this machine's CPU on a cgroup v1 host where processes sit in
  // the root's cpu hierarchy) would draw one bar; counting shows the structure instead.
  const reportedBelowRoot = model.nodes.some((node) => node.index !== 0 && (own[node.index] ?? 0) > 0);
  const byCount = !reportedBelowRoot;
  const root = hierarchyOf(model).sum((index) => (byCount ? (model.nodes[index].children.length === 0 ? 1 : 0) : self[index]));
  const laid: HierarchyRectangularNode<number> = partition<number>().size([width, height])(root);
  const cells: MapCell[] = [];
  laid.each((entry) => {
    const cellWidth = entry.x1 - entry.x0;
    if (cellWidth < MIN_WIDTH_PX) return;
    const node = model.nodes[entry.data];
    const row = node.row;
    cells.push({
      path: node.path,
      index: node.index,
      x: entry.x0,
      y: entry.y0,
      width: cellWidth,
      height: Math.max(0, entry.y1 - entry.y0),
      depth: entry.depth,
      name: row.name,
      value: own[node.index],
      colour: colour === 'kind' ? `kind-${row.kind}` : `qos-${row.qos ?? 'none'}`,
    });
  });
  return { cells, byCount };
}

/**
 * Fill colours by class (kinds, QoS classes): mid-tone pastels that keep dark text readable on
 * both themes.
 */
export const MAP_COLOURS: Readonly<Record<string, string>> = {
  'kind-root': '#aeb6c1',
  'kind-slice': '#b9c7dc',
  'kind-qos': '#9cb8e6',
  'kind-pod': '#7fb3f0',
  'kind-container': '#7fd3a8',
  'kind-sandbox': '#cfd6de',
  'kind-service': '#f0c27f',
  'kind-scope': '#e9d48a',
  'kind-other': '#d7c7e8',
  'kind-unaccounted': '#e7a3a3',
  'qos-guaranteed': '#6fbf8a',
  'qos-burstable': '#f2b36b',
  'qos-besteffort': '#e58f8f',
  'qos-none': '#c3cad3',
};

/** The deepest drawn cell under a point (cells are drawn parents first), or undefined. */
export function cellAt(cells: readonly MapCell[], x: number, y: number): MapCell | undefined {
  for (let i = cells.length - 1; i >= 0; i--) {
    const cell = cells[i];
    if (x >= cell.x && x < cell.x + cell.width && y >= cell.y && y < cell.y + cell.height) return cell;
  }
  return undefined;
}
