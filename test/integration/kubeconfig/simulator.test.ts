import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../../main/cluster/api-client.js';
import { discoverTargets, findPrometheusServices, type ClusterObjects, type DiscoveredTarget } from '../../../main/discovery/index.js';
import type { PodLike } from '../../../main/discovery/target.js';
import { ExecConsent } from '../../../main/kubeconfig/exec-consent.js';
import { loadKubeconfig } from '../../../main/kubeconfig/load.js';
import { Logger, type LogSink } from '../../../main/util/log.js';
import { startSimulator, type Simulator } from '../../sim/simulator.js';

/**
 * The kubeconfig, credentials, apiserver client and discovery against the Kubernetes API simulator
 * (test/sim): its kubeconfig, its three ways of authenticating, its faults, and discovery over the
 * demo scenario's objects as read through our own client.
 */

const logLines: string[] = [];
const sink: LogSink = { write: (line) => logLines.push(line) };
const log = new Logger(sink, 'debug');
let sim: Simulator;
const clients: ApiClient[] = [];

function clientFor(context: string, consent = new ExecConsent({ prompt: async () => 'once' })): ApiClient {
  const set = loadKubeconfig([sim.kubeconfigPath], { credentials: { consent, log } });
  const client = new ApiClient(set.resolve(context), { log, env: {} });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'demo', processes: false });
});
afterAll(async () => {
  for (const client of clients) client.dispose();
  await sim?.stop();
  // SEC-09: the simulator's bearer token never reached a log line.
  expect(logLines.join('\n')).not.toContain(sim.token);
});

describe('the simulator’s kubeconfig', () => {
  it('lists its four contexts with their auth kinds, token current', () => {
    const set = loadKubeconfig([sim.kubeconfigPath]);
    expect(set.problems).toEqual([]);
    expect(set.contexts.map((context) => [context.name, context.authKind, context.isCurrent, context.execCommand ?? null])).toEqual([
      ['client-cert', 'client-cert', false, null],
      ['edge', 'token', false, null],
      ['exec', 'exec', false, 'node'],
      ['token', 'token', true, null],
    ]);
    expect(JSON.stringify(set.contexts)).not.toContain(sim.token);
  });

  it.each(['token', 'client-cert', 'exec'])('context %s reaches the main cluster and lists its three nodes', async (context) => {
    const nodes = await clientFor(context).get<{ items: { metadata: { name: string } }[] }>('/api/v1/nodes');
    expect(nodes.items.map((node) => node.metadata.name).sort()).toEqual(['datagen-1-35', 'minikube-m02', 'minikube-m03']);
  });

  it('context edge reaches the second cluster', async () => {
    const version = await clientFor('edge').get<{ major: string }>('/version');
    expect(version.major).toBe('1');
    expect(sim.second?.requests.some((request) => request.path === '/version')).toBe(true);
  });
});

describe('credentials against the simulator', () => {
  it('re-runs the exec plugin once after the server expires its tokens, and the request succeeds', async () => {
    const client = clientFor('exec');
    await client.get('/api/v1/namespaces');
    const before = sim.execPluginRuns();
    sim.faults.expireTokens();
    const namespaces = await client.get<{ items: unknown[] }>('/api/v1/namespaces');
    expect(namespaces.items.length).toBeGreaterThan(0);
    expect(sim.execPluginRuns() - before).toBe(1);
  });

  it('runs no plugin without consent', async () => {
    const before = sim.execPluginRuns();
    const client = clientFor('exec', new ExecConsent());
    await expect(client.get('/version')).rejects.toMatchObject({ code: 'consent-required' });
    expect(sim.execPluginRuns()).toBe(before);
  });

  it('explains an RBAC refusal with the apiserver’s own words', async () => {
    sim.faults.forbid('pods');
    try {
      const error = await clientFor('token').get('/api/v1/pods').then(
        () => undefined,
        (failure: unknown) => failure as { code: string; statusCode: number; message: string },
      );
      expect(error).toMatchObject({ code: 'forbidden', statusCode: 403 });
      expect(error?.message).toMatch(/^Forbidden: pods is forbidden: User "sim-token" cannot list resource "pods"/);
    } finally {
      sim.faults.forbid('pods', false);
    }
  });
});

/** `pod <namespace>/<workload>:<port>`: the workload is the owner (ReplicaSet hash stripped), or the pod for StatefulSets. */
function describeEndpoint(target: DiscoveredTarget, pods: readonly PodLike[]): string {
  const endpoint = target.endpoint;
  if (endpoint.kind === 'node') return `node ${endpoint.node}`;
  if (endpoint.kind === 'service') return `service ${endpoint.namespace}/${endpoint.service}:${endpoint.port}`;
  const pod = pods.find((candidate) => candidate.metadata.namespace === endpoint.namespace && candidate.metadata.name === endpoint.pod);
  const owner = pod?.metadata.ownerReferences?.find((reference) => reference.controller);
  const workload = owner?.kind === 'ReplicaSet' ? owner.name.replace(/-[a-z0-9]+$/, '') : owner?.kind === 'StatefulSet' ? owner.name : (owner?.name ?? endpoint.pod);
  return `pod ${endpoint.namespace}/${workload}:${endpoint.port}`;
}

describe('discovery on the demo scenario, through our client', () => {
  let objects: ClusterObjects & { endpointSlices: NonNullable<ClusterObjects['endpointSlices']> };
  beforeAll(async () => {
    const client = clientFor('token');
    const items = async <T>(path: string) => (await client.get<{ items: T[] }>(path)).items;
    objects = {
      nodes: await items('/api/v1/nodes'),
      pods: await items('/api/v1/pods'),
      services: await items('/api/v1/services'),
      endpoints: await items('/api/v1/endpoints'),
      endpointSlices: await items('/apis/discovery.k8s.io/v1/endpointslices'),
    };
  });

  it('finds the targets the scenario describes (table written from demo.yaml)', () => {
    const targets = discoverTargets(objects, { apiserverUrl: sim.url });
    const nodes = ['datagen-1-35', 'minikube-m02', 'minikube-m03'];
    const rows = targets.map((target) => `${target.job} ${target.source} ${describeEndpoint(target, objects.pods)} ${target.nodeName ?? '-'}`).sort();
    expect(rows).toEqual(
      [
        // The apiserver behind default/kubernetes.
        'kubernetes-apiservers apiserver service default/kubernetes:443 -',
        // Every kubelet: /metrics, /metrics/cadvisor, /metrics/resource.
        ...nodes.map((node) => `kubernetes-nodes kubelet node ${node} ${node}`),
        ...nodes.map((node) => `kubernetes-nodes-cadvisor cadvisor node ${node} ${node}`),
        ...nodes.map((node) => `kubernetes-nodes-resource kubelet node ${node} ${node}`),
        // kube-dns (annotated, port 9153) fronts the three dumps' coredns pods.
        'kubernetes-service-endpoints application pod kube-system/coredns:9153 -',
        'kubernetes-service-endpoints application pod kube-system/coredns:9153 -',
        'kubernetes-service-endpoints application pod kube-system/coredns:9153 -',
        // The scenario's annotated workloads (prometheus.io/scrape + port).
        'kubernetes-pods application pod metallb-system/controller:7472 -',
        'kubernetes-pods kube-state-metrics pod monitoring/kube-state-metrics:8080 -',
        ...nodes.map((node) => `kubernetes-pods node-exporter pod monitoring/node-exporter:9100 ${node}`),
        'kubernetes-pods prometheus pod monitoring/prometheus-k8s:9090 -',
        'kubernetes-pods pushgateway pod monitoring/pushgateway:9091 -',
        'kubernetes-pods application pod web/nginx:9113 -',
        'kubernetes-pods application pod web/nginx:9113 -',
        // The dumps' own kube-state-metrics pods: no annotation, no ports, recognised by image.
        'kube-state-metrics kube-state-metrics pod scraper/e2e-kube-state-metrics:8080 -',
        'kube-state-metrics kube-state-metrics pod scraper/e2e-kube-state-metrics:8080 -',
        'kube-state-metrics kube-state-metrics pod scraper/e2e-kube-state-metrics:8080 -',
      ].sort(),
    );
    // Addresses are the pods' IPs (node IPs for the hostNetwork node-exporter).
    for (const target of targets) {
      if (target.endpoint.kind !== 'pod') continue;
      const endpoint = target.endpoint;
      const pod = objects.pods.find((candidate) => candidate.metadata.namespace === endpoint.namespace && candidate.metadata.name === endpoint.pod)!;
      expect(target.address).toBe(`${pod.status?.podIP}:${endpoint.port}`);
    }
  });

  it('gets the same targets from EndpointSlices as from Endpoints, the apiserver included', () => {
    const fromEndpoints = discoverTargets(objects, { apiserverUrl: sim.url });
    expect(fromEndpoints.some((target) => target.source === 'apiserver')).toBe(true);
    const fromSlices = discoverTargets({ ...objects, endpoints: undefined }, { apiserverUrl: sim.url });
    expect(fromSlices.map((target) => [target.id, target.labels])).toEqual(fromEndpoints.map((target) => [target.id, target.labels]));
  });

  it('finds the scenario’s Prometheus', () => {
    expect(findPrometheusServices(objects)).toEqual([{ namespace: 'monitoring', service: 'prometheus-k8s', port: 9090, reason: 'label app.kubernetes.io/name=prometheus' }]);
  });

  it('reads a discovered cAdvisor target through the apiserver node proxy', async () => {
    const target = discoverTargets(objects, { apiserverUrl: sim.url }).find((candidate) => candidate.source === 'cadvisor' && candidate.nodeName === 'minikube-m03')!;
    const endpoint = target.endpoint as { kind: 'node'; node: string };
    const { contentType, body } = await clientFor('token').getText(`/api/v1/nodes/${endpoint.node}/proxy${target.path}`);
    expect(contentType).toMatch(/^text\/plain/);
    expect(body).toContain('# TYPE container_cpu_usage_seconds_total counter');
  });
});

describe('exec tokens that expire every 2 s (REL-03)', () => {
  let short: Simulator;
  beforeAll(async () => {
    short = await startSimulator({ scenario: 'minimal', processes: false, secondCluster: false, execTokenTtlSeconds: 2 });
  });
  afterAll(() => short?.stop());

  it('keeps concurrent requests succeeding across expiries and a forced 401, running the plugin about once per expiry', async () => {
    const set = loadKubeconfig([short.kubeconfigPath], { credentials: { consent: new ExecConsent({ prompt: async () => 'once' }), log } });
    const client = new ApiClient(set.resolve('exec'), { log, env: {} });
    clients.push(client);
    const startedMs = Date.now();
    let requests = 0;
    const failures: unknown[] = [];
    for (let round = 0; round < 40; round += 1) {
      if (round === 20) short.faults.expireTokens();
      const batch = Array.from({ length: 10 }, () =>
        client.get('/api/v1/namespaces').then(
          () => (requests += 1),
          (error: unknown) => failures.push(error),
        ),
      );
      await Promise.all(batch);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const elapsedMs = Date.now() - startedMs;
    expect(failures).toEqual([]);
    expect(requests).toBe(400);
    // Refreshes happen a fifth of the 2 s lifetime early (every ~1.6 s), plus one for the forced
    // expiry; without single-flight each refresh would run the plugin for all 10 concurrent requests.
    const runs = short.execPluginRuns();
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(runs).toBeLessThanOrEqual(Math.ceil(elapsedMs / 1600) + 2);
  });
});
