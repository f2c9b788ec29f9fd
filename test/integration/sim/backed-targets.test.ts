import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get as httpGet } from 'node:http';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { createCore } from '../../../main/core/create-core.js';
import { discoverTargets, type ClusterObjects, type DiscoveredTarget } from '../../../main/discovery/index.js';
import { Logger, nullSink } from '../../../main/util/log.js';
import type { TargetSummary } from '../../../preload/contract/index.js';
import { simGet, startSimulator, type SimulatedCluster, type Simulator } from '../../helpers/sim.js';
import type { Pod, Service } from '../../sim/cluster/kube-object.js';

// Every target Slicewise's discovery finds in the built-in scenarios (demo with its real exporters,
// its second cluster `edge`, and minimal) has something answering it: pods derived from the kubelet
// dumps (CoreDNS, the legacy kube-dns, kube-state-metrics) as much as the scenario's own pods, and
// the apiserver itself through the default/kubernetes EndpointSlice.

let demo: Simulator;
let minimal: Simulator;

beforeAll(async () => {
  [demo, minimal] = await Promise.all([startSimulator({ scenario: 'demo' }), startSimulator({ scenario: 'minimal', processes: false, secondCluster: false })]);
});

afterAll(async () => {
  await Promise.all([demo?.stop(), minimal?.stop()]);
});

function objectsOf(cluster: SimulatedCluster): ClusterObjects & { endpoints: NonNullable<ClusterObjects['endpoints']> } {
  return { nodes: cluster.objects.list('nodes'), pods: cluster.objects.list('pods'), services: cluster.objects.list('services'), endpointSlices: cluster.objects.list('endpointslices'), endpoints: cluster.objects.list('endpoints') };
}

/** Targets from EndpointSlices (what the watch cache serves) and from Endpoints, by id. */
function discover(cluster: SimulatedCluster): DiscoveredTarget[] {
  const objects = objectsOf(cluster);
  const fromSlices = discoverTargets({ ...objects, endpoints: undefined }, { apiserverUrl: cluster.url });
  const fromEndpoints = discoverTargets(objects, { apiserverUrl: cluster.url });
  return [...new Map([...fromSlices, ...fromEndpoints].map((target) => [target.id, target])).values()];
}

function fetchText(host: string, port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet({ host, port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** Sample count by an independent parser (npm parse-prometheus-text-format). */
function sampleCount(text: string): number {
  return (parsePrometheusTextFormat(text) as Array<{ metrics: unknown[] }>).reduce((n, family) => n + family.metrics.length, 0);
}

function describeTarget(target: DiscoveredTarget): string {
  const e = target.endpoint;
  return `${target.job} ${e.kind === 'node' ? `node ${e.node}` : `${e.kind} ${e.namespace}/${e.kind === 'pod' ? e.pod : e.service}:${e.port}`}`;
}

/**
 * Fetches what answers every pod and service target, the way a port-forward or the service proxy
 * would reach it, and returns the targets nothing answers (with why). Kubelet targets are served by
 * the apiserver's node proxy and are covered by the simulator's own tests.
 */
async function unbackedTargets(sim: Simulator, cluster: SimulatedCluster, targets: DiscoveredTarget[]): Promise<string[]> {
  const unbacked: string[] = [];
  const credentials = { url: cluster.url, caPem: sim.caPem, token: sim.token };
  for (const target of targets) {
    const endpoint = target.endpoint;
    if (endpoint.kind === 'node') continue;
    if (target.source === 'apiserver') {
      const response = await simGet(credentials, target.path);
      if (response.status !== 200 || sampleCount(response.body) === 0) unbacked.push(`${describeTarget(target)}: apiserver answered ${response.status}`);
      continue;
    }
    let backend;
    if (endpoint.kind === 'pod') backend = cluster.backendFor(endpoint.namespace, endpoint.pod, endpoint.port);
    else {
      const service = cluster.objects.get<Service>('services', endpoint.namespace, endpoint.service);
      const port = service?.spec.ports.find((candidate) => candidate.port === endpoint.port);
      const pods = cluster.objects.list<Pod>('pods', endpoint.namespace).filter((pod) => Object.entries(service?.spec.selector ?? { none: 'none' }).every(([k, v]) => pod.metadata.labels?.[k] === v));
      const targetPort = typeof port?.targetPort === 'number' ? port.targetPort : pods[0]?.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === port?.targetPort)?.containerPort;
      backend = pods.map((pod) => cluster.backendFor(endpoint.namespace, pod.metadata.name, targetPort ?? -1)).find(Boolean);
    }
    if (!backend) {
      unbacked.push(`${describeTarget(target)}: no backend`);
      continue;
    }
    const query = new URLSearchParams(target.params).toString();
    const response = await fetchText(backend.host, backend.port, `${target.path}${query ? `?${query}` : ''}`);
    if (response.status !== 200 || sampleCount(response.body) === 0) unbacked.push(`${describeTarget(target)}: ${backend.source} answered ${response.status}`);
  }
  return unbacked;
}

describe('discovered targets of the built-in scenarios', () => {
  it('demo: every pod and service target has a backend that answers, the dumps’ CoreDNS and kube-state-metrics pods included', async () => {
    const targets = discover(demo);
    expect(await unbackedTargets(demo, demo, targets)).toEqual([]);
    const corednsPods = demo.objects.list<Pod>('pods', 'kube-system').filter((pod) => pod.spec.containers.some((c) => c.name === 'coredns'));
    expect(corednsPods).toHaveLength(3);
    const corednsTargets = targets.filter((target) => target.endpoint.kind === 'pod' && target.endpoint.port === 9153);
    expect(corednsTargets.map((target) => (target.endpoint as { pod: string }).pod).sort()).toEqual(corednsPods.map((pod) => pod.metadata.name).sort());
    // Each CoreDNS replica has its own counters (they answer different shares of the cluster's queries).
    const bodies = await Promise.all(corednsPods.map((pod) => demo.backendFor('kube-system', pod.metadata.name, 9153)!).map((backend) => fetchText(backend.host, backend.port, '/metrics')));
    const requests = bodies.map((response) => /^coredns_dns_requests_total\{family="1",proto="udp",server="dns:\/\/:53",type="A",view="",zone="."\} (\d+)$/m.exec(response.body)?.[1]);
    expect(requests.every(Boolean)).toBe(true);
    expect(new Set(requests).size).toBe(3);
    expect(targets.filter((target) => target.source === 'kube-state-metrics')).toHaveLength(4);
    // The apiserver, found through the default/kubernetes EndpointSlice alone.
    const fromSlices = discoverTargets({ ...objectsOf(demo), endpoints: undefined }, { apiserverUrl: demo.url });
    expect(fromSlices.filter((target) => target.job === 'kubernetes-apiservers').map((target) => target.address)).toEqual(['192.168.49.2:8443']);
  });

  it('edge: the legacy kube-dns pod is annotated for its sidecar port 10054, which answers; its Service has no metrics port', async () => {
    const edge = demo.second!;
    const targets = discover(edge);
    expect(await unbackedTargets(demo, edge, targets)).toEqual([]);
    const dns = targets.filter((target) => target.endpoint.kind === 'pod' && target.endpoint.namespace === 'kube-system' && target.endpoint.pod.startsWith('kube-dns-'));
    expect(dns.map((target) => [target.job, target.endpoint.kind === 'pod' ? target.endpoint.port : 0])).toEqual([['kubernetes-pods', 10054]]);
    const service = edge.objects.get<Service>('services', 'kube-system', 'kube-dns');
    expect(service?.spec.ports.map((port) => `${port.name}:${port.port}/${port.protocol}`)).toEqual(['dns:53/UDP', 'dns-tcp:53/TCP']);
    expect(service?.metadata.annotations).toBeUndefined();
    const backend = edge.backendFor('kube-system', (dns[0].endpoint as { pod: string }).pod, 10054)!;
    const body = (await fetchText(backend.host, backend.port, '/metrics')).body;
    expect(body).toMatch(/^kubedns_dnsmasq_hits \d+$/m);
    expect(body).toMatch(/^kubedns_probe_kubedns_latency_ms_bucket\{le="4990"\} \d+$/m);
    expect(targets.some((target) => target.source === 'apiserver')).toBe(true);
  });

  it('minimal: every pod and service target has a backend that answers, also after CoreDNS is replaced', async () => {
    const targets = discover(minimal);
    expect(targets.filter((target) => target.endpoint.kind !== 'node').length).toBeGreaterThanOrEqual(6);
    expect(await unbackedTargets(minimal, minimal, targets)).toEqual([]);
    // A replaced CoreDNS pod (new name, as its ReplicaSet would create) gets its own payload server.
    const old = minimal.objects.list<Pod>('pods', 'kube-system').find((pod) => pod.metadata.name.startsWith('coredns-'))!;
    const oldBackend = minimal.backendFor('kube-system', old.metadata.name, 9153)!;
    const replacement = await minimal.replacePod('kube-system', old.metadata.name);
    expect(replacement).not.toBe(old.metadata.name);
    const newBackend = minimal.backendFor('kube-system', replacement, 9153)!;
    expect(newBackend.port).not.toBe(oldBackend.port);
    expect((await fetchText(newBackend.host, newBackend.port, '/metrics')).body).toMatch(/^coredns_build_info\{/m);
    expect(minimal.backendFor('kube-system', old.metadata.name, 9153)).toBeUndefined();
    expect(await unbackedTargets(minimal, minimal, discover(minimal))).toEqual([]);
  });

  it('Slicewise scrapes every target of the demo and of edge as up, through its own transports', async () => {
    const core = createCore({ front: 'cli', log: new Logger(nullSink), kubeconfigPaths: [demo.kubeconfigPath], intervalMs: 1000, home: '/nonexistent-home' });
    try {
      const allUp = async (expected: number): Promise<TargetSummary[]> => {
        const deadline = Date.now() + 30_000;
        for (;;) {
          const targets = core.session.value?.targets.value ?? [];
          if (targets.length >= expected && targets.every((target) => target.health === 'up')) return targets;
          if (Date.now() > deadline) return targets;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      };
      await core.openSession({ context: 'token' });
      const main = await allUp(discover(demo).length);
      expect(main.filter((target) => target.health !== 'up').map((target) => `${target.endpoint}: ${target.health} ${target.lastError ?? ''}`)).toEqual([]);
      expect(main.some((target) => target.source === 'apiserver')).toBe(true);
      await core.openSession({ context: 'edge' });
      const edge = await allUp(discover(demo.second!).length);
      expect(edge.filter((target) => target.health !== 'up').map((target) => `${target.endpoint}: ${target.health} ${target.lastError ?? ''}`)).toEqual([]);
      await core.closeSession();
    } finally {
      await core.dispose();
    }
  });
});
