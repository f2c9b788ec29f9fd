import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCglsCommand, formatBytes, type CgroupSource } from '../../../../../main/cli/commands/cgls.js';
import { runCli } from '../../../../../main/cli/index.js';
import { fixturePath } from '../../../../helpers/fixtures.js';
import { SYNTHETIC_PROC, writeTree } from '../../../../helpers/cgroup-fs.js';
import { tempDir } from '../../../../helpers/processes.js';

const DUMP_135 = fixturePath('cadvisor', 'kubelet', 'k8s-1.35_minikube_containerd-2.2.1_cgroupfs_cgroupv2.prom');
const DUMP_115 = fixturePath('cadvisor', 'kubelet', 'k8s-1.15_minikube-vm_docker-17.09_cgroupfs_cgroupv1.prom');

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['cgls', ...argv], { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

/** The row of the tree whose name column (connectors stripped) is exactly `name`. */
function row(stdout: string, name: string): string[] | undefined {
  for (const line of stdout.split('\n').slice(2)) {
    const match = /^([│ ├└─]*)(\S.*?)\s{2,}(\S+)\s+(\S+)\s+(\S+)\s{2}(.*)$/.exec(line);
    if (match && match[2] === name) return [match[3], match[4], match[5], match[6]];
  }
  return undefined;
}

let dir: { path: string; remove: () => void };
beforeEach(() => {
  dir = tempDir('slicewise-cgls-');
});
afterEach(() => dir.remove());

describe('slicewise cgls --from-file', () => {
  it('prints the tree with systemd-cgls connectors, cumulative CPU, working set and kinds', async () => {
    const { code, stdout, stderr } = await run('--from-file', DUMP_135);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^Control groups of .*k8s-1\.35.*; driver cgroupfs; 14 CPUs; 7\.7G memory; 18 pods, 17 containers; one reading: CPU and IO are cumulative$/);
    expect(lines[1]).toMatch(/^CONTROL GROUP\s+CPU TIME\s+MEMORY\s+IO TOTAL\s+KIND$/);
    expect(lines[2]).toMatch(/^\/\s+62\.1s\s+874\.6M\s+\S+\s+root cpu≤2\.00$/);
    expect(lines[3]).toMatch(/^├─kubepods\s/);
    // Default order: by name, unaccounted rows last.
    expect(lines.at(-3)).toMatch(/^│ └─kubelet\.service\s+3\.5s\s+49\.4M\s/);
    expect(lines.at(-2)).toMatch(/^└─\(unaccounted\)\s+29\.9s\s+370\.9M\s/);
    // Pod e2e-hpa: 0.032669 s, 11878400 B = 11.3 MiB, CPU limit 50000/100000.
    expect(row(stdout, 'scraper/e2e-hpa-6cd8d99884-tggnr')).toEqual(['0.0s', '11.3M', '12.0K', 'pod burstable cpu≤0.50']);
    expect(row(stdout, 'php-apache')).toEqual(['0.0s', '11.1M', '12.0K', 'container cpu≤0.50 docker.io/library/nginx:alpine']);
    expect(stdout.split('\n').filter((line) => /─sandbox\s/.test(line)).length).toBe(18);
    expect(row(stdout, 'system.slice')).toEqual(['-', '-', '-', 'slice (not reported)']);
    expect(stdout).toMatch(/\n│ └─\(unaccounted\)\s+4\.9s\s+0B\s+-\s+unaccounted\n/);
  });

  it('sorts siblings by memory and cuts at --depth', async () => {
    const { code, stdout } = await run('--from-file', DUMP_135, '--sort', 'memory', '--depth', '2');
    expect(code).toBe(0);
    const names = stdout.split('\n').slice(2, -1).map((line) => /^[│ ├└─]*(\S.*?)\s{2,}/.exec(line)?.[1]);
    // Working sets from the dump: burstable 471715840, besteffort 52953088, kindnet 14196736,
    // e2e-container-creating 327680; /kubepods 528191488 vs unaccounted 388919296 at the root.
    expect(names).toEqual(['/', 'kubepods', 'burstable', 'besteffort', 'kube-system/kindnet-zkpn8', 'scraper/e2e-container-creating', '(unaccounted)', '(unaccounted)', 'system.slice', 'kubelet.service']);
    const deeper = await run('--from-file', DUMP_135, '--sort', 'memory', '--depth', '3');
    const burstablePods = deeper.stdout.split('\n').filter((line) => /^│ │ [├└]─/.test(line)).map((line) => /─(\S+)/.exec(line)?.[1]);
    expect(burstablePods.slice(0, 4)).toEqual([
      'kube-system/kube-apiserver-datagen-1-35', // 222068736
      'kube-system/kube-controller-manager-datagen-1-35', // 66478080
      'kube-system/etcd-datagen-1-35', // 44535808
      'kube-system/kube-scheduler-datagen-1-35', // 24023040
    ]);
  });

  it('prints the model tree and figures as JSON', async () => {
    const { code, stdout } = await run('--from-file', DUMP_115, '--json', '--depth', '1');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({ driver: 'cgroupfs', intervalMs: null, machine: { cpuCores: 2, memoryBytes: 2097205248 } });
    expect(json.totals).toMatchObject({ pods: 8, containers: 12, sandboxes: 8, podsMemoryWorkingSetBytes: 299048960 });
    expect(json.root.children.map((child: { path: string }) => child.path)).toEqual(['/init.scope', '/kubepods', '/system.slice', '/user.slice', '/#unaccounted']);
    expect(json.root.children[1].children).toEqual([]);
    expect(json.root.figures.cpuCores).toBeNull();
    expect(json.root.figures.cpuUsageSeconds).toBeGreaterThan(2284.306110618);
  });

  it('computes rates from two payloads', async () => {
    const payload = (cpuSeconds: number, readBytes: number, tsMs: number) =>
      '# TYPE container_cpu_usage_seconds_total counter\n' +
      `container_cpu_usage_seconds_total{container="",cpu="total",id="/",image="",name="",namespace="",pod=""} ${cpuSeconds} ${tsMs}\n` +
      `container_cpu_usage_seconds_total{container="",cpu="total",id="/system.slice",image="",name="",namespace="",pod=""} ${cpuSeconds / 2} ${tsMs}\n` +
      `container_fs_reads_bytes_total{container="",device="/dev/sda",id="/",image="",name="",namespace="",pod=""} ${readBytes} ${tsMs}\n`;
    const earlier = join(dir.path, 'a.prom');
    const later = join(dir.path, 'b.prom');
    writeFileSync(earlier, payload(10, 1024, 1_000_000));
    writeFileSync(later, payload(13, 1024 + 4 * 1048576, 1_002_000));
    const { code, stdout } = await run('--from-file', earlier, '--from-file', later);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/; CPU in cores$/);
    // (13 − 10) / 2 s = 1.5 cores; 4 MiB / 2 s; /system.slice (6.5 − 5) / 2 = 0.75.
    expect(row(stdout, '/')).toEqual(['1.50', '-', '2.0M/s', 'root']);
    expect(row(stdout, 'system.slice')).toEqual(['0.75', '-', '-', 'slice']);
    // 0.75 cores are not in any child: an unaccounted row.
    expect(row(stdout, '(unaccounted)')).toEqual(['0.75', '-', '-', 'unaccounted']);
  });

  it('reports a bad payload as file:line:column: message with exit 1', async () => {
    const bad = join(dir.path, 'bad.prom');
    writeFileSync(bad, '# TYPE x counter\nx 1\nx{id="/" 2\n');
    const { code, stdout, stderr } = await run('--from-file', bad);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    // Line 3 is `x{id="/" 2`: the parser stops at the 10th character, where "}" or a label name belongs.
    expect(stderr).toMatch(new RegExp(`^${bad.replaceAll('/', '\\/')}:3:10: .+\\n$`));
  });

  it('says what is wrong with a missing file or a payload without cgroups', async () => {
    const missing = await run('--from-file', join(dir.path, 'nope.prom'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*nope\.prom \(ENOENT\); check the path/);
    const other = join(dir.path, 'node.prom');
    writeFileSync(other, 'node_load1 0.5\n');
    const empty = await run('--from-file', other);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/no cgroups in .*node\.prom/);
  });
});

describe('slicewise cgls sources and flags', () => {
  it('rejects --context without a cluster source, --context without --node, and bad flags, with exit 2', async () => {
    const bare = createCglsCommand();
    await expect(bare.run(['--context', 'kind-kind', '--node', 'n1'], { stdout: () => undefined, stderr: () => undefined })).rejects.toThrow(
      /--context\/--node need the cluster connection, which this build does not have yet; use --local or --from-file/,
    );
    expect((await run('--context', 'kind-kind')).stderr).toMatch(/--node is required with --context/);
    expect((await run('--node', 'n1', '--timeout-ms', '5')).stderr).toMatch(/--timeout-ms must be between 1000 and 600000/);
    expect((await run('--local', '--from-file', DUMP_135)).stderr).toMatch(/choose one source/);
    expect((await run('--sort', 'pids')).stderr).toMatch(/--sort must be cpu, memory or io/);
    expect((await run('--depth', '-1')).code).toBe(2);
    expect((await run('--interval-ms', '5')).stderr).toMatch(/--interval-ms must be between 100 and 60000/);
  });

  it('takes a cluster source as a function', async () => {
    const calls: [string | undefined, string, number][] = [];
    const command = createCglsCommand({
      cluster: (context, node): CgroupSource => async ({ intervalMs }) => {
        calls.push([context, node, intervalMs]);
        const sample = (value: number, tsMs: number) => ({ name: 'container_memory_working_set_bytes', labels: { id: '/kubepods' }, value, timestampMs: tsMs });
        return { description: `node ${node}`, snapshots: [{ tsMs: 1, samples: [sample(1, 1)] }, { tsMs: 2, samples: [sample(2048, 2)] }] };
      },
    });
    let stdout = '';
    const code = await command.run(['--context', 'prod', '--node', 'n7', '--interval-ms', '250'], { stdout: (text) => (stdout += text), stderr: () => undefined });
    expect(code).toBe(0);
    expect(calls).toEqual([['prod', 'n7', 250]]);
    expect(stdout).toMatch(/^Control groups of node n7;/);
    expect(row(stdout, 'kubepods')).toEqual(['-', '2.0K', '-', 'slice']);
  });

  it('reads this machine with --local (here a synthetic v2 tree), two readings apart', async () => {
    const cgroupRoot = join(dir.path, 'cgroup');
    const procRoot = join(dir.path, 'proc');
    writeTree(procRoot, SYNTHETIC_PROC);
    writeTree(cgroupRoot, {
      'cgroup.controllers': 'cpu memory\n',
      'cpu.stat': 'usage_usec 5000000\nuser_usec 3000000\nsystem_usec 2000000\n',
      'system.slice/cgroup.procs': '',
      'system.slice/memory.current': '3145728\n',
      'system.slice/memory.stat': 'anon 1048576\nfile 2097152\ninactive_file 1048576\n',
      'system.slice/sshd.service/cgroup.procs': '',
    });
    const command = createCglsCommand({ cgroupRoot, procRoot });
    let stdout = '';
    const code = await command.run(['--interval-ms', '150'], { stdout: (text) => (stdout += text), stderr: () => undefined });
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe('Control groups of this machine; 2 CPUs; 4.0G memory; 0 pods, 0 containers; CPU in cores');
    // Two readings, so CPU is a rate (one reading would print the cumulative "5.0s"); the files do
    // not change between them: zero cores, not absent.
    expect(row(stdout, '/')).toEqual(['0.00', '-', '-', 'root']);
    expect(row(stdout, 'system.slice')).toEqual(['-', '2.0M', '-', 'slice']);
    expect(row(stdout, 'sshd.service')).toEqual(['-', '-', '-', 'service']);
  });

  it('formats bytes in binary units', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(11878400), formatBytes(8.216887296e9)]).toEqual(['512B', '1.5K', '11.3M', '7.7G']);
  });
});
