import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:https';
import { simGet, startSimulator, type Simulator } from '../../helpers/sim.js';
import { parseExposition } from '../../sim/metrics/exposition-template.js';
import type { Node, Pod } from '../../sim/cluster/kube-object.js';

// Scale mode at its default shape: 5,000 nodes × 30 pods = 150,000 pods, generated on demand.

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'scale', secondCluster: false });
});

afterAll(async () => {
  await sim?.stop();
});

/** GET a list page and parse only what the test needs, streaming the body into one string. */
function getJson<T>(path: string): Promise<T> {
  const url = new URL(path, sim.url);
  return new Promise((resolve, reject) => {
    request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, ca: sim.caPem, headers: { Authorization: `Bearer ${sim.token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
        } catch (error) {
          reject(error);
        }
      });
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

describe('scale mode', () => {
  it('lists 150,000 distinct, consistent pods in pages of 5,000', async () => {
    const names = new Set<string>();
    const perNode = new Map<string, number>();
    let token = '';
    let pages = 0;
    let rv = '';
    let badIps = 0;
    let largestPage = 0;
    do {
      const page = await getJson<{ metadata: { resourceVersion: string; continue?: string }; items: Pod[] }>(`/api/v1/pods?limit=5000${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
      largestPage = Math.max(largestPage, page.items.length);
      rv ||= page.metadata.resourceVersion;
      expect(page.metadata.resourceVersion).toBe(rv);
      for (const pod of page.items) {
        names.add(`${pod.metadata.namespace}/${pod.metadata.name}`);
        perNode.set(pod.spec.nodeName ?? '', (perNode.get(pod.spec.nodeName ?? '') ?? 0) + 1);
        if (!pod.status.podIP?.startsWith('10.')) badIps++;
      }
      token = page.metadata.continue ?? '';
      pages++;
    } while (token);
    expect(pages).toBe(30);
    expect(largestPage).toBe(5000);
    expect(badIps).toBe(0);
    expect(names.size).toBe(150_000);
    expect(perNode.size).toBe(5000);
    expect(new Set(perNode.values())).toEqual(new Set([30]));
    expect(sim.objects.count('pods')).toBe(150_000);
  });

  it('keeps objects consistent: owners exist, node selectors find the node\'s pods, single gets work', async () => {
    const some = await getJson<{ items: Pod[] }>('/api/v1/namespaces/team-07/pods?limit=3');
    expect(some.items).toHaveLength(3);
    const pod = some.items[0];
    const rsName = pod.metadata.ownerReferences?.[0].name as string;
    const rs = await getJson<{ metadata: { uid: string; ownerReferences: Array<{ name: string }> }; spec: { replicas: number } }>(`/apis/apps/v1/namespaces/team-07/replicasets/${rsName}`);
    expect(rs.metadata.uid).toBe(pod.metadata.ownerReferences?.[0].uid);
    const deployment = await getJson<{ status: { readyReplicas: number }; spec: { selector: { matchLabels: Record<string, string> } } }>(`/apis/apps/v1/namespaces/team-07/deployments/${rs.metadata.ownerReferences[0].name}`);
    const selector = Object.entries(deployment.spec.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
    const selected = await getJson<{ items: Pod[] }>(`/api/v1/namespaces/team-07/pods?labelSelector=${encodeURIComponent(selector)}`);
    expect(selected.items.length).toBe(deployment.status.readyReplicas);
    expect(new Set(selected.items.map((p) => p.spec.nodeName)).size).toBe(selected.items.length);

    const onNode = await getJson<{ items: Pod[] }>(`/api/v1/pods?fieldSelector=spec.nodeName%3D${pod.spec.nodeName}`);
    expect(onNode.items).toHaveLength(30);
    expect(onNode.items.some((p) => p.metadata.uid === pod.metadata.uid)).toBe(true);
    const single = await getJson<Pod>(`/api/v1/namespaces/team-07/pods/${pod.metadata.name}`);
    expect(single).toEqual(pod);

    const nodes = await getJson<{ items: Node[]; metadata: { continue?: string } }>('/api/v1/nodes?limit=500');
    expect(nodes.items).toHaveLength(500);
    expect(sim.objects.count('nodes')).toBe(5000);
  });

  it('serves a scale node\'s kubelet cAdvisor with series for exactly its pods', async () => {
    const onNode = await getJson<{ items: Pod[] }>('/api/v1/pods?fieldSelector=spec.nodeName%3Dscale-node-01234');
    const cadvisor = parseExposition((await simGet(sim, '/api/v1/nodes/scale-node-01234/proxy/metrics/cadvisor')).body);
    const cpu = cadvisor.families.find((f) => f.name === 'container_cpu_usage_seconds_total');
    const podsWithSeries = new Set((cpu?.samples ?? []).map((s) => /pod="([^"]*)"/.exec(s.labelsText)?.[1]).filter((name): name is string => Boolean(name)));
    expect([...podsWithSeries].sort()).toEqual(onNode.items.map((p) => p.metadata.name).sort());
  });
});
