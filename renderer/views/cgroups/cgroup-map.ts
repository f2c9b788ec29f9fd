import type { CgroupNodeModel, CgroupTreeModel } from './cgroup-tree.js';

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

/** The figure a cell is sized by; NaN when not reported. */
function ownValue(model: CgroupTreeModel, index: number, size: MapSize): number {
  const figures = model.payload.figures;
  const value = size === 'memory' ? figures.memoryWorkingSetBytes[index] : (figures.cpuCores[index] ?? (model.payload.intervalMs === null ? figures.cpuUsageSeconds[index] : null));
  return value ?? Number.NaN;
}

/** What the icicle needs of a structure, worked out once per structure (figures change, this does not). */
interface IcicleShape {
  /** Breadth first from the root, children in tree order: parents before children, levels in order. */
  order: Int32Array;
  /** Levels below the root (the deepest depth). */
  height: number;
  /** Colour class per row: by kind and by QoS class. */
  kindColours: string[];
  qosColours: string[];
}

const shapes = new WeakMap<readonly CgroupNodeModel[], IcicleShape>();

function shapeOf(model: CgroupTreeModel): IcicleShape {
  let shape = shapes.get(model.nodes);
  if (shape) return shape;
  const order = new Int32Array(model.nodes.length);
  let filled = 1;
  let height = 0;
  for (let at = 0; at < filled; at++) {
    const node = model.nodes[order[at]];
    if (node.depth > height) height = node.depth;
    for (const child of node.children) order[filled++] = child;
  }
  shape = {
    order: order.subarray(0, filled),
    height,
    kindColours: model.nodes.map((node) => `kind-${node.row.kind}`),
    qosColours: model.nodes.map((node) => `qos-${node.row.qos ?? 'none'}`),
  };
  shapes.set(model.nodes, shape);
  return shape;
}

/**
 * An icicle of the cgroup tree, laid out as d3-hierarchy's `partition` does (the root across the
 * top, each level below its parent, children side by side from the parent's left edge in tree
 * order, widths proportional to their subtree's value): written out here over typed arrays because
 * rebuilding d3's node objects, sums and callbacks took a millisecond and a half of every live
 * update for 1,000 cgroups, and this takes a tenth of that. Cgroup figures are hierarchical (a
 * parent includes its children), so each cgroup contributes only what it has beyond its children
 * (`(unaccounted)` rows already carry that excess) and a parent's width is at least its
 * children's. When no cgroup below the root has the figure, every leaf counts one.
 * Invariant used: a row's parent comes before it (`buildTreeModel`).
 */
export function layoutIcicle(model: CgroupTreeModel, size: MapSize, colour: MapColour, width: number, height: number): MapLayout {
  const count = model.nodes.length;
  if (count === 0 || width <= 0 || height <= 0) return { cells: [], byCount: false };
  const own = new Float64Array(count);
  let reportedBelowRoot = false;
  for (let index = 0; index < count; index++) {
    own[index] = ownValue(model, index, size);
    if (index !== 0 && own[index] > 0) reportedBelowRoot = true;
  }
  // The root alone reporting (this machine's CPU on a cgroup v1 host where processes sit in
  // the root's cpu hierarchy) would draw one bar; counting shows the structure instead.
  const byCount = !reportedBelowRoot;
  // Subtree values, summed from the last row up (children come after their parent).
  const total = new Float64Array(count);
  for (let index = count - 1; index >= 0; index--) {
    const node = model.nodes[index];
    let self: number;
    if (byCount) self = node.children.length === 0 ? 1 : 0;
    else {
      const value = own[index];
      if (!(value > 0)) self = 0;
      else {
        let children = 0;
        for (const child of node.children) if (own[child] > 0) children += own[child];
        self = Math.max(0, value - children);
      }
    }
    total[index] += self;
    if (node.parent >= 0) total[node.parent] += total[index];
  }
  const shape = shapeOf(model);
  const colours = colour === 'kind' ? shape.kindColours : shape.qosColours;
  const levelHeight = height / (shape.height + 1);
  const left = new Float64Array(count);
  const right = new Float64Array(count);
  right[0] = width;
  const cells: MapCell[] = [];
  for (const index of shape.order) {
    const cellWidth = right[index] - left[index];
    // Children are never wider than their parent: nothing below a sliver is drawn either.
    if (cellWidth < MIN_WIDTH_PX) continue;
    const node = model.nodes[index];
    cells.push({
      path: node.path,
      index,
      x: left[index],
      y: node.depth * levelHeight,
      width: cellWidth,
      height: levelHeight,
      depth: node.depth,
      name: node.row.name,
      value: Number.isNaN(own[index]) ? null : own[index],
      colour: colours[index],
    });
    const scale = total[index] > 0 ? cellWidth / total[index] : 0;
    let x = left[index];
    for (const child of node.children) {
      left[child] = x;
      x += total[child] * scale;
      right[child] = x;
    }
  }
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
