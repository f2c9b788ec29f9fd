import { hierarchy, partition } from 'd3-hierarchy';
import { describe, expect, it } from 'vitest';
import { layoutIcicle } from '../../../../../renderer/views/cgroups/cgroup-map.js';
import { buildTreeModel } from '../../../../../renderer/views/cgroups/cgroup-tree.js';
import { handPayload, syntheticCgroupTree } from '../../../../helpers/cgroup-payload.js';

//  / 10 cores: a 6 (a1 4, a2 1), b 3 — each cgroup's figure includes its children.
const payload = handPayload([
  ['/', -1, '/', 'root', 10, 100],
  ['a', 0, 'a', 'slice', 6, 50],
  ['a1', 1, 'a1', 'pod', 4, null],
  ['a2', 1, 'a2', 'container', 1, null],
  ['b', 0, 'b', 'service', 3, 50],
]);

describe('the cgroup icicle', () => {
  it('sizes each cgroup by its figure, parents at least as wide as their children, levels stacked', () => {
    const layout = layoutIcicle(buildTreeModel(payload), 'cpu', 'kind', 100, 90);
    expect(layout.byCount).toBe(false);
    const cells = Object.fromEntries(layout.cells.map((cell) => [cell.path, [cell.x, cell.width, cell.y, cell.height]]));
    // Hand-computed: the root spans 100 px for 10 cores; a takes 6 of them (its own 1 beyond a1 + a2 left empty), b 3.
    expect(cells['/']).toEqual([0, 100, 0, 30]);
    expect(cells['/a'][0]).toBeCloseTo(0, 9);
    expect(cells['/a'][1]).toBeCloseTo(60, 9);
    expect(cells['/b'][0]).toBeCloseTo(60, 9);
    expect(cells['/b'][1]).toBeCloseTo(30, 9);
    expect(cells['/a/a1'][1]).toBeCloseTo(40, 9);
    expect(cells['/a/a2'][0]).toBeCloseTo(40, 9);
    expect(cells['/a/a2'][1]).toBeCloseTo(10, 9);
    expect(cells['/a/a2'][2]).toBeCloseTo(60, 9);
    expect(layout.cells.find((cell) => cell.path === '/a/a1')?.colour).toBe('kind-pod');
  });

  it('sizes by memory, colours by QoS, and leaves out cgroups with nothing to show', () => {
    const layout = layoutIcicle(buildTreeModel(payload), 'memory', 'qos', 100, 90);
    const paths = layout.cells.map((cell) => cell.path);
    // a1 and a2 report no memory: zero width, not drawn.
    expect(paths).toEqual(['/', '/a', '/b']);
    expect(layout.cells.map((cell) => Math.round(cell.width))).toEqual([100, 50, 50]);
    expect(layout.cells.every((cell) => cell.colour === 'qos-none')).toBe(true);
  });

  it('counts leaves when no cgroup below the root has the figure', () => {
    const rootOnly = handPayload([
      ['/', -1, '/', 'root', 2, null],
      ['a', 0, 'a', 'slice', null, null],
      ['b', 0, 'b', 'slice', null, null],
      ['b1', 2, 'b1', 'scope', null, null],
    ]);
    const layout = layoutIcicle(buildTreeModel(rootOnly), 'cpu', 'kind', 100, 60);
    expect(layout.byCount).toBe(true);
    expect(layout.cells.map((cell) => [cell.path, cell.width])).toEqual([
      ['/', 100],
      ['/a', 50],
      ['/b', 50],
      ['/b/b1', 50],
    ]);
  });
});

describe('the cgroup icicle against d3-hierarchy', () => {
  // The layout is written out over typed arrays for speed; d3's `partition` is the reference it
  // must match, cell for cell, on a node-sized tree (1,000 cgroups, figures that change per variant).
  function d3Cells(model: ReturnType<typeof buildTreeModel>, size: 'cpu' | 'memory', width: number, height: number): Map<string, [number, number, number, number]> {
    const own = (index: number) => (size === 'memory' ? model.payload.figures.memoryWorkingSetBytes[index] : model.payload.figures.cpuCores[index]) ?? 0;
    const self = (index: number) => {
      const value = own(index);
      if (value <= 0) return 0;
      return Math.max(0, value - model.nodes[index].children.reduce((sum, child) => sum + Math.max(0, own(child)), 0));
    };
    const root = partition<number>().size([width, height])(hierarchy(0, (index) => model.nodes[index].children).sum(self));
    const cells = new Map<string, [number, number, number, number]>();
    root.each((node) => {
      if (node.x1 - node.x0 >= 0.5) cells.set(model.nodes[node.data].path, [node.x0, node.x1 - node.x0, node.y0, node.y1 - node.y0]);
    });
    return cells;
  }

  for (const [variant, size] of [
    [0, 'cpu'],
    [7, 'memory'],
  ] as const) {
    it(`matches d3's partition on 1,000 synthetic cgroups (variant ${variant}, by ${size})`, () => {
      const model = buildTreeModel(syntheticCgroupTree(variant));
      const expected = d3Cells(model, size, 640, 494);
      const layout = layoutIcicle(model, size, 'qos', 640, 494);
      expect(layout.cells.length).toBe(expected.size);
      expect(expected.size).toBeGreaterThan(100);
      for (const cell of layout.cells) {
        const [x, width, y, height] = expected.get(cell.path)!;
        expect(cell.x).toBeCloseTo(x, 6);
        expect(cell.width).toBeCloseTo(width, 6);
        expect(cell.y).toBeCloseTo(y, 6);
        expect(cell.height).toBeCloseTo(height, 6);
      }
      // Parents before children: the map draws in this order and hit-tests from the end.
      const seen = new Set<string>();
      for (const cell of layout.cells) {
        const parent = cell.path === '/' ? null : cell.path.slice(0, cell.path.lastIndexOf('/')) || '/';
        if (parent) expect(seen.has(parent)).toBe(true);
        seen.add(cell.path);
      }
    });
  }
});
