import { describe, expect, it } from 'vitest';
import { layoutIcicle } from '../../../../../renderer/views/cgroups/cgroup-map.js';
import { buildTreeModel } from '../../../../../renderer/views/cgroups/cgroup-tree.js';
import { handPayload } from '../../../../helpers/cgroup-payload.js';

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
