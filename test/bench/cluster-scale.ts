// Cluster scale (issue: "5,000-node/150,000-pod scenario syncs; report time and main-process memory"):
// the simulator runs in scale mode in a child process (`out/test/sim.cjs --nodes 5000
// --pods-per-node 30`), so this process holds only Slicewise. Here: the watch cache
// (main/cluster/cluster-cache.ts over an ApiClient, built the way cluster-session.ts builds it)
// until `synced` (nodes and pods listed; the optional resources keep listing beside them), then
// until every watched resource listed, then one discovery run over the cache, as the session does.
// Baseline measured in the same run: a bare paged list of all pods with ApiClient.get (page size
// 500 like the cache, objects dropped), once before and once after the sync, averaged so load
// drift on a shared machine hits both sides. Memory is the heap growth from before the cache to
// after the full sync, both after full GCs, divided by the number of cached pods (nodes,
// ReplicaSets and Deployments included: a conservative per-pod figure); the pods' JSON size is
// reported beside it. Targets: sync time ≤ 2× the bare list; heap ≤ 4 KB per cached pod.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiClient } from '../../main/cluster/api-client.js';
import { ClusterCache } from '../../main/cluster/cluster-cache.js';
import type { ListResult, ListWatchClient, WatchEvent } from '../../main/cluster/list-watch.js';
import { discoverTargets, type ClusterObjects } from '../../main/discovery/index.js';
import { loadKubeconfig } from '../../main/kubeconfig/load.js';
import { Logger, nullSink } from '../../main/util/log.js';
import { forceGc, info, type Figure, type Suite } from './figure.js';

const NODES = 5000;
const PODS_PER_NODE = 30;
const PAGE_SIZE = 500;
const SYNC_TIMEOUT_MS = 10 * 60_000;

interface SimChild {
  readonly kubeconfigPath: string;
  stop(): Promise<void>;
}

/** Starts `out/test/sim.cjs` in scale mode and resolves once it printed its ready line. */
async function startScaleSimulator(dir: string): Promise<SimChild> {
  const simPath = fileURLToPath(new URL('./sim.cjs', import.meta.url));
  if (!existsSync(simPath)) throw new Error(`${simPath} is missing; run npm run build first`);
  const kubeconfigPath = join(dir, 'kubeconfig');
  const child: ChildProcess = spawn(process.execPath, [simPath, '--nodes', String(NODES), '--pods-per-node', String(PODS_PER_NODE), '--kubeconfig', kubeconfigPath, '--no-processes', '--no-script'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('kube-sim listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the scale simulator exited (${code}) before it was ready: ${stderr.trim()}`)));
  });
  return {
    kubeconfigPath,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** What cluster-session.ts gives the watch cache: one list page as JSON, a watch as decoded lines. */
function listWatchClient(client: ApiClient): ListWatchClient {
  return {
    list: (path, query, signal) => client.get<ListResult>(path, { query, signal }),
    watch: (path, query, signal) => client.stream<WatchEvent>(path, { query, signal }),
  };
}

/** Lists every pod page by page and drops the objects; returns the pod count. */
async function barePodList(client: ApiClient): Promise<number> {
  let token: string | undefined;
  let pods = 0;
  do {
    const page = await client.get<ListResult>('/api/v1/pods', { query: { limit: PAGE_SIZE, continue: token } });
    pods += page.items.length;
    token = page.metadata.continue || undefined;
  } while (token);
  return pods;
}

/** The bytes of all pod pages as the apiserver sends them (untimed). */
async function podJsonBytes(client: ApiClient): Promise<number> {
  let token: string | undefined;
  let bytes = 0;
  do {
    const { body } = await client.getText('/api/v1/pods', { query: { limit: PAGE_SIZE, continue: token } });
    bytes += Buffer.byteLength(body);
    token = (JSON.parse(body) as ListResult).metadata.continue || undefined;
  } while (token);
  return bytes;
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + SYNC_TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Wall time and this process's CPU time (user + system) of `fn`, in ms. */
async function timed(fn: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await fn();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

export const clusterScaleSuite: Suite = {
  name: 'cluster-scale',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'slicewise-cluster-scale-'));
    const sim = await startScaleSimulator(dir);
    const log = new Logger(nullSink);
    const client = new ApiClient(loadKubeconfig([sim.kubeconfigPath]).resolve('token'), { log, env: {}, timeoutMs: 120_000 });
    let cache: ClusterCache | undefined;
    try {
      // Warm-up (connections, the simulator's generators) that also measures the wire size.
      const jsonBytes = await podJsonBytes(client);
      const listBefore = await timed(() => barePodList(client));

      await forceGc();
      const before = process.memoryUsage();
      const syncStarted = performance.now();
      const syncCpu = process.cpuUsage();
      cache = new ClusterCache(listWatchClient(client), { log, pageSize: PAGE_SIZE }).start();
      await waitUntil(() => cache!.synced, 'the cache to sync nodes and pods');
      const syncMs = performance.now() - syncStarted;
      const syncCpuUsed = process.cpuUsage(syncCpu);
      const syncCpuMs = (syncCpuUsed.user + syncCpuUsed.system) / 1000;
      await waitUntil(() => cache!.statuses().every((status) => status.synced || status.state === 'forbidden'), 'every watched resource to list');
      const fullSyncMs = performance.now() - syncStarted;
      const pods = cache.pods.size;

      const objects = { nodes: cache.nodes.list(), pods: cache.pods.list(), services: cache.services.list(), endpointSlices: cache.endpointSlices.list() } as ClusterObjects;
      const discoveryStarted = performance.now();
      const targets = discoverTargets(objects, { apiserverUrl: client.context.server });
      const discoveryMs = performance.now() - discoveryStarted;

      await forceGc();
      const after = process.memoryUsage();
      const heapBytes = after.heapUsed - before.heapUsed;
      const bytesPerPod = heapBytes / pods;
      // Keep the cache alive until after the measurement.
      if (cache.nodes.size !== NODES || pods !== NODES * PODS_PER_NODE) throw new Error(`the cache holds ${cache.nodes.size} nodes and ${pods} pods, expected ${NODES} and ${NODES * PODS_PER_NODE}`);

      const listAfter = await timed(() => barePodList(client));
      const listMs = (listBefore.wallMs + listAfter.wallMs) / 2;
      const listCpuMs = (listBefore.cpuMs + listAfter.cpuMs) / 2;
      const ratio = syncMs / listMs;
      const figures: Figure[] = [
        { name: `cache sync (nodes and pods listed), ${NODES} nodes / ${pods} pods`, value: syncMs / 1000, unit: 's', baseline: listMs / 1000, ratio, target: '≤ 2× a bare paged list of all pods', pass: ratio <= 2 },
        info('bare paged pod list (ApiClient.get, 500 per page), before / after the sync', listBefore.wallMs / 1000, 's', { baseline: listAfter.wallMs / 1000 }),
        // CPU time of this process: less sensitive than wall time to other work on a shared machine.
        info('cache sync CPU time in this process (nodes and pods; the other resources list beside them)', syncCpuMs / 1000, 's', { baseline: listCpuMs / 1000, ratio: syncCpuMs / listCpuMs }),
        info('cache full sync (all 8 watched resources listed)', fullSyncMs / 1000, 's'),
        info(`one discovery over the cache (${targets.length} targets)`, discoveryMs, 'ms'),
        { name: 'cache heap per cached pod (all cached objects / pods)', value: bytesPerPod, unit: 'bytes', baseline: jsonBytes / pods, ratio: bytesPerPod / (jsonBytes / pods), target: '≤ 4096 bytes per pod (baseline: pod JSON bytes on the wire)', pass: bytesPerPod <= 4096 },
        info('heap used after the sync (after GC)', after.heapUsed / 1e6, 'MB', { baseline: before.heapUsed / 1e6 }),
        info('RSS after the sync (after GC)', after.rss / 1e6, 'MB', { baseline: before.rss / 1e6 }),
        info('pod list JSON size', jsonBytes / 1e6, 'MB'),
      ];
      return figures;
    } finally {
      await cache?.dispose();
      client.dispose();
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
