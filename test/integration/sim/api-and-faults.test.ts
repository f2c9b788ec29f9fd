import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { request } from 'node:https';
import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';
import { CoreV1Api } from '@kubernetes/client-node';
import { mintExecToken } from '../../sim/api/auth.js';
import { parseExposition } from '../../sim/metrics/exposition-template.js';
import type { Pod } from '../../sim/cluster/kube-object.js';
import type { Scenario } from '../../sim/cluster/scenario.js';
import { kubectlHome, runKubectl, simGet, simKubeConfig, startSimulator, type Simulator } from '../../helpers/sim.js';

// API semantics (auth, RBAC, lists, watches, proxies, kubelet endpoints) and every fault switch,
// against the process-free `minimal` scenario.

let sim: Simulator;
let home: ReturnType<typeof kubectlHome>;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'minimal', processes: false, bookmarkIntervalMs: 150, podStartDelayMs: 100, podStopDelayMs: 100, execTokenTtlSeconds: 600 });
  home = kubectlHome();
});

afterAll(async () => {
  await sim?.stop();
  home?.remove();
});

interface WatchEvent {
  type: string;
  object: { kind?: string; code?: number; reason?: string; message?: string; metadata?: { name?: string; resourceVersion?: string; uid?: string }; status?: { phase?: string } };
}

/** Opens a watch and collects its events until it ends or `stop()` is called. */
function openWatch(path: string): { events: WatchEvent[]; status: Promise<number>; ended: Promise<void>; stop(): void } {
  const events: WatchEvent[] = [];
  let resolveStatus: (code: number) => void = () => undefined;
  let resolveEnded: () => void = () => undefined;
  const status = new Promise<number>((resolve) => (resolveStatus = resolve));
  const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
  const url = new URL(path, sim.url);
  const req = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, ca: sim.caPem, headers: { Authorization: `Bearer ${sim.token}` } }, (res) => {
    resolveStatus(res.statusCode ?? 0);
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buffer.slice(0, newline)) as WatchEvent);
        buffer = buffer.slice(newline + 1);
      }
    });
    res.on('end', () => resolveEnded());
    res.on('close', () => resolveEnded());
  });
  req.on('error', () => resolveEnded());
  req.end();
  return { events, status, ended, stop: () => req.destroy() };
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function json<T = Record<string, unknown>>(body: string): T {
  return JSON.parse(body) as T;
}

describe('authentication', () => {
  it('answers unauthenticated requests with 401 and a Status body, but serves /version to anyone', async () => {
    const denied = await simGet(sim, '/api/v1/pods', { token: null });
    expect(denied.status).toBe(401);
    expect(denied.headers['content-type']).toBe('application/json');
    expect(json(denied.body)).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    expect((await simGet(sim, '/api/v1/pods', { token: 'not-a-token' })).status).toBe(401);
    const version = await simGet(sim, '/version', { token: null });
    expect(version.status).toBe(200);
    expect(json(version.body)).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.4' });
  });

  it('exec tokens are HMAC-checked, expire, and expireTokens() rejects all issued so far until the plugin runs again', async () => {
    const config = parseYaml(readFileSync(sim.kubeconfigPath, 'utf8')) as { users: Array<{ name: string; user: { exec?: { command: string; args: string[]; env: Array<{ name: string; value: string }> } } }> };
    const exec = config.users.find((u) => u.name === 'sim-exec')?.user.exec;
    if (!exec) throw new Error('no exec user in the kubeconfig');
    const env = Object.fromEntries(exec.env.map((e) => [e.name, e.value]));
    const runPlugin = () =>
      new Promise<{ apiVersion: string; kind: string; status: { token: string; expirationTimestamp: string } }>((resolve, reject) => {
        execFile(exec.command, exec.args, { env: { ...process.env, ...env } }, (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout))));
      });
    const runsBefore = sim.execPluginRuns();
    const first = await runPlugin();
    expect(first).toMatchObject({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential' });
    expect(Date.parse(first.status.expirationTimestamp)).toBeGreaterThan(Date.now() + 500_000);
    expect(sim.execPluginRuns()).toBe(runsBefore + 1);
    expect((await simGet(sim, '/api/v1/namespaces', { token: first.status.token })).status).toBe(200);
    expect(sim.requests.at(-1)).toMatchObject({ user: 'sim-exec', auth: 'exec' });

    // A long-lived client caches its credential: it gets 401 once tokens are expired.
    const api = simKubeConfig(sim, 'exec').makeApiClient(CoreV1Api);
    expect((await api.listNamespace()).items.length).toBeGreaterThan(0);
    sim.faults.expireTokens();
    expect((await simGet(sim, '/api/v1/namespaces', { token: first.status.token })).status).toBe(401);
    await expect(api.listNamespace()).rejects.toMatchObject({ code: 401 });
    const second = await runPlugin();
    expect(second.status.token).not.toBe(first.status.token);
    expect((await simGet(sim, '/api/v1/namespaces', { token: second.status.token })).status).toBe(200);
    // kubectl runs the plugin per process, so it is not affected.
    const kubectl = await runKubectl(sim, ['get', 'ns'], { home: home.home, context: 'exec' });
    expect(kubectl.code, kubectl.stderr).toBe(0);

    const secret = env.SLICEWISE_SIM_EXEC_SECRET;
    const now = Date.now();
    expect((await simGet(sim, '/api/v1/namespaces', { token: mintExecToken(secret, 'sim-exec', now, now + 60_000) })).status).toBe(200);
    expect((await simGet(sim, '/api/v1/namespaces', { token: mintExecToken(secret, 'sim-exec', now - 120_000, now - 60_000) })).status).toBe(401);
    expect((await simGet(sim, '/api/v1/namespaces', { token: mintExecToken('another-secret', 'sim-exec', now, now + 60_000) })).status).toBe(401);
  });
});

describe('faults', () => {
  it('forbid() answers 403 with the apiserver RBAC message, for resources, subresources and paths', async () => {
    sim.faults.forbid('pods');
    try {
      const denied = await simGet(sim, '/api/v1/namespaces/web/pods');
      expect(denied.status).toBe(403);
      expect(json(denied.body)).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403, message: 'pods is forbidden: User "sim-token" cannot list resource "pods" in API group "" in the namespace "web"' });
      const kubectl = await runKubectl(sim, ['get', 'pods', '-n', 'web'], { home: home.home });
      expect(kubectl.code).toBe(1);
      expect(kubectl.stderr).toContain('Error from server (Forbidden): pods is forbidden: User "sim-token" cannot list resource "pods" in API group "" in the namespace "web"');
      expect((await simGet(sim, '/api/v1/nodes')).status).toBe(200);
    } finally {
      sim.faults.forbid('pods', false);
    }
    expect((await simGet(sim, '/api/v1/namespaces/web/pods')).status).toBe(200);

    sim.faults.forbid('nodes/proxy');
    sim.faults.forbid('/apis/apps');
    try {
      const proxy = await simGet(sim, '/api/v1/nodes/datagen-1-35/proxy/metrics%2Fcadvisor');
      expect(json(proxy.body)).toMatchObject({ code: 403, message: 'nodes "datagen-1-35" is forbidden: User "sim-token" cannot get resource "nodes/proxy" in API group "" at the cluster scope' });
      expect((await simGet(sim, '/api/v1/nodes/datagen-1-35')).status).toBe(200);
      expect((await simGet(sim, '/apis/apps/v1/deployments')).status).toBe(403);
    } finally {
      sim.faults.reset();
    }
    expect((await simGet(sim, '/apis/apps/v1/deployments')).status).toBe(200);
  });

  it('failNext() fails the next matching requests (after a delay), then lets them through', async () => {
    sim.faults.failNext('/api/v1/nodes/datagen-1-35/proxy/metrics/cadvisor', { status: 500, delayMs: 150, count: 2 });
    const started = Date.now();
    const first = await simGet(sim, '/api/v1/nodes/datagen-1-35/proxy/metrics%2Fcadvisor');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(first.status).toBe(500);
    expect(json(first.body)).toMatchObject({ kind: 'Status', reason: 'InternalError', code: 500 });
    expect((await simGet(sim, '/api/v1/nodes/datagen-1-35/proxy/metrics/cadvisor')).status).toBe(500);
    const third = await simGet(sim, '/api/v1/nodes/datagen-1-35/proxy/metrics/cadvisor');
    expect(third.status).toBe(200);
    expect(third.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(sim.requests.filter((r) => r.path === '/api/v1/nodes/datagen-1-35/proxy/metrics/cadvisor').slice(-3).map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('slow() delays every matching request until switched off', async () => {
    sim.faults.slow('/api/v1/namespaces', 200);
    let started = Date.now();
    expect((await simGet(sim, '/api/v1/namespaces')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    started = Date.now();
    expect((await simGet(sim, '/api/v1/namespaces/web')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    sim.faults.slow('/api/v1/namespaces', 0);
    expect((await simGet(sim, '/api/v1/namespaces')).status).toBe(200);
  });
});

describe('watches', () => {
  it('resume from a list resourceVersion, deliver bookmarks, scale-out events, and end on closeWatches()', async () => {
    const list = json<{ metadata: { resourceVersion: string }; items: Pod[] }>((await simGet(sim, '/api/v1/namespaces/web/pods')).body);
    const watch = openWatch(`/api/v1/namespaces/web/pods?watch=true&resourceVersion=${list.metadata.resourceVersion}&allowWatchBookmarks=true&labelSelector=app.kubernetes.io%2Fname%3Dnginx`);
    expect(await watch.status).toBe(200);
    await until(() => watch.events.some((e) => e.type === 'BOOKMARK'), 'a bookmark');
    const bookmark = watch.events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.object).toEqual({ kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
    // Nothing happened since the list: no ADDED replay.
    expect(watch.events.filter((e) => e.type !== 'BOOKMARK')).toEqual([]);

    await sim.scaleDeployment('web', 'nginx', list.items.length + 1);
    const added = sim.objects.list<Pod>('pods', 'web').find((p) => !list.items.some((i) => i.metadata.name === p.metadata.name));
    await until(() => watch.events.some((e) => e.type === 'MODIFIED' && e.object.metadata?.name === added?.metadata.name && e.object.status?.phase === 'Running'), 'the new pod Running');
    const forNew = watch.events.filter((e) => e.object.metadata?.name === added?.metadata.name).map((e) => `${e.type}:${e.object.status?.phase}`);
    expect(forNew[0]).toBe('ADDED:Pending');
    expect(forNew.at(-1)).toBe('MODIFIED:Running');
    const versions = watch.events.filter((e) => e.type !== 'BOOKMARK').map((e) => Number(e.object.metadata?.resourceVersion));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));

    sim.faults.closeWatches();
    await watch.ended;
    await sim.scaleDeployment('web', 'nginx', list.items.length);
  });

  it('answer a compacted resourceVersion with a 410 ERROR event (gone) and a fresh one normally', async () => {
    const rv = json<{ metadata: { resourceVersion: string } }>((await simGet(sim, '/api/v1/pods?limit=1')).body).metadata.resourceVersion;
    const live = openWatch(`/api/v1/pods?watch=1&resourceVersion=${rv}`);
    expect(await live.status).toBe(200);
    sim.faults.gone('pods');
    await live.ended;
    const resumed = openWatch(`/api/v1/pods?watch=1&resourceVersion=${rv}`);
    expect(await resumed.status).toBe(200);
    await resumed.ended;
    expect(resumed.events).toHaveLength(1);
    expect(resumed.events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: expect.stringMatching(/^too old resource version: \d+ \(\d+\)$/) } });
    // A relist gets a version that watches accept.
    const fresh = json<{ metadata: { resourceVersion: string } }>((await simGet(sim, '/api/v1/pods?limit=1')).body).metadata.resourceVersion;
    const again = openWatch(`/api/v1/pods?watch=1&resourceVersion=${fresh}&timeoutSeconds=1`);
    await again.ended;
    expect(again.events.filter((e) => e.type === 'ERROR')).toEqual([]);
  });

  it('start with synthetic ADDED events without a resourceVersion, filter by field selector, end on timeoutSeconds', async () => {
    const watch = openWatch('/api/v1/pods?watch=true&fieldSelector=spec.nodeName%3Ddatagen-1-35%2Cmetadata.namespace%3Dkube-system&timeoutSeconds=1&allowWatchBookmarks=true');
    await watch.ended;
    const added = watch.events.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata?.name).sort();
    const expected = sim.objects.list<Pod>('pods', 'kube-system').filter((p) => p.spec.nodeName === 'datagen-1-35').map((p) => p.metadata.name).sort();
    expect(added).toEqual(expected);
    // The timeout ends the stream with a bookmark when bookmarks were asked for.
    expect(watch.events.at(-1)?.type).toBe('BOOKMARK');
  });
});

describe('client-node informer', () => {
  it('lists, watches, and relists after the watch is closed on a compacted resourceVersion', async () => {
    const { makeInformer } = await import('@kubernetes/client-node');
    const api = simKubeConfig(sim, 'token').makeApiClient(CoreV1Api);
    let lists = 0;
    const informer = makeInformer(simKubeConfig(sim, 'token'), '/api/v1/namespaces/web/pods', () => {
      lists++;
      return api.listNamespacedPod({ namespace: 'web' });
    });
    const added: string[] = [];
    informer.on('add', (pod) => added.push(pod.metadata?.name ?? ''));
    await informer.start();
    try {
      await until(() => added.length === sim.objects.list('pods', 'web').length, 'the initial list');
      expect(lists).toBe(1);
      sim.faults.gone('pods');
      await until(() => lists >= 2, 'a relist after 410');
      await sim.scaleDeployment('web', 'nginx', 3);
      const newest = sim.objects.list<Pod>('pods', 'web').map((p) => p.metadata.name).filter((n) => !added.includes(n));
      await until(() => newest.every((n) => informer.list('web').some((p) => p.metadata?.name === n && p.status?.phase === 'Running')), 'the scaled pod in the cache');
      expect(informer.list('web').map((p) => p.metadata?.name).sort()).toEqual(sim.objects.list<Pod>('pods', 'web').map((p) => p.metadata.name).sort());
    } finally {
      await informer.stop();
      await sim.scaleDeployment('web', 'nginx', 2);
    }
  });
});

describe('lists', () => {
  it('page with limit/continue and reject bad or expired continue tokens', async () => {
    const all = json<{ items: Pod[]; metadata: { resourceVersion: string } }>((await simGet(sim, '/api/v1/pods')).body);
    const names: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const page = json<{ items: Pod[]; metadata: { resourceVersion: string; continue?: string } }>((await simGet(sim, `/api/v1/pods?limit=4${token ? `&continue=${encodeURIComponent(token)}` : ''}`)).body);
      expect(page.items.length).toBeLessThanOrEqual(4);
      expect(page.metadata.resourceVersion).toBe(all.metadata.resourceVersion);
      names.push(...page.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`));
      token = page.metadata.continue ?? '';
      pages++;
    } while (token);
    expect(names).toEqual(all.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`));
    expect(pages).toBe(Math.ceil(all.items.length / 4));

    const bad = await simGet(sim, '/api/v1/pods?limit=4&continue=garbage');
    expect(bad.status).toBe(400);
    const firstPage = json<{ metadata: { continue: string } }>((await simGet(sim, '/api/v1/pods?limit=4')).body);
    sim.faults.gone('pods');
    const expired = await simGet(sim, `/api/v1/pods?limit=4&continue=${encodeURIComponent(firstPage.metadata.continue)}`);
    expect(expired.status).toBe(410);
    expect(json(expired.body)).toMatchObject({ reason: 'Expired', code: 410 });
  });

  it('filter by label and field selectors, and explain unsupported fields', async () => {
    const nginx = json<{ items: Pod[] }>((await simGet(sim, '/api/v1/pods?labelSelector=app.kubernetes.io%2Fname%20in%20(nginx,other)')).body);
    expect(nginx.items.map((p) => p.metadata.name).sort()).toEqual(sim.objects.list<Pod>('pods', 'web').map((p) => p.metadata.name).sort());
    const notRunning = json<{ items: Pod[] }>((await simGet(sim, '/api/v1/pods?fieldSelector=status.phase!%3DRunning')).body);
    expect(notRunning.items.map((p) => p.metadata.name)).toEqual(['e2e-container-creating']);
    const named = json<{ items: Pod[] }>((await simGet(sim, '/api/v1/namespaces/kube-system/pods?fieldSelector=metadata.name%3Dstorage-provisioner')).body);
    expect(named.items.map((p) => p.metadata.name)).toEqual(['storage-provisioner']);
    const unsupported = await simGet(sim, '/api/v1/pods?fieldSelector=spec.bogus%3Dx');
    expect(unsupported.status).toBe(400);
    expect(json(unsupported.body)).toMatchObject({ message: 'field label not supported: spec.bogus' });
  });
});

describe('changes', () => {
  it('replacePod() gives a Deployment pod a new name and UID, a StatefulSet pod a new UID, and cAdvisor follows', async () => {
    const old = sim.objects.list<Pod>('pods', 'web')[0];
    const replacement = await sim.replacePod('web', old.metadata.name);
    expect(replacement).not.toBe(old.metadata.name);
    expect(replacement).toMatch(/^nginx-[a-z0-9]{10}-[a-z0-9]{5}$/);
    expect(sim.objects.get('pods', 'web', old.metadata.name)).toBeUndefined();
    const next = sim.objects.get<Pod>('pods', 'web', replacement);
    expect(next?.status.phase).toBe('Running');
    expect(next?.metadata.ownerReferences).toEqual(old.metadata.ownerReferences);

    const sts = sim.objects.get<Pod>('pods', 'scraper', 'e2e-statefulset-0') as Pod;
    expect(await sim.replacePod('scraper', 'e2e-statefulset-0')).toBe('e2e-statefulset-0');
    const reborn = sim.objects.get<Pod>('pods', 'scraper', 'e2e-statefulset-0') as Pod;
    expect(reborn.metadata.uid).not.toBe(sts.metadata.uid);

    const cadvisor = parseExposition((await simGet(sim, '/api/v1/nodes/datagen-1-35/proxy/metrics/cadvisor')).body);
    const cpu = cadvisor.families.find((f) => f.name === 'container_cpu_usage_seconds_total');
    const ids = (cpu?.samples ?? []).map((s) => s.labelsText);
    // The dump pod's cgroup is gone; the new pod's cgroup (named after its UID) is there.
    expect(ids.some((l) => l.includes(`pod${sts.metadata.uid}`))).toBe(false);
    expect(ids.some((l) => l.includes(`pod${reborn.metadata.uid}`) && l.includes('pod="e2e-statefulset-0"'))).toBe(true);
    expect(ids.some((l) => l.includes(`pod="${old.metadata.name}"`))).toBe(false);
    expect(ids.filter((l) => l.includes(`pod="${replacement}"`) && l.includes('container="nginx-exporter"'))).toHaveLength(1);
  });

  it('kubectl scale and kubectl delete pod act through the API', async () => {
    const scaled = await runKubectl(sim, ['scale', 'deployment/nginx', '-n', 'web', '--replicas=3'], { home: home.home });
    expect(scaled.code, scaled.stderr).toBe(0);
    expect(scaled.stdout.trim()).toBe('deployment.apps/nginx scaled');
    await until(() => sim.objects.list<Pod>('pods', 'web').filter((p) => p.status.phase === 'Running').length === 3, 'three nginx pods');
    const victim = sim.objects.list<Pod>('pods', 'web')[0].metadata.name;
    const deleted = await runKubectl(sim, ['delete', 'pod', victim, '-n', 'web', '--wait=false'], { home: home.home });
    expect(deleted.code, deleted.stderr).toBe(0);
    await until(() => !sim.objects.get('pods', 'web', victim) && sim.objects.list<Pod>('pods', 'web').filter((p) => p.status.phase === 'Running').length === 3, 'a replacement');
    await sim.scaleDeployment('web', 'nginx', 2);
  });
});

describe('proxies and kubelet endpoints', () => {
  it('serve the kubelet endpoints of a node consistently', async () => {
    const pods = sim.objects.list<Pod>('pods').filter((p) => p.spec.nodeName === 'datagen-1-35' && p.status.phase === 'Running');
    const resource = (await simGet(sim, '/api/v1/nodes/datagen-1-35/proxy/metrics/resource')).body;
    const podLines = resource.split('\n').filter((l) => l.startsWith('pod_cpu_usage_seconds_total{'));
    expect(podLines.map((l) => /pod="([^"]+)"/.exec(l)?.[1]).sort()).toEqual(pods.map((p) => p.metadata.name).sort());
    const summary = json<{ node: { nodeName: string; cpu: { usageNanoCores: number } }; pods: Array<{ podRef: { name: string; uid: string } }> }>((await simGet(sim, '/api/v1/nodes/datagen-1-35/proxy/stats/summary')).body);
    expect(summary.node.nodeName).toBe('datagen-1-35');
    expect(summary.node.cpu.usageNanoCores).toBeGreaterThan(0);
    expect(summary.pods.map((p) => p.podRef.uid).sort()).toEqual(pods.map((p) => p.metadata.uid).sort());
    const configz = json<{ kubeletconfig: { cgroupDriver: string } }>((await simGet(sim, '/api/v1/nodes/datagen-1-35/proxy/configz')).body);
    expect(configz.kubeletconfig.cgroupDriver).toBe('cgroupfs');
    const kubeletPods = json<{ items: Pod[] }>((await simGet(sim, '/api/v1/nodes/datagen-1-35/proxy/pods')).body);
    expect(kubeletPods.items.length).toBe(pods.length);
    const missing = await simGet(sim, '/api/v1/nodes/datagen-1-35/proxy/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toBe('404 page not found\n');
  });

  it('proxy services and pods by port name or number, with the apiserver 503s when nothing answers', async () => {
    const ksm = await simGet(sim, '/api/v1/namespaces/monitoring/services/kube-state-metrics:http-metrics/proxy/metrics');
    expect(ksm.status).toBe(200);
    expect(ksm.body).toContain('kube_pod_info{namespace="web"');
    const byNumber = await simGet(sim, '/api/v1/namespaces/monitoring/services/http:kube-state-metrics:8081/proxy/metrics');
    expect(byNumber.body).toContain('kube_state_metrics_list_total');
    const nginx = sim.objects.list<Pod>('pods', 'web')[0];
    const exporter = await simGet(sim, `/api/v1/namespaces/web/pods/${nginx.metadata.name}:metrics/proxy/metrics`);
    expect(exporter.body).toContain('nginx_http_requests_total');
    // In the minimal scenario nothing listens on nginx's port 80.
    const refused = await simGet(sim, `/api/v1/namespaces/web/pods/${nginx.metadata.name}:80/proxy/`);
    expect(refused.status).toBe(503);
    expect(json(refused.body)).toMatchObject({ reason: 'ServiceUnavailable', message: `error trying to reach service: dial tcp ${nginx.status.podIP}:80: connect: connection refused` });
    // The dump's CoreDNS pod answers its metrics port (generated CoreDNS 1.11 payload) …
    const coredns = await simGet(sim, '/api/v1/namespaces/kube-system/services/kube-dns:metrics/proxy/metrics');
    expect(coredns.status).toBe(200);
    expect(coredns.body).toMatch(/^coredns_dns_requests_total\{family="1",proto="udp",server="dns:\/\/:53",type="A",view="",zone="."\} \d+$/m);
    // … but nothing answers DNS over TCP on port 53.
    const noEndpoints = await simGet(sim, '/api/v1/namespaces/kube-system/services/kube-dns:dns-tcp/proxy/');
    expect(noEndpoints.status).toBe(503);
  });
});

describe('scenario scripts', () => {
  it('run timed changes and faults when enabled', async () => {
    const { loadScenario } = await import('../../sim/cluster/scenario.js');
    const scenario: Scenario = {
      ...loadScenario('minimal'),
      name: 'scripted',
      script: [
        { atMs: 50, fault: { forbid: ['services'] } },
        { atMs: 100, scaleDeployment: { namespace: 'web', name: 'nginx', replicas: 3 } },
        { atMs: 150, everyMs: 100, fault: { failNext: ['/api/v1/namespaces/default', { status: 503 }] } },
      ],
    };
    const lines: string[] = [];
    const scripted = await startSimulator({ scenario, processes: false, secondCluster: false, script: true, podStartDelayMs: 50, log: (line) => lines.push(line) });
    try {
      await until(() => scripted.objects.list<Pod>('pods', 'web').filter((p) => p.status.phase === 'Running').length === 3, 'the scripted scale-out');
      expect((await simGet(scripted, '/api/v1/services')).status).toBe(403);
      await until(() => lines.filter((l) => l.startsWith('script: fault failNext')).length >= 2, 'the repeated step');
      expect((await simGet(scripted, '/api/v1/namespaces/default')).status).toBe(503);
      expect(lines).toContain('script: scaled deployment web/nginx to 3');
    } finally {
      await scripted.stop();
    }
    // Without script: true nothing runs.
    const still = await startSimulator({ scenario, processes: false, secondCluster: false });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(still.objects.list<Pod>('pods', 'web')).toHaveLength(2);
      expect((await simGet(still, '/api/v1/services')).status).toBe(200);
    } finally {
      await still.stop();
    }
  });
});
