import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { DEBIAN } from './processes.js';
import type { Simulator } from '../sim/simulator.js';

/**
 * Test-facing helpers around the Kubernetes API simulator (test/sim/simulator.ts): run the real
 * kubectl and raw HTTPS requests against it, and build client-node configs for its contexts.
 */

export { startSimulator, type Simulator, type SimulatorOptions, type SimulatedCluster } from '../sim/simulator.js';

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A private HOME and kubectl cache folder, so discovery caches never leak between tests
 * (protocols.md §4.1: kubectl caches discovery under $HOME/.kube/cache).
 */
export function kubectlHome(): { home: string; cacheDir: string; remove(): void } {
  const home = mkdtempSync(join(tmpdir(), 'kubectl-home-'));
  return { home, cacheDir: join(home, 'cache'), remove: () => rmSync(home, { recursive: true, force: true }) };
}

/** Runs /usr/bin/kubectl (the version dispatcher) against the simulator's kubeconfig. */
export function runKubectl(sim: Simulator, args: string[], options: { home: string; context?: string; timeoutMs?: number }): Promise<KubectlResult> {
  const fullArgs = ['--kubeconfig', sim.kubeconfigPath, '--cache-dir', join(options.home, 'cache'), ...(options.context ? ['--context', options.context] : []), ...args];
  return new Promise((resolve) => {
    execFile(DEBIAN.kubectl, fullArgs, { env: { ...process.env, HOME: options.home, KUBECONFIG: '' }, timeout: options.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error && typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : error ? 1 : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Starts a long-running kubectl (e.g. `get pods -w`) and collects its output. */
export function spawnKubectl(sim: Simulator, args: string[], options: { home: string; context?: string }): { child: ChildProcess; output(): string; stop(): Promise<void> } {
  const fullArgs = ['--kubeconfig', sim.kubeconfigPath, '--cache-dir', join(options.home, 'cache'), ...(options.context ? ['--context', options.context] : []), ...args];
  const child = spawn(DEBIAN.kubectl, fullArgs, { env: { ...process.env, HOME: options.home, KUBECONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    child.once('exit', () => resolve());
  });
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface RawHttpsResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A GET to the simulator with the token user (or none / another token), trusting the run's CA. */
export function simGet(sim: { url: string; caPem: string; token: string }, path: string, options: { token?: string | null; accept?: string; method?: string; body?: string } = {}): Promise<RawHttpsResponse> {
  const url = new URL(path, sim.url);
  const token = options.token === undefined ? sim.token : options.token;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? 'GET',
        ca: sim.caPem,
        headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(options.accept ? { Accept: options.accept } : {}), ...(options.body ? { 'Content-Type': 'application/merge-patch+json' } : {}) },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A client-node KubeConfig for one of the simulator's contexts. */
export function simKubeConfig(sim: Simulator, context = 'token'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  kc.setCurrentContext(context);
  return kc;
}
