import { describe, expect, it } from 'vitest';
import { cgroupRowPaths, cgroupTreePayload } from '../../../../../main/model/cgroup/tree-payload.js';
import { readSamples } from '../../../../../main/scrape/exposition/samples.js';
import { ancestorPaths, buildTreeModel, defaultExpanded, visibleRows, withStructure, type CgroupTree } from '../../../../../renderer/views/cgroups/cgroup-tree.js';
import { handPayload } from '../../../../helpers/cgroup-payload.js';
import { readFixture } from '../../../../helpers/fixtures.js';

/**
 *  /                      2.0 cores  4 GiB
 *  ├ kubepods             0.5        1 GiB
 *  │ ├ burstable          0.4        600 MiB
 *  │ │ ├ pod-a            0.1        500 MiB
 *  │ │ │ └ app            0.1        —
 *  │ │ └ pod-b            0.3        100 MiB
 *  │ └ besteffort         —          400 MiB
 *  ├ system.slice         1.0        2 GiB
 *  └ (unaccounted)        0.5        —
 */
const MIB = 2 ** 20;
const payload = handPayload([
  ['/', -1, '/', 'root', 2, 4096 * MIB],
  ['kubepods', 0, 'kubepods', 'slice', 0.5, 1024 * MIB],
  ['burstable', 1, 'burstable', 'qos', 0.4, 600 * MIB],
  ['pod-a', 2, 'web/a', 'pod', 0.1, 500 * MIB],
  ['app', 3, 'nginx', 'container', 0.1, null],
  ['pod-b', 2, 'web/b', 'pod', 0.3, 100 * MIB],
  ['besteffort', 1, 'besteffort', 'qos', null, 400 * MIB],
  ['system.slice', 0, 'system.slice', 'slice', 1, 2048 * MIB],
  ['#unaccounted', 0, '(unaccounted)', 'unaccounted', 0.5, null],
]);

describe('the Cgroups view’s tree model', () => {
  it('rebuilds paths, parents, children and depth from the rows', () => {
    const model = buildTreeModel(payload);
    expect(model.nodes.map((node) => node.path)).toEqual([
      '/',
      '/kubepods',
      '/kubepods/burstable',
      '/kubepods/burstable/pod-a',
      '/kubepods/burstable/pod-a/app',
      '/kubepods/burstable/pod-b',
      '/kubepods/besteffort',
      '/system.slice',
      '/#unaccounted',
    ]);
    expect(model.nodes[2].children).toEqual([3, 5]);
    expect(model.nodes[4].depth).toBe(4);
    expect(model.byPath.get('/kubepods/burstable/pod-b')).toBe(5);
    expect(ancestorPaths(model, '/kubepods/burstable/pod-a/app')).toEqual(['/', '/kubepods', '/kubepods/burstable', '/kubepods/burstable/pod-a']);
  });

  it('matches the core’s paths on a recorded kubelet dump', () => {
    const samples = readSamples(readFixture('cadvisor', 'kubelet', 'k8s-1.20_minikube-vm_docker-20.10.8_systemd_cgroupv1.prom'), 'text');
    const real = cgroupTreePayload({ node: 'n', readings: { current: { tsMs: 1, samples }, lastScrapeUp: true }, source: null });
    expect(buildTreeModel(real as CgroupTree).nodes.map((node) => node.path)).toEqual(cgroupRowPaths(real.structure!.rows));
  });

  it('keeps the nodes of a same-structure payload and fills in an elided structure, or says to subscribe again', () => {
    const model = buildTreeModel(payload);
    const next = { ...payload, figures: { ...payload.figures, cpuCores: payload.figures.cpuCores.map((value) => (value === null ? null : value * 2)) } };
    const reused = buildTreeModel(next, model);
    expect(reused.nodes).toBe(model.nodes);
    expect(reused.payload.figures.cpuCores[0]).toBe(4);
    const elided = { ...next, structure: null };
    expect(withStructure(elided, payload)?.structure).toBe(payload.structure);
    expect(withStructure(elided, { ...payload, structureId: 'another' })).toBeUndefined();
    expect(withStructure(elided, null)).toBeUndefined();
  });

  it('opens the root, its children and the QoS levels at first', () => {
    const model = buildTreeModel(payload);
    expect([...defaultExpanded(model)].sort()).toEqual(['/', '/kubepods', '/kubepods/burstable']);
  });

  it('lists open lines depth-first with siblings sorted by the chosen figure, absent last either way', () => {
    const model = buildTreeModel(payload);
    const open = new Set(['/', '/kubepods', '/kubepods/burstable']);
    // kubepods and (unaccounted) tie at 0.5 cores: the unaccounted row goes last among equals.
    expect(visibleRows(model, open, 'cpu', 'desc').map((row) => row.key)).toEqual([
      '/',
      '/system.slice',
      '/kubepods',
      '/kubepods/burstable',
      '/kubepods/burstable/pod-b',
      '/kubepods/burstable/pod-a',
      '/kubepods/besteffort',
      '/#unaccounted',
    ]);
    expect(visibleRows(model, open, 'cpu', 'asc').map((row) => row.key)).toEqual([
      '/',
      '/kubepods',
      '/kubepods/burstable',
      '/kubepods/burstable/pod-a',
      '/kubepods/burstable/pod-b',
      '/kubepods/besteffort',
      '/#unaccounted',
      '/system.slice',
    ]);
    // By name: path order, unaccounted last.
    expect(visibleRows(model, open, 'name', 'asc').map((row) => row.key).slice(0, 4)).toEqual(['/', '/kubepods', '/kubepods/besteffort', '/kubepods/burstable']);
    expect(visibleRows(model, open, 'name', 'asc').at(-1)?.key).toBe('/#unaccounted');
    const rows = visibleRows(model, open, 'memory', 'desc');
    expect(rows.map((row) => row.key).slice(0, 3)).toEqual(['/', '/system.slice', '/kubepods']);
    const podA = rows.find((row) => row.key === '/kubepods/burstable/pod-a');
    expect(podA).toEqual({ key: '/kubepods/burstable/pod-a', index: 3, depth: 3, hasChildren: true, expanded: false });
  });

  it('searches names, paths and pods, showing matches with their ancestors whatever is open', () => {
    const model = buildTreeModel(payload);
    const closed = new Set<string>();
    expect(visibleRows(model, closed, 'cpu', 'desc').map((row) => row.key)).toEqual(['/']);
    expect(visibleRows(model, closed, 'cpu', 'desc', 'NGINX').map((row) => row.key)).toEqual([
      '/',
      '/kubepods',
      '/kubepods/burstable',
      '/kubepods/burstable/pod-a',
      '/kubepods/burstable/pod-a/app',
    ]);
    expect(visibleRows(model, closed, 'cpu', 'desc', 'nothing-like-this')).toEqual([]);
    // The search leaves the open set alone.
    expect(closed.size).toBe(0);
  });

  it('reuses the same line objects across live updates, re-sorted by the new figures, and a new one when a line opens', () => {
    const model = buildTreeModel(payload);
    const open = new Set(['/', '/kubepods', '/kubepods/burstable']);
    const before = visibleRows(model, open, 'cpu', 'desc');
    // pod-a now uses more CPU than pod-b: same structure, new figures.
    const cpuCores = [...payload.figures.cpuCores];
    cpuCores[3] = 0.35;
    const next = buildTreeModel({ ...payload, figures: { ...payload.figures, cpuCores } }, model);
    const after = visibleRows(next, open, 'cpu', 'desc');
    expect(after.map((row) => row.key)).toEqual(['/', '/system.slice', '/kubepods', '/kubepods/burstable', '/kubepods/burstable/pod-a', '/kubepods/burstable/pod-b', '/kubepods/besteffort', '/#unaccounted']);
    for (const line of after) expect(line).toBe(before.find((row) => row.key === line.key));
    const podA = after.find((row) => row.key === '/kubepods/burstable/pod-a')!;
    expect(podA.expanded).toBe(false);
    const opened = visibleRows(next, new Set([...open, '/kubepods/burstable/pod-a']), 'cpu', 'desc').find((row) => row.key === podA.key)!;
    expect(opened).not.toBe(podA);
    expect(opened).toEqual({ ...podA, expanded: true });
    expect(Object.isFrozen(opened)).toBe(true);
  });
});
