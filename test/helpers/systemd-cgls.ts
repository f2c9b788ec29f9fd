import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Cgroup ids (hierarchy-relative, `/` first) that `systemd-cgls --no-pager --all --full [dir]`
 * prints. Process lines (a PID, then the command) are skipped; cgroup lines may end in ` (#inode)`.
 * Works with the Unicode and the ASCII tree drawing. Without `dir`, systemd-cgls shows systemd's
 * own hierarchy, whose root it calls `-.slice`.
 */
export function systemdCglsIds(dir?: string, options: { all?: boolean } = {}): string[] {
  const args = ['--no-pager', '--full', ...(options.all === false ? [] : ['--all']), ...(dir ? [dir] : [])];
  const output = execFileSync('/usr/bin/systemd-cgls', args, { encoding: 'utf8', env: { ...process.env, SYSTEMD_COLORS: '0', LANG: 'C.UTF-8' }, maxBuffer: 64 * 1024 * 1024 });
  const ids = new Set<string>(['/']);
  const stack: string[] = [];
  for (const line of output.split('\n').slice(1)) {
    if (line === '' || line === '-.slice') continue;
    const match = /^((?:[│|] | {2})*)(?:[├└]─|[|`]-)(.*)$/.exec(line);
    if (!match) continue;
    const level = match[1].length / 2;
    const content = match[2];
    if (/^\s*\d+ /.test(content) || /^\s*\d+$/.test(content)) continue;
    const name = content.replace(/ \(#\d+\)$/, '');
    stack.length = level;
    stack.push(name);
    ids.add(`/${stack.join('/')}`);
  }
  return [...ids].sort();
}

/** The cgroup mounts of this process's mount namespace, from /proc/self/mountinfo (proc(5)). */
export function cgroupMounts(): { mountPoint: string; type: 'cgroup' | 'cgroup2'; options: string[] }[] {
  const mounts: { mountPoint: string; type: 'cgroup' | 'cgroup2'; options: string[] }[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [before, after] = line.split(' - ');
    if (!after) continue;
    const [type, , superOptions] = after.split(' ');
    if (type !== 'cgroup' && type !== 'cgroup2') continue;
    mounts.push({ mountPoint: before.split(' ')[4], type, options: (superOptions ?? '').split(',') });
  }
  return mounts;
}

/** Every folder below `dir`, as ids relative to it (`/` for `dir` itself): a plain recursive walk. */
export function walkCgroupDirs(dir: string): string[] {
  const ids: string[] = [];
  const visit = (path: string) => {
    ids.push(`/${relative(dir, path)}`.replace(/\/$/, '') || '/');
    let entries;
    try {
      entries = readdirSync(path, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) if (entry.isDirectory()) visit(join(path, entry.name));
  };
  visit(dir);
  return ids.map((id) => (id === '' ? '/' : id)).sort();
}
