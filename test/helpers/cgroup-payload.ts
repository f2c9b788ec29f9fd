import type { CgroupFigureName, CgroupRow } from '../../preload/contract/index.js';
import { structureIdOf, TREE_FIGURES } from '../../main/model/cgroup/tree-payload.js';
import type { CgroupTree } from '../../renderer/views/cgroups/cgroup-tree.js';

/** A hand-made `cgroups.tree` payload: rows as [segment, parent, name, kind] with CPU cores and memory per row. */
export function handPayload(rows: [string, number, string, CgroupRow['kind'], number | null, number | null][], intervalMs: number | null = 10_000): CgroupTree {
  const figures = Object.fromEntries(TREE_FIGURES.map((name) => [name, rows.map(() => null)])) as unknown as Record<CgroupFigureName, (number | null)[]>;
  figures.cpuCores = rows.map((row) => row[4]);
  figures.memoryWorkingSetBytes = rows.map((row) => row[5]);
  const structureRows: CgroupRow[] = rows.map(([segment, parent, name, kind]) => ({ segment, parent, name, kind, qos: kind === 'qos' ? 'burstable' : null, isReported: kind !== 'unaccounted', pod: -1, container: null }));
  return {
    node: 'n1',
    tsMs: 1,
    intervalMs,
    source: null,
    driver: 'cgroupfs',
    cgroupVersion: 'v2',
    runtime: null,
    machine: { cpuCores: null, memoryBytes: null },
    totals: { pods: 0, containers: 0, sandboxes: 0, podsCpuCores: null, podsCpuUsageSeconds: null, podsMemoryWorkingSetBytes: null },
    structureId: structureIdOf(structureRows, []),
    structure: { rows: structureRows, pods: [] },
    figures,
    note: null,
  };
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so a variant always gives the same payload. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(seed: number, length: number): string {
  const next = random(seed * 7919 + 17);
  let out = '';
  while (out.length < length) out += Math.floor(next() * 0xffffffff).toString(16).padStart(8, '0');
  return out.slice(0, length);
}

/**
 * A systemd-driver node of 51 + 4 × `pods` cgroups (1,000 with the default 237 pods plus one
 * unaccounted row): kubepods → Guaranteed pods and the burstable/besteffort QoS slices → pods →
 * two containers and a sandbox each, system.slice with 40 services, user.slice with 5 scopes.
 * Structure and names are fixed; figures come from `variant`, and equal variants give equal
 * payloads. `shuffled` figures are drawn afresh for every variant, so consecutive variants reorder
 * a CPU-sorted table from top to bottom (the worst case for a live table); `drifting` figures move
 * by a few per cent around fixed values, as a node's containers do from one scrape to the next,
 * so the order mostly holds.
 */
export function syntheticCgroupTree(variant: number, pods = 237, node = 'bench-node', movement: 'shuffled' | 'drifting' = 'shuffled'): CgroupTree {
  const next = random(variant + 1);
  const base = movement === 'drifting' ? random(1) : next;
  type Draft = { segment: string; parent: number; name: string; kind: CgroupRow['kind']; qos: CgroupRow['qos']; pod: number; container: CgroupRow['container']; cpu: number; memory: number };
  const drafts: Draft[] = [];
  const add = (draft: Omit<Draft, 'cpu' | 'memory'>, leaf: boolean): number => {
    // Drifting: CPU ±5 %, memory ±1 MiB around this leaf's fixed values.
    const cpu = leaf ? base() * 0.2 * (movement === 'drifting' ? 0.95 + next() * 0.1 : 1) : 0;
    const memoryMiB = leaf ? Math.max(0, Math.round(base() * 256) + (movement === 'drifting' ? Math.round(next() * 2 - 1) : 0)) : 0;
    drafts.push({ ...draft, cpu, memory: memoryMiB * 2 ** 20 });
    return drafts.length - 1;
  };
  const root = add({ segment: '/', parent: -1, name: '/', kind: 'root', qos: null, pod: -1, container: null }, false);
  const kubepods = add({ segment: 'kubepods.slice', parent: root, name: 'kubepods.slice', kind: 'slice', qos: null, pod: -1, container: null }, false);
  const burstable = add({ segment: 'kubepods-burstable.slice', parent: kubepods, name: 'kubepods-burstable.slice', kind: 'qos', qos: 'burstable', pod: -1, container: null }, false);
  const besteffort = add({ segment: 'kubepods-besteffort.slice', parent: kubepods, name: 'kubepods-besteffort.slice', kind: 'qos', qos: 'besteffort', pod: -1, container: null }, false);
  const podList: CgroupTree['structure']['pods'] = [];
  for (let p = 0; p < pods; p++) {
    const qos = p % 3 === 0 ? 'guaranteed' : p % 3 === 1 ? 'burstable' : 'besteffort';
    const uid = `${hex(p, 8)}-${hex(p + 1, 4)}-4${hex(p + 2, 3)}-8${hex(p + 3, 3)}-${hex(p + 4, 12)}`;
    const stem = qos === 'guaranteed' ? 'kubepods' : `kubepods-${qos}`;
    podList.push({ uid, name: `app-${p}-${hex(p + 5, 5)}`, namespace: `ns-${p % 12}`, owner: { kind: 'ReplicaSet', name: `app-${p}-${hex(p + 6, 9)}` } });
    const podRow = add(
      { segment: `${stem}-pod${uid.replaceAll('-', '_')}.slice`, parent: qos === 'guaranteed' ? kubepods : qos === 'burstable' ? burstable : besteffort, name: `ns-${p % 12}/app-${p}`, kind: 'pod', qos, pod: p, container: null },
      false,
    );
    for (const [c, kind] of [
      [0, 'container'],
      [1, 'container'],
      [2, 'sandbox'],
    ] as const) {
      const id = hex(p * 3 + c + 1000, 64);
      add(
        {
          segment: `cri-containerd-${id}.scope`,
          parent: podRow,
          name: kind === 'sandbox' ? 'sandbox' : `c${c}`,
          kind,
          qos,
          pod: p,
          container: { name: kind === 'sandbox' ? null : `c${c}`, image: kind === 'sandbox' ? 'registry.k8s.io/pause:3.10' : `registry.example/app:${p % 9}`, runtime: 'containerd' },
        },
        true,
      );
    }
  }
  const system = add({ segment: 'system.slice', parent: root, name: 'system.slice', kind: 'slice', qos: null, pod: -1, container: null }, false);
  for (let s = 0; s < 40; s++) add({ segment: `unit-${s}.service`, parent: system, name: `unit-${s}.service`, kind: 'service', qos: null, pod: -1, container: null }, true);
  const user = add({ segment: 'user.slice', parent: root, name: 'user.slice', kind: 'slice', qos: null, pod: -1, container: null }, false);
  for (let s = 0; s < 5; s++) add({ segment: `session-${s}.scope`, parent: user, name: `session-${s}.scope`, kind: 'scope', qos: null, pod: -1, container: null }, true);
  add({ segment: '#unaccounted', parent: root, name: '(unaccounted)', kind: 'unaccounted', qos: null, pod: -1, container: null }, true);
  // Parents hold their children's sums (hierarchical figures); rows are in depth-first order except
  // the late slices, so sum from the end.
  for (let i = drafts.length - 1; i > 0; i--) {
    drafts[drafts[i].parent].cpu += drafts[i].cpu;
    drafts[drafts[i].parent].memory += drafts[i].memory;
  }
  const figures = Object.fromEntries(TREE_FIGURES.map((name) => [name, drafts.map(() => null)])) as unknown as Record<CgroupFigureName, (number | null)[]>;
  figures.cpuCores = drafts.map((draft) => Number(draft.cpu.toPrecision(6)));
  figures.cpuUsageSeconds = drafts.map((draft) => Math.round(draft.cpu * 86_400));
  figures.memoryWorkingSetBytes = drafts.map((draft) => draft.memory);
  figures.memoryLimitBytes = drafts.map((draft) => (draft.kind === 'container' && draft.qos === 'guaranteed' ? 512 * 2 ** 20 : null));
  figures.cpuLimitCores = drafts.map((draft) => (draft.kind === 'container' && draft.qos === 'guaranteed' ? 0.5 : null));
  figures.throttledShare = drafts.map((draft) => (draft.kind === 'container' && draft.qos === 'guaranteed' ? Number(next().toFixed(4)) : null));
  figures.ioReadBytesPerSec = drafts.map(() => Math.round(next() * 1e5));
  figures.ioWriteBytesPerSec = drafts.map(() => Math.round(next() * 1e5));
  figures.oomEvents = drafts.map((draft) => (draft.kind === 'container' ? 0 : null));
  const structureRows: CgroupRow[] = drafts.map((draft) => ({ segment: draft.segment, parent: draft.parent, name: draft.name, kind: draft.kind, qos: draft.qos, isReported: draft.kind !== 'unaccounted', pod: draft.pod, container: draft.container }));
  return {
    node,
    tsMs: 1_700_000_000_000 + variant * 1000,
    intervalMs: 1000,
    source: { targetId: 'bench', health: 'up', lastError: null },
    driver: 'systemd',
    cgroupVersion: 'v2',
    runtime: 'containerd://2.2.1',
    machine: { cpuCores: 64, memoryBytes: 256 * 2 ** 30 },
    totals: { pods, containers: pods * 2, sandboxes: pods, podsCpuCores: Number(drafts[kubepods].cpu.toPrecision(6)), podsCpuUsageSeconds: null, podsMemoryWorkingSetBytes: drafts[kubepods].memory },
    structureId: structureIdOf(structureRows, podList),
    structure: { rows: structureRows, pods: podList },
    figures,
    note: null,
  };
}
