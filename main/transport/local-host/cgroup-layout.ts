import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AppError } from '../../util/app-error.js';

/**
 * How cgroups are mounted under a root (normally /sys/fs/cgroup; Linux
 * Documentation/admin-guide/cgroup-v2.rst and systemd's "hybrid" layout):
 * - `v2`: one unified hierarchy at the root (the root holds `cgroup.controllers`);
 * - `v1`: one folder per controller set (`cpu,cpuacct`, `memory`, …; symlinks like `cpu` → `cpu,cpuacct`)
 *   plus systemd's named hierarchy `systemd` (`name=systemd`);
 * - `hybrid`: v1 as above plus a cgroup2 mount, usually at `unified`, that carries no controllers
 *   but does have PSI files and systemd's tree.
 */
export type CgroupMode = 'v1' | 'v2' | 'hybrid';

export interface CgroupHierarchy {
  /** Mount folder, e.g. /sys/fs/cgroup/memory or /sys/fs/cgroup (v2). */
  dir: string;
  version: 1 | 2;
  /** v1 controllers bound here (`['cpu','cpuacct']`), `['name=systemd']` for systemd's named hierarchy, [] for cgroup2. */
  controllers: string[];
}

export interface CgroupLayout {
  mode: CgroupMode;
  root: string;
  /** The cgroup2 hierarchy (the root itself in v2; `unified` in hybrid), if any. */
  unified: CgroupHierarchy | null;
  /** v1 hierarchy per controller name (`cpu`, `cpuacct`, `memory`, `blkio`, `pids`, `name=systemd`, …). */
  v1: Map<string, CgroupHierarchy>;
  /** Every distinct hierarchy, unified last. */
  hierarchies: CgroupHierarchy[];
}

/** Controllers whose files the reader uses; with `hierarchies: 'accounting'` only these (and systemd's) are walked. */
export const ACCOUNTING_CONTROLLERS: readonly string[] = ['cpu', 'cpuacct', 'memory', 'blkio', 'pids', 'name=systemd'];

/** Finds the hierarchies under `root`; throws an `unavailable` AppError when there are none. */
export function detectCgroupLayout(root: string): CgroupLayout {
  if (!existsSync(root)) throw noCgroups(root, 'it does not exist');
  if (existsSync(join(root, 'cgroup.controllers'))) {
    const unified: CgroupHierarchy = { dir: root, version: 2, controllers: [] };
    return { mode: 'v2', root, unified, v1: new Map(), hierarchies: [unified] };
  }
  const seen = new Set<string>();
  const v1 = new Map<string, CgroupHierarchy>();
  const hierarchies: CgroupHierarchy[] = [];
  let unified: CgroupHierarchy | null = null;
  for (const entry of readdirSync(root, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const dir = join(root, entry.name);
    let real: string;
    try {
      if (!statSync(dir).isDirectory()) continue;
      real = realpathSync(dir);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    if (existsSync(join(dir, 'cgroup.controllers'))) {
      unified = { dir, version: 2, controllers: [] };
      continue;
    }
    if (!existsSync(join(dir, 'cgroup.procs'))) continue;
    // The folder is named for its controllers (symlinks resolve to the combined name: cpu → cpu,cpuacct).
    const name = basename(real);
    const controllers = name === 'systemd' ? ['name=systemd'] : name.split(',');
    const hierarchy: CgroupHierarchy = { dir, version: 1, controllers };
    hierarchies.push(hierarchy);
    for (const controller of controllers) v1.set(controller, hierarchy);
  }
  if (unified) hierarchies.push(unified);
  if (hierarchies.length === 0) throw noCgroups(root, 'no cgroup hierarchy is mounted there');
  return { mode: v1.size === 0 ? 'v2' : unified ? 'hybrid' : 'v1', root, unified, v1, hierarchies };
}

function noCgroups(root: string, why: string): AppError {
  return new AppError('unavailable', `Cannot read cgroups from ${root}: ${why}.`, {
    hint: 'Local mode needs Linux with the cgroup filesystem mounted (normally at /sys/fs/cgroup).',
  });
}
