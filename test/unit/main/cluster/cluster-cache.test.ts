import { describe, expect, it } from 'vitest';
import { ClusterCache, WATCHED_RESOURCES } from '../../../../main/cluster/cluster-cache.js';
import type { ListResult, ListWatchClient, WatchEvent } from '../../../../main/cluster/list-watch.js';
import type { KubeObject } from '../../../../main/cluster/objects.js';
import { Logger, nullSink } from '../../../../main/util/log.js';

function object(kind: string, name: string, namespace: string | undefined, extra: Partial<KubeObject> = {}): KubeObject {
  return { kind, metadata: { name, namespace, uid: `${kind}-${name}`, resourceVersion: '1' }, ...extra };
}

/** Serves fixed lists per path; endpointslices can be made to answer 404 like a pre-1.21 cluster. */
class FixedClient implements ListWatchClient {
  readonly listed: string[] = [];
  constructor(
    private readonly data: Record<string, KubeObject[]>,
    private readonly missing: Set<string> = new Set(),
  ) {}
  async list(path: string): Promise<ListResult> {
    this.listed.push(path);
    if (this.missing.has(path)) throw Object.assign(new Error(`the server could not find the requested resource (404) for ${path}`), { statusCode: 404 });
    return { items: structuredClone(this.data[path] ?? []), metadata: { resourceVersion: '10' } };
  }
  watch(_path: string, _query: Record<string, string>, signal: AbortSignal): AsyncIterable<WatchEvent> {
    return (async function* () {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      yield* [];
    })();
  }
}

describe('ClusterCache', () => {
  const data = {
    '/api/v1/nodes': [object('Node', 'n1', undefined), object('Node', 'n2', undefined)],
    '/api/v1/pods': [
      object('Pod', 'web-1', 'web', { spec: { nodeName: 'n1', containers: [] }, metadata: { name: 'web-1', namespace: 'web', uid: 'u1', resourceVersion: '1', ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d9' }] } }),
      object('Pod', 'web-2', 'web', { spec: { nodeName: 'n2', containers: [] }, metadata: { name: 'web-2', namespace: 'web', uid: 'u2', resourceVersion: '1', ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d9' }] } }),
      object('Pod', 'pending', 'web', { spec: { containers: [] } }),
    ],
    '/api/v1/services': [object('Service', 'web', 'web')],
    '/api/v1/endpoints': [object('Endpoints', 'web', 'web')],
    '/apis/discovery.k8s.io/v1/endpointslices': [object('EndpointSlice', 'web-abc', 'web', { metadata: { name: 'web-abc', namespace: 'web', uid: 's', resourceVersion: '1', labels: { 'kubernetes.io/service-name': 'web' } } })],
  };

  it('syncs every watched resource and indexes pods by node and owner, slices by service', async () => {
    const client = new FixedClient(data);
    const cache = new ClusterCache(client, { log: new Logger(nullSink) }).start();
    await expect.poll(() => cache.synced).toBe(true);
    await expect.poll(() => cache.statuses().filter((status) => status.synced).length).toBe(WATCHED_RESOURCES.length);
    expect(cache.pods.byIndex('node', 'n1').map((pod) => pod.metadata.name)).toEqual(['web-1']);
    expect(cache.pods.byIndex('owner', 'web/ReplicaSet/web-5d9').map((pod) => pod.metadata.name).sort()).toEqual(['web-1', 'web-2']);
    expect(cache.endpointSlices.byIndex('service', 'web/web').map((slice) => slice.metadata.name)).toEqual(['web-abc']);
    expect(cache.usesEndpointsFallback).toBe(false);
    expect(client.listed).not.toContain('/api/v1/endpoints');
    await cache.dispose();
  });

  it('falls back to Endpoints when the EndpointSlice API is missing', async () => {
    const client = new FixedClient(data, new Set(['/apis/discovery.k8s.io/v1/endpointslices']));
    const cache = new ClusterCache(client, { log: new Logger(nullSink) }).start();
    await expect.poll(() => cache.usesEndpointsFallback).toBe(true);
    await expect.poll(() => cache.endpoints.byIndex('service', 'web/web').length).toBe(1);
    await cache.dispose();
    expect(cache.statuses()).toEqual([]);
  });
});
