/**
 * Local mode on this machine's real /sys/fs/cgroup (hybrid here: v1 controllers, name=systemd and a
 * cgroup2 at /sys/fs/cgroup/unified). The list of cgroups is checked against systemd-cgls and against
 * a plain walk of the mounts found in /proc/self/mountinfo; values against the kernel files read
 * before and after. Other processes create and remove cgroups all the time (each shell of this
 * sandbox gets one), so list comparisons retry until two oracle readings around ours agree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeCgroupFigures } from '../../../main/model/cgroup/figures.js';
import { buildCgroupTree, walkCgroupTree } from '../../../main/model/cgroup/tree.js';
import { readSamples } from '../../../main/scrape/exposition/samples.js';
import { ACCOUNTING_CONTROLLERS, detectCgroupLayout } from '../../../main/transport/local-host/cgroup-layout.js';
import { listLocalCgroupIds, readLocalCgroupExposition } from '../../../main/transport/local-host/cgroup-reader.js';
import { cgroupMounts, systemdCglsIds, walkCgroupDirs } from '../../helpers/systemd-cgls.js';

const ROOT = '/sys/fs/cgroup';

function union(lists: string[][]): string[] {
  return [...new Set(lists.flat())].sort();
}

/**
 * Reads `oracle` before and after `ours` until both oracle readings agree (at most 5 tries), then
 * returns the three; a cgroup born or removed in between would otherwise fail the comparison.
 */
async function stableComparison(oracle: () => string[], ours: () => Promise<string[]> | string[]) {
  let last = { before: [] as string[], ours: [] as string[], after: [] as string[] };
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = oracle();
    const mine = await ours();
    const after = oracle();
    last = { before, ours: mine, after };
    if (before.join('\n') === after.join('\n')) return { ...last, stable: true };
  }
  return { ...last, stable: false };
}

function expectMatches(result: { before: string[]; ours: string[]; after: string[]; stable: boolean }) {
  if (result.stable) {
    expect(result.ours).toEqual(result.before);
  } else {
    // Never stable: everything present in both oracle readings must be ours, and nothing else.
    const both = result.before.filter((id) => result.after.includes(id));
    const either = union([result.before, result.after]);
    expect(result.ours.filter((id) => !either.includes(id))).toEqual([]);
    expect(both.filter((id) => !result.ours.includes(id))).toEqual([]);
  }
}

const mounts = cgroupMounts().filter((mount) => mount.mountPoint.startsWith(`${ROOT}/`) || mount.mountPoint === ROOT);

describe('local cgroups on this machine', () => {
  it('detects the layout that /proc/self/mountinfo describes', () => {
    const layout = detectCgroupLayout(ROOT);
    const hasV1 = mounts.some((mount) => mount.type === 'cgroup');
    const v2 = mounts.find((mount) => mount.type === 'cgroup2');
    expect(layout.mode).toBe(hasV1 ? (v2 ? 'hybrid' : 'v1') : 'v2');
    expect(layout.unified?.dir ?? null).toBe(v2?.mountPoint ?? null);
    for (const mount of mounts.filter((candidate) => candidate.type === 'cgroup')) {
      const controllers = mount.options.filter((option) => option !== 'rw' && option !== 'ro' && !option.startsWith('clone_children') && option !== 'noprefix' && !option.startsWith('release_agent') && option !== 'xattr');
      for (const controller of controllers) expect(layout.v1.get(controller)?.dir, controller).toBe(mount.mountPoint);
    }
  });

  it('lists the same cgroups as systemd-cgls run on every mounted hierarchy', async () => {
    const result = await stableComparison(
      () => union(mounts.map((mount) => systemdCglsIds(mount.mountPoint))),
      () => listLocalCgroupIds(ROOT, { hierarchies: 'all' }),
    );
    expectMatches(result);
    expect(result.ours).toContain('/');
  });

  it('contains every cgroup systemd-cgls shows for systemd\'s own hierarchy', async () => {
    const result = await stableComparison(() => systemdCglsIds(undefined, { all: true }), () => listLocalCgroupIds(ROOT));
    const both = result.before.filter((id) => result.after.includes(id));
    expect(both.filter((id) => !result.ours.includes(id))).toEqual([]);
    // Without --all, systemd-cgls hides empty cgroups: a subset of the above.
    const shown = systemdCglsIds(undefined, { all: false });
    expect(shown.filter((id) => !result.ours.includes(id) && both.includes(id))).toEqual([]);
  });

  it('lists, in the exposition, the same cgroups as a plain walk of the accounting hierarchies', async () => {
    const accounting = mounts.filter((mount) => mount.type === 'cgroup2' || mount.options.some((option) => ACCOUNTING_CONTROLLERS.includes(option)));
    const result = await stableComparison(
      () => union(accounting.map((mount) => walkCgroupDirs(mount.mountPoint))),
      async () => {
        const samples = readSamples(await readLocalCgroupExposition(ROOT), 'text');
        return [...new Set(samples.filter((sample) => sample.name === 'container_last_seen').map((sample) => sample.labels.id))].sort();
      },
    );
    expectMatches(result);
  });

  it('reports root CPU, memory limit and pressure as the kernel files say, read before and after', async () => {
    const layout = detectCgroupLayout(ROOT);
    const cpuacct = layout.v1.get('cpuacct');
    const readNumber = (path: string) => Number(readFileSync(path, 'utf8').trim());
    const cpuBefore = cpuacct ? readNumber(join(cpuacct.dir, 'cpuacct.usage')) / 1e9 : undefined;
    const psiFile = layout.unified ? join(layout.unified.dir, 'cpu.pressure') : undefined;
    const psi = (path: string) => Number(/^some .*total=(\d+)/m.exec(readFileSync(path, 'utf8'))?.[1]) / 1e6;
    const psiBefore = psiFile ? psi(psiFile) : undefined;
    const samples = readSamples(await readLocalCgroupExposition(ROOT), 'text');
    const cpuAfter = cpuacct ? readNumber(join(cpuacct.dir, 'cpuacct.usage')) / 1e9 : undefined;
    const psiAfter = psiFile ? psi(psiFile) : undefined;
    const value = (name: string, id: string) => samples.find((sample) => sample.name === name && sample.labels.id === id)?.value;

    if (cpuBefore !== undefined && cpuAfter !== undefined) {
      const ours = value('container_cpu_usage_seconds_total', '/') as number;
      expect(ours).toBeGreaterThanOrEqual(cpuBefore);
      expect(ours).toBeLessThanOrEqual(cpuAfter);
    }
    if (psiBefore !== undefined && psiAfter !== undefined) {
      const ours = value('container_pressure_cpu_waiting_seconds_total', '/') as number;
      expect(ours).toBeGreaterThanOrEqual(psiBefore);
      expect(ours).toBeLessThanOrEqual(psiAfter);
    }
    const memory = layout.v1.get('memory');
    if (memory) {
      // The v1 root's "no limit" (9223372036854771712) is written as 0, like cAdvisor.
      const limit = readNumber(join(memory.dir, 'memory.limit_in_bytes'));
      expect(value('container_spec_memory_limit_bytes', '/')).toBe(limit > 2 ** 62 ? 0 : limit);
    }
    const cpu = layout.v1.get('cpu');
    if (cpu) expect(value('container_spec_cpu_shares', '/')).toBe(readNumber(join(cpu.dir, 'cpu.shares')));
    expect(samples.find((sample) => sample.name === 'machine_cpu_cores')?.value).toBe(
      readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((line) => /^processor\s*:/.test(line)).length,
    );
  });

  it('goes through the whole pipeline: two readings → parser → tree → rates within the machine', async () => {
    const first = { tsMs: Date.now(), samples: readSamples(await readLocalCgroupExposition(ROOT), 'text') };
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = { tsMs: Date.now(), samples: readSamples(await readLocalCgroupExposition(ROOT), 'text') };
    const tree = buildCgroupTree({ samples: second.samples });
    const paths: string[] = [];
    walkCgroupTree(tree.root, (node) => paths.push(node.path));
    expect(new Set(paths).size).toBe(paths.length);
    const seen = new Set(second.samples.filter((sample) => sample.name === 'container_last_seen').map((sample) => sample.labels.id));
    expect([...tree.byPath.values()].filter((node) => node.isReported).length).toBe(seen.size);
    const cores = second.samples.find((sample) => sample.name === 'machine_cpu_cores')?.value as number;
    const root = computeCgroupFigures(second, first).get('/');
    expect(root?.intervalMs).toBeGreaterThan(0);
    if (root?.cpuCores !== null && root?.cpuCores !== undefined) {
      expect(root.cpuCores).toBeGreaterThanOrEqual(0);
      // cpuacct counts all CPUs; allow the cgroup timestamps' millisecond rounding.
      expect(root.cpuCores).toBeLessThanOrEqual(cores * 1.05);
    }
    expect(root?.memoryWorkingSetBytes).toBeGreaterThan(0);
  });
});
