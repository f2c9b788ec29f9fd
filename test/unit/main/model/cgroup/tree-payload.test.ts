import { describe, expect, it } from 'vitest';
import type { CgroupSample, PodMeta } from '../../../../../main/model/cgroup/tree.js';
import { buildCgroupTree, walkCgroupTree } from '../../../../../main/model/cgroup/tree.js';
import { cgroupRowPaths, cgroupTreePayload, elideRepeatedStructure, emptyCgroupTree, inferCgroupVersion, roundFigure, structureIdOf } from '../../../../../main/model/cgroup/tree-payload.js';
import { readSamples } from '../../../../../main/scrape/exposition/samples.js';
import { KUBELET_DUMPS, readFixture } from '../../../../helpers/fixtures.js';

const UID = '0a1b2c3d-0000-4000-8000-000000000001';
const APP = 'a'.repeat(64);
const PAUSE = 'b'.repeat(64);
const POD = `/kubepods/burstable/pod${UID}`;

function sample(name: string, id: string, value: number, timestampMs: number | null, labels: Record<string, string> = {}): CgroupSample {
  return { name, labels: { id, ...labels }, value, timestampMs };
}

/** A cgroupfs node with one burstable pod (app container + sandbox) and a kubelet service, read twice 10 s apart. */
function readings() {
  const at = (t: number, cpu: Record<string, number>) => [
    sample('machine_memory_bytes', '', 8 * 2 ** 30, null),
    sample('container_cpu_usage_seconds_total', '/', cpu['/'], t, { cpu: 'total' }),
    sample('container_cpu_usage_seconds_total', '/kubepods', cpu.kubepods, t, { cpu: 'total' }),
    sample('container_cpu_usage_seconds_total', '/kubepods/burstable', cpu.kubepods, t, { cpu: 'total' }),
    sample('container_cpu_usage_seconds_total', POD, cpu.pod, t, { cpu: 'total', pod: 'web-1', namespace: 'web' }),
    sample('container_cpu_usage_seconds_total', `${POD}/${APP}`, cpu.app, t, { cpu: 'total', pod: 'web-1', namespace: 'web', container: 'nginx', image: 'nginx:1.22' }),
    sample('container_cpu_usage_seconds_total', `${POD}/${PAUSE}`, 0, t, { cpu: 'total', pod: 'web-1', namespace: 'web', image: 'registry.k8s.io/pause:3.10' }),
    sample('container_cpu_usage_seconds_total', '/system.slice/kubelet.service', cpu.kubelet, t, { cpu: 'total' }),
    sample('container_memory_working_set_bytes', '/', 4 * 2 ** 30, t),
    sample('container_memory_working_set_bytes', POD, 205 * 2 ** 20, t, { pod: 'web-1', namespace: 'web' }),
    sample('container_memory_working_set_bytes', `${POD}/${APP}`, 200 * 2 ** 20, t, { pod: 'web-1', namespace: 'web', container: 'nginx' }),
    sample('container_spec_memory_limit_bytes', `${POD}/${APP}`, 256 * 2 ** 20, null, { pod: 'web-1', namespace: 'web', container: 'nginx' }),
    sample('container_spec_cpu_quota', `${POD}/${APP}`, 50_000, null, { pod: 'web-1', namespace: 'web', container: 'nginx' }),
    sample('container_spec_cpu_period', `${POD}/${APP}`, 100_000, null, { pod: 'web-1', namespace: 'web', container: 'nginx' }),
  ];
  return {
    previous: { tsMs: 1_000_500, samples: at(1_000_000, { '/': 100, kubepods: 40, pod: 30, app: 29, kubelet: 10 }) },
    current: { tsMs: 1_010_500, samples: at(1_010_000, { '/': 120, kubepods: 45, pod: 35, app: 34, kubelet: 11 }) },
    lastScrapeUp: true,
  };
}

const PODS: PodMeta[] = [{ uid: UID, name: 'web-1', namespace: 'web', qosClass: 'Burstable', owner: { kind: 'ReplicaSet', name: 'web-5d4' }, containers: [{ name: 'nginx', image: 'nginx:1.22', containerId: APP }] }];

describe('cgroupTreePayload', () => {
  it('flattens the tree depth-first with parent indices, pods by index and figures in columns', () => {
    const payload = cgroupTreePayload({ node: 'n1', readings: readings(), pods: PODS, source: { targetId: 't', health: 'up', lastError: null }, runtime: 'containerd://2.2.1' });
    const paths = cgroupRowPaths(payload.structure!.rows);
    expect(paths).toEqual([
      '/',
      '/kubepods',
      '/kubepods/burstable',
      POD,
      `${POD}/${APP}`,
      `${POD}/${PAUSE}`,
      '/system.slice',
      '/system.slice/kubelet.service',
      '/#unaccounted',
    ]);
    expect(payload.structure!.rows.map((row) => [row.name, row.kind, row.parent, row.isReported])).toEqual([
      ['/', 'root', -1, true],
      ['kubepods', 'slice', 0, true],
      ['burstable', 'qos', 1, true],
      ['web/web-1', 'pod', 2, true],
      ['nginx', 'container', 3, true],
      ['sandbox', 'sandbox', 3, true],
      ['system.slice', 'slice', 0, false],
      ['kubelet.service', 'service', 6, true],
      ['(unaccounted)', 'unaccounted', 0, false],
    ]);
    // One pod entry, shared by the pod, its container and its sandbox.
    expect(payload.structure!.pods).toEqual([{ uid: UID, name: 'web-1', namespace: 'web', owner: { kind: 'ReplicaSet', name: 'web-5d4' } }]);
    expect(payload.structure!.rows.map((row) => row.pod)).toEqual([-1, -1, -1, 0, 0, 0, -1, -1, -1]);
    expect(payload.structure!.rows[4].container).toEqual({ name: 'nginx', image: 'nginx:1.22', runtime: 'unknown' });
    expect(payload.structure!.rows[4].segment).toBe(APP);
    expect(payload.structure!.rows[4].qos).toBe('burstable');

    // Hand-computed rates over 10 s: root 20 s → 2 cores, pod and nginx 5 s → 0.5, kubelet 1 s → 0.1.
    const cpu = payload.figures.cpuCores;
    expect(cpu[0]).toBeCloseTo(2, 9);
    expect(cpu[3]).toBeCloseTo(0.5, 9);
    expect(cpu[4]).toBeCloseTo(0.5, 9);
    expect(cpu[7]).toBeCloseTo(0.1, 9);
    expect(cpu[6]).toBeNull();
    // Unaccounted under the root: 2 cores − 0.5 of kubepods (system.slice is not reported, so it has no figures to subtract).
    expect(cpu[8]).toBeCloseTo(1.5, 9);
    expect(payload.figures.cpuLimitCores[4]).toBe(0.5);
    expect(payload.figures.memoryLimitBytes[4]).toBe(256 * 2 ** 20);
    expect(payload.figures.memoryWorkingSetBytes[3]).toBe(205 * 2 ** 20);
    expect(payload.figures.processes.every((value) => value === null)).toBe(true);
    for (const column of Object.values(payload.figures)) expect(column).toHaveLength(payload.structure!.rows.length);

    expect(payload.totals).toEqual({ pods: 1, containers: 1, sandboxes: 1, podsCpuCores: 0.5, podsCpuUsageSeconds: 35, podsMemoryWorkingSetBytes: 205 * 2 ** 20 });
    expect(payload.machine).toEqual({ cpuCores: null, memoryBytes: 8 * 2 ** 30 });
    expect(payload.driver).toBe('cgroupfs');
    expect(payload.runtime).toBe('containerd://2.2.1');
    expect(payload.tsMs).toBe(1_010_500);
    expect(payload.intervalMs).toBe(10_000);
    expect(payload.source).toEqual({ targetId: 't', health: 'up', lastError: null });
  });

  it('rebuilds exactly the tree paths of every recorded dump from segments and parents', () => {
    for (const dump of KUBELET_DUMPS) {
      const samples = readSamples(readFixture('cadvisor', 'kubelet', dump), 'text');
      const payload = cgroupTreePayload({ node: 'n', readings: { current: { tsMs: 1, samples }, lastScrapeUp: true }, source: null });
      const expected: string[] = [];
      walkCgroupTree(buildCgroupTree({ samples }).root, (node) => expected.push(node.path));
      const rebuilt = cgroupRowPaths(payload.structure!.rows).filter((path) => !path.endsWith('#unaccounted'));
      expect(rebuilt, dump).toEqual(expected);
      // One reading: no rates, cumulative CPU seconds present.
      expect(payload.intervalMs).toBeNull();
      expect(payload.figures.cpuCores.every((value) => value === null)).toBe(true);
      expect(payload.figures.cpuUsageSeconds.some((value) => value !== null)).toBe(true);
    }
  });

  it('is empty with a note when there is no reading', () => {
    const empty = cgroupTreePayload({ node: 'n1', source: null, note: 'Waiting…' });
    expect(empty).toEqual(emptyCgroupTree('n1', null, 'Waiting…'));
    expect(empty.structure).toEqual({ rows: [], pods: [] });
    expect(empty.figures.cpuCores).toEqual([]);
  });

  it('infers the runtime from the container cgroups when the Node object does not say', () => {
    const systemd = [sample('container_memory_working_set_bytes', `/kubepods.slice/kubepods-pod${UID.replaceAll('-', '_')}.slice/cri-containerd-${APP}.scope`, 1, 1)];
    const payload = cgroupTreePayload({ node: 'n', readings: { current: { tsMs: 1, samples: systemd }, lastScrapeUp: true }, source: null });
    expect(payload.runtime).toBe('containerd');
    expect(payload.driver).toBe('systemd');
  });
});

describe('structure ids and elision', () => {
  it('gives equal structures equal ids and sends a repeated structure once per subscription', () => {
    const one = cgroupTreePayload({ node: 'n1', readings: readings(), pods: PODS, source: null });
    const again = cgroupTreePayload({ node: 'n1', readings: readings(), pods: PODS, source: null });
    const unnamed = cgroupTreePayload({ node: 'n1', readings: readings(), source: null });
    expect(again.structureId).toBe(one.structureId);
    expect(unnamed.structureId).not.toBe(one.structureId);
    expect(one.structureId).toBe(structureIdOf(one.structure!.rows, one.structure!.pods));

    const sent: (string | null)[] = [];
    const emit = elideRepeatedStructure((payload) => sent.push(payload.structure === null ? null : payload.structureId));
    emit(one);
    emit(again);
    emit(unnamed);
    emit(again);
    expect(sent).toEqual([one.structureId, null, unnamed.structureId, one.structureId]);
    // Another subscription starts with the structure again.
    const other: (string | null)[] = [];
    elideRepeatedStructure((payload) => other.push(payload.structure === null ? null : payload.structureId))(again);
    expect(other).toEqual([one.structureId]);
  });
});

describe('inferCgroupVersion', () => {
  it('tells the recorded dumps apart as SOURCES.md records them', () => {
    const versions = KUBELET_DUMPS.map((dump) => inferCgroupVersion(readSamples(readFixture('cadvisor', 'kubelet', dump), 'text')));
    // 1.35 containerd v2 (PSI), 1.20 Docker Desktop v2 (max usage 0 below the root), 1.20 VM v1, 1.15 VM v1.
    expect(versions).toEqual(['v2', 'v2', 'v1', 'v1']);
  });

  it('cannot tell without PSI or max-usage figures', () => {
    expect(inferCgroupVersion([sample('container_memory_working_set_bytes', '/a', 1, 1)])).toBeNull();
    expect(inferCgroupVersion([sample('container_memory_max_usage_bytes', '/', 5, 1)])).toBeNull();
  });
});

describe('roundFigure', () => {
  it('keeps six significant digits of fractions and passes null and integers through', () => {
    expect(roundFigure(0.123456789)).toBe(0.123457);
    expect(roundFigure(1234567.891)).toBe(1234570);
    expect(roundFigure(1234567890)).toBe(1234567890);
    expect(roundFigure(0)).toBe(0);
    expect(roundFigure(null)).toBeNull();
  });
});
