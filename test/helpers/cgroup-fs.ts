import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Writes a synthetic file tree: keys are paths relative to `root` (folders are created), values are
 * file contents; a value `{ symlink: target }` makes a symbolic link. Used to build fake
 * /sys/fs/cgroup and /proc trees for the local-host reader.
 */
export function writeTree(root: string, files: Record<string, string | { symlink: string }>): void {
  for (const [relative, content] of Object.entries(files)) {
    const path = join(root, relative);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof content === 'string') writeFileSync(path, content);
    else symlinkSync(content.symlink, path);
  }
}

/** A minimal /proc for the readers: one disk (8:0 sda), eth0 and lo, two CPUs, 4 GiB of memory. */
export const SYNTHETIC_PROC: Record<string, string> = {
  diskstats: '   8       0 sda 100 0 800 50 200 0 1600 70 0 90 120 0 0 0 0 0 0\n   8       1 sda1 90 0 720 40 190 0 1520 60 0 80 100 0 0 0 0 0 0\n   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n',
  'net/dev':
    'Inter-|   Receive                                                |  Transmit\n' +
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
    '    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0\n' +
    '  eth0: 5000000    4000    1    2    0     0          0         0  3000000    2500    3    4    0     0       0          0\n',
  cpuinfo: 'processor\t: 0\nmodel name\t: Test CPU\n\nprocessor\t: 1\nmodel name\t: Test CPU\n\n',
  meminfo: 'MemTotal:        4194304 kB\nMemFree:         1048576 kB\nMemAvailable:    2097152 kB\nBuffers:           65536 kB\nCached:           524288 kB\nActive(anon):     262144 kB\nInactive(file):   131072 kB\nHugePages_Total:       0\nHugepagesize:       2048 kB\n',
};
