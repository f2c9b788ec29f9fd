// Cost of reading "this machine" every second, in CPU time: LocalCgroupReader on a synthetic cgroup
// v2 tree of 1000 cgroups (kubepods-like: 333 pods with 2 containers each), side by side with
// one-off reads (fresh reader each time: open + read + close per file, limits re-read) and with a
// bare loop that only opens, reads and closes the same files. Targets: the kept reader ≥ 1.5×
// cheaper than one-off reads, and at most 1.5× the bare file reads (parsing and building ~34
// samples per cgroup may cost no more than half again the system calls alone). Absolute numbers
// are reported for information.
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCgroupReader, listLocalCgroupIds, readLocalCgroupFamilies } from '../../main/transport/local-host/cgroup-reader.js';
import { info, median, type Suite } from './figure.js';

const CGROUP_FILES: Record<string, string> = {
  'cgroup.procs': '',
  'cpu.stat': 'usage_usec 3000000\nuser_usec 2000000\nsystem_usec 1000000\nnr_periods 400\nnr_throttled 40\nthrottled_usec 1500000\nnr_bursts 0\nburst_usec 0\n',
  'cpu.max': '50000 100000\n',
  'cpu.weight': '100\n',
  'memory.current': '1048576\n',
  'memory.stat': `${Array.from({ length: 36 }, (_, index) => `field${index} ${index * 4096}`).join('\n')}\nanon 524288\nfile 262144\ninactive_file 131072\nfile_mapped 8192\n`,
  'memory.max': 'max\n',
  'memory.events': 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n',
  'memory.peak': '2097152\n',
  'memory.swap.current': '0\n',
  'io.stat': '8:0 rbytes=1024 wbytes=2048 rios=4 wios=8 dbytes=0 dios=0\n',
  'pids.current': '7\n',
  'pids.max': 'max\n',
  'cpu.pressure': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=7000000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=5000000\n',
  'memory.pressure': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=7000000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=5000000\n',
  'io.pressure': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=7000000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=5000000\n',
};

function writeCgroup(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(CGROUP_FILES)) writeFileSync(join(dir, file), content);
}

/**
 * Measures the CPU time (user + system, ms) of several contenders round-robin, one run of each per
 * round after warm-up rounds, and returns each one's median. CPU time rather than wall time, and
 * interleaved, so that other work on a shared 2-core machine neither inflates nor favours one side.
 */
async function interleavedCpuMediansMs(contenders: (() => Promise<unknown> | unknown)[], rounds: number, warmup = 2): Promise<number[]> {
  const times: number[][] = contenders.map(() => []);
  for (let round = 0; round < warmup + rounds; round++) {
    for (const [index, contender] of contenders.entries()) {
      const started = process.cpuUsage();
      await contender();
      const used = process.cpuUsage(started);
      if (round >= warmup) times[index].push((used.user + used.system) / 1000);
    }
  }
  return times.map(median);
}

export const localCgroupsSuite: Suite = {
  name: 'local-cgroups',
  async run() {
    // tmpfs when there is one, so the disk does not time itself into the figures.
    const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
    const root = join(base, `slicewise-bench-cgroup-${process.pid}`);
    rmSync(root, { recursive: true, force: true });
    try {
      writeCgroup(root);
      writeFileSync(join(root, 'cgroup.controllers'), 'cpu io memory pids\n');
      writeCgroup(join(root, 'kubepods.slice'));
      for (let pod = 0; pod < 333; pod++) {
        const podDir = join(root, 'kubepods.slice', `kubepods-pod${pod}.slice`);
        writeCgroup(podDir);
        for (let container = 0; container < 2; container++) writeCgroup(join(podDir, `cri-containerd-${String(container).repeat(64)}.scope`));
      }
      const ids = listLocalCgroupIds(root);
      const files = ids.flatMap((id) => Object.keys(CGROUP_FILES).map((file) => join(root, id, file)));
      const runs = 9;

      const buffer = Buffer.allocUnsafe(64 * 1024);
      const bareReads = () => {
        for (const file of files) {
          const fd = openSync(file, 'r');
          readSync(fd, buffer, 0, buffer.length, 0);
          closeSync(fd);
        }
      };
      // Node raises its soft descriptor limit to the hard one at start; 16384 is the reader's cap.
      const reader = new LocalCgroupReader(root, { openFileBudget: 16384 });
      let fileReads = 0;
      const keptRead = async () => {
        fileReads = (await reader.read()).fileReads;
      };
      const [bareMs, oneOffMs, keptMs, exposeMs] = await interleavedCpuMediansMs(
        [bareReads, () => readLocalCgroupFamilies(root), keptRead, () => reader.readExposition()],
        runs,
      );
      reader.dispose();

      const figures = [
        { name: 'kept reader vs one-off reads, 1000 cgroups', value: keptMs, unit: 'ms CPU', baseline: oneOffMs, ratio: oneOffMs / keptMs, target: '≥ 1.5× cheaper than one-off reads', pass: oneOffMs / keptMs >= 1.5 },
        { name: 'kept reader vs bare open+read+close of the same files', value: keptMs, unit: 'ms CPU', baseline: bareMs, ratio: keptMs / bareMs, target: '≤ 1.5× the bare reads', pass: keptMs / bareMs <= 1.5 },
        info('kept reader, exposition text included', exposeMs, 'ms CPU'),
        info('files read per kept reading (limits cached)', fileReads, 'files'),
        info('share of one core at one reading per second', keptMs / 10, '%'),
      ];
      if (existsSync('/sys/fs/cgroup')) {
        const real = new LocalCgroupReader('/sys/fs/cgroup');
        let count = 0;
        const [realMs] = await interleavedCpuMediansMs([
          async () => {
            count = (await real.read()).cgroupIds.length;
          },
        ], runs);
        real.dispose();
        figures.push(info(`this machine's /sys/fs/cgroup (${count} cgroups)`, realMs, 'ms CPU'));
      }
      return figures;
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};
