import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from '../../helpers/fixtures.js';
import { tempDir } from '../../helpers/processes.js';
import { simGet, startSimulator } from '../../helpers/sim.js';

// What starts must stop: stop() leaves no process, socket, timer or temp file; the `npm run sim`
// and `npm run demo` entry points print their ready line and clean up on Ctrl-C.

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Handles that keep Node alive, by kind (sockets, servers, timers, child processes). */
function handleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) if (kind !== 'TTYWrap' && kind !== 'FSReqCallback') counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 100));
}

describe('stop()', () => {
  it('leaves no process, listening port, open handle or temp file behind (demo with real exporters)', async () => {
    await settle();
    const before = handleCounts();
    const sim = await startSimulator({ scenario: 'demo' });
    const processes = sim.runningProcesses();
    expect(processes.map((p) => p.source.split(' ')[0]).sort()).toEqual(['nginx', 'nginx', 'nginx-exporter', 'nginx-exporter', 'node-exporter', 'prometheus', 'pushgateway']);
    const ports = [new URL(sim.url).port, new URL(sim.second?.url ?? sim.url).port, ...processes.map((p) => p.port)].map(Number);
    const ksm = sim.backendFor('monitoring', sim.objects.list('pods', 'monitoring').find((p) => p.metadata.name.startsWith('kube-state-metrics'))?.metadata.name ?? '', 8080);
    if (ksm) ports.push(ksm.port);
    for (const port of ports) expect(await listening(port), `port ${port}`).toBe(true);
    expect((await simGet(sim, '/api/v1/nodes')).status).toBe(200);
    const kubeconfig = sim.kubeconfigPath;
    expect(existsSync(kubeconfig)).toBe(true);

    await sim.stop();
    await settle();
    for (const p of processes) expect(alive(p.pid as number), `${p.source} still running`).toBe(false);
    for (const port of ports) expect(await listening(port), `port ${port} still open`).toBe(false);
    expect(existsSync(kubeconfig)).toBe(false);
    await settle(); // let the probes' own sockets close
    expect(handleCounts()).toEqual(before);
    await sim.stop(); // idempotent
  });
});

describe('entry points', () => {
  const bundle = (name: string) => {
    const path = join(REPO_ROOT, 'out', 'test', name);
    if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build first`);
    return path;
  };

  /** Spawns a bundle, resolves with its first stdout line. */
  function start(args: string[]): Promise<{ line: string; stop(): Promise<number | null>; pid: number }> {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const newline = stdout.indexOf('\n');
        if (newline >= 0) {
          resolve({
            line: stdout.slice(0, newline),
            pid: child.pid as number,
            stop: async () => {
              child.kill('SIGINT');
              const code = await exited;
              expect(stdout.slice(newline + 1), 'nothing but the ready line on stdout').toBe('');
              return code;
            },
          });
        }
      });
      void exited.then((code) => reject(new Error(`exited with ${code} before its ready line:\n${stderr}`)));
    });
  }

  it('npm run sim prints exactly one ready line, serves, and stops on Ctrl-C', async () => {
    const dir = tempDir('kube-sim-cli-');
    try {
      const kubeconfig = join(dir.path, 'config');
      const sim = await start([bundle('sim.cjs'), '--scenario', 'minimal', '--kubeconfig', kubeconfig, '--no-processes']);
      const match = /^kube-sim listening on (https:\/\/127\.0\.0\.1:(\d+)) \(kubeconfig: (.+)\)$/.exec(sim.line);
      expect(match, sim.line).not.toBeNull();
      expect(match?.[3]).toBe(kubeconfig);
      const config = readFileSync(kubeconfig, 'utf8');
      expect(config).toContain(`server: ${match?.[1]}`);
      for (const context of ['token', 'client-cert', 'exec', 'edge']) expect(config).toContain(`name: ${context}\n`);
      const token = /token: (\S+)/.exec(config)?.[1] as string;
      const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(config)?.[1] as string, 'base64').toString();
      const nodes = await simGet({ url: match?.[1] as string, caPem: ca, token }, '/api/v1/nodes');
      expect(JSON.parse(nodes.body).items.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual(['datagen-1-35']);
      expect(await sim.stop()).toBe(0);
      expect(await listening(Number(match?.[2]))).toBe(false);
    } finally {
      dir.remove();
    }
  });

  it('npm run sim -- --nodes N --pods-per-node M runs scale mode', async () => {
    const sim = await start([bundle('sim.cjs'), '--nodes', '20', '--pods-per-node', '5', '--no-processes']);
    const match = /^kube-sim listening on (https:\/\/127\.0\.0\.1:\d+) \(kubeconfig: (.+)\)$/.exec(sim.line);
    const config = readFileSync(match?.[2] as string, 'utf8');
    const token = /token: (\S+)/.exec(config)?.[1] as string;
    const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(config)?.[1] as string, 'base64').toString();
    const pods = JSON.parse((await simGet({ url: match?.[1] as string, caPem: ca, token }, '/api/v1/pods')).body) as { items: unknown[] };
    expect(pods.items).toHaveLength(100);
    expect(await sim.stop()).toBe(0);
    // Its kubeconfig lived in its temp folder.
    expect(existsSync(match?.[2] as string)).toBe(false);
  });

  it('npm run demo starts the simulator and Slicewise browser mode, and passes the ready line through', async () => {
    if (!existsSync(join(REPO_ROOT, 'out', 'main', 'cli.cjs'))) throw new Error('out/main/cli.cjs is missing: run npm run build first');
    const demo = await start([bundle('demo.cjs'), '--no-processes', '--no-script']);
    const url = /^Slicewise is ready at (http:\/\/127\.0\.0\.1:\d+\S*)$/.exec(demo.line)?.[1];
    expect(url, demo.line).toBeDefined();
    const port = Number(new URL(url as string).port);
    expect(await listening(port)).toBe(true);
    expect(await demo.stop()).toBe(0);
    expect(await listening(port)).toBe(false);
  });
});
