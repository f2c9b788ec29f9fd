import { describe, expect, it } from 'vitest';
import { ResourceWatcher, type ListResult, type ListWatchClient, type WatchEvent, type WatchStatus } from '../../../../main/cluster/list-watch.js';
import { ObjectStore } from '../../../../main/cluster/object-store.js';
import { RESOURCES } from '../../../../main/cluster/resources.js';
import type { KubeObject } from '../../../../main/cluster/objects.js';
import { Backoff } from '../../../../main/util/backoff.js';
import { Logger, nullSink } from '../../../../main/util/log.js';

function pod(name: string, rv: number, node = 'node-1', namespace = 'default'): KubeObject {
  return {
    metadata: { name, namespace, uid: `uid-${name}`, resourceVersion: String(rv), managedFields: [{ manager: 'kubectl' }], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"big":true}', keep: 'me' } } as never,
    spec: { nodeName: node, containers: [{ name: 'app', image: 'nginx', env: [{ name: 'SECRET', value: 'x' }], ports: [{ containerPort: 80 }] }], volumes: [{ name: 'v' }] },
    status: { phase: 'Running' },
  };
}

/** A scripted apiserver: lists come from `state`, each watch call pops the next scripted stream. */
class ScriptedClient implements ListWatchClient {
  state = new Map<string, KubeObject>();
  resourceVersion = 100;
  readonly calls: Array<{ kind: 'list' | 'watch'; path: string; query: Record<string, string> }> = [];
  readonly streams: Array<(signal: AbortSignal) => AsyncIterable<WatchEvent>> = [];
  listFailures: Array<Error & { statusCode?: number }> = [];

  async list(path: string, query: Record<string, string>): Promise<ListResult> {
    this.calls.push({ kind: 'list', path, query });
    const failure = this.listFailures.shift();
    if (failure) throw failure;
    const all = [...this.state.values()].map((item) => structuredClone(item));
    const limit = Number(query.limit);
    const start = Number(query.continue ?? 0);
    const page = all.slice(start, start + limit);
    const next = start + limit < all.length ? String(start + limit) : undefined;
    return { items: page.map((item) => ({ ...item, kind: undefined })), metadata: { resourceVersion: String(this.resourceVersion), continue: next } };
  }

  watch(path: string, query: Record<string, string>, signal: AbortSignal): AsyncIterable<WatchEvent> {
    this.calls.push({ kind: 'watch', path, query });
    const next = this.streams.shift();
    if (next) return next(signal);
    // Nothing scripted: hang until aborted, as an idle watch does.
    return (async function* () {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      yield* [];
    })();
  }
}

const fastBackoff = () => new Backoff(5, 20, 1000, () => 1);
const log = new Logger(nullSink);

function events(...list: WatchEvent[]): (signal: AbortSignal) => AsyncIterable<WatchEvent> {
  return () =>
    (async function* () {
      for (const event of list) yield event;
    })();
}

function failingStream(error: Error & { statusCode?: number }): (signal: AbortSignal) => AsyncIterable<WatchEvent> {
  return () =>
    (async function* () {
      yield* [];
      throw error;
    })();
}

describe('ResourceWatcher', () => {
  it('lists in pages, trims objects, then watches from the list resourceVersion with bookmarks', async () => {
    const client = new ScriptedClient();
    for (let i = 0; i < 5; i++) client.state.set(`p${i}`, pod(`p${i}`, 10 + i, i < 3 ? 'node-1' : 'node-2'));
    const store = new ObjectStore<KubeObject>({ node: (object) => (object.spec?.nodeName ? [object.spec.nodeName] : []) });
    const statuses: WatchStatus[] = [];
    const watcher = new ResourceWatcher(RESOURCES.pods, client, store, { log, pageSize: 2, backoff: fastBackoff(), onStatus: (status) => statuses.push(status) }).start();
    await expect.poll(() => watcher.status.synced).toBe(true);
    await expect.poll(() => client.calls.filter((call) => call.kind === 'watch').length).toBe(1);

    const lists = client.calls.filter((call) => call.kind === 'list');
    expect(lists.map((call) => call.query)).toEqual([{ limit: '2' }, { limit: '2', continue: '2' }, { limit: '2', continue: '4' }]);
    const watch = client.calls.find((call) => call.kind === 'watch');
    expect(watch?.query).toMatchObject({ watch: '1', resourceVersion: '100', allowWatchBookmarks: 'true' });
    expect(Number(watch?.query.timeoutSeconds)).toBeGreaterThanOrEqual(300);
    expect(Number(watch?.query.timeoutSeconds)).toBeLessThanOrEqual(600);

    expect(store.size).toBe(5);
    expect(store.byIndex('node', 'node-1').map((object) => object.metadata.name).sort()).toEqual(['p0', 'p1', 'p2']);
    const stored = store.get('default/p0');
    expect(stored?.kind).toBe('Pod');
    expect(stored?.metadata).not.toHaveProperty('managedFields');
    expect(stored?.metadata.annotations).toEqual({ keep: 'me' });
    expect(stored?.spec).not.toHaveProperty('volumes');
    expect(stored?.spec.containers[0]).toEqual({ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }] });
    expect(statuses.map((status) => status.state)).toContain('listing');
    expect(watcher.status).toMatchObject({ state: 'watching', synced: true, objectCount: 5, relists: 1 });
    await watcher.dispose();
    expect(watcher.status.state).toBe('stopped');
  });

  it('applies watch events, moves the index with the object, and resumes from the last version after a stream ends', async () => {
    const client = new ScriptedClient();
    client.state.set('a', pod('a', 1));
    client.streams.push(
      events(
        { type: 'ADDED', object: pod('b', 101) },
        { type: 'MODIFIED', object: pod('a', 102, 'node-2') },
        { type: 'BOOKMARK', object: { metadata: { resourceVersion: '150' } } },
      ),
      events({ type: 'DELETED', object: pod('b', 151) }),
    );
    const store = new ObjectStore<KubeObject>({ node: (object) => (object.spec?.nodeName ? [object.spec.nodeName] : []) });
    const changes: string[] = [];
    store.onChange((batch) => changes.push(...batch.map((change) => `${change.type}:${change.key}`)));
    const watcher = new ResourceWatcher(RESOURCES.pods, client, store, { log, backoff: fastBackoff() }).start();
    await expect.poll(() => client.calls.filter((call) => call.kind === 'watch').length).toBe(3);
    const watches = client.calls.filter((call) => call.kind === 'watch').map((call) => call.query.resourceVersion);
    expect(watches).toEqual(['100', '150', '151']);
    expect(client.calls.filter((call) => call.kind === 'list')).toHaveLength(1);
    expect(changes).toEqual(['added:default/a', 'added:default/b', 'updated:default/a', 'deleted:default/b']);
    expect(store.byIndex('node', 'node-1')).toEqual([]);
    expect(store.byIndex('node', 'node-2').map((object) => object.metadata.name)).toEqual(['a']);
    await watcher.dispose();
  });

  it('relists on an in-stream 410 ERROR and on an HTTP 410, and converges to the server state', async () => {
    const client = new ScriptedClient();
    client.state.set('a', pod('a', 1));
    client.state.set('b', pod('b', 2));
    client.streams.push(events({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 100 (150)' } }));
    const store = new ObjectStore<KubeObject>();
    const watcher = new ResourceWatcher(RESOURCES.pods, client, store, { log, backoff: fastBackoff() }).start();
    await expect.poll(() => client.calls.filter((call) => call.kind === 'list').length).toBe(1);
    // While the first stream is answered with 410, the server moves on: b deleted, c created.
    client.state.delete('b');
    client.state.set('c', pod('c', 160));
    client.resourceVersion = 160;
    client.streams.push(failingStream(Object.assign(new Error('Gone'), { statusCode: 410 })));
    await expect.poll(() => client.calls.filter((call) => call.kind === 'list').length).toBe(3);
    await expect.poll(() => store.list().map((object) => object.metadata.name).sort()).toEqual(['a', 'c']);
    expect(watcher.status.relists).toBeGreaterThanOrEqual(3);
    // Two relists for two Gones, not a storm: one list per 410.
    expect(client.calls.filter((call) => call.kind === 'list')).toHaveLength(3);
    await watcher.dispose();
  });

  it('backs off on failures, re-watches from the same version after a broken stream, and reports the error', async () => {
    const client = new ScriptedClient();
    client.state.set('a', pod('a', 1));
    client.listFailures.push(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { statusCode: undefined }));
    client.streams.push(failingStream(Object.assign(new Error('socket hang up'), {})));
    const store = new ObjectStore<KubeObject>();
    const states: string[] = [];
    const watcher = new ResourceWatcher(RESOURCES.pods, client, store, { log, backoff: fastBackoff(), onStatus: (status) => states.push(`${status.state}${status.lastError ? `:${status.lastError}` : ''}`) }).start();
    await expect.poll(() => client.calls.filter((call) => call.kind === 'watch').length).toBe(2);
    expect(states).toContain('backoff:connect ECONNREFUSED 127.0.0.1:6443');
    expect(states).toContain('backoff:socket hang up');
    const sequence = client.calls.map((call) => `${call.kind}${call.query.resourceVersion ? `@${call.query.resourceVersion}` : ''}`);
    expect(sequence).toEqual(['list', 'list', 'watch@100', 'watch@100']);
    await watcher.dispose();
  });

  it('falls back to the context namespace when the cluster-wide list is forbidden', async () => {
    const client = new ScriptedClient();
    client.state.set('a', pod('a', 1, 'node-1', 'team-a'));
    client.listFailures.push(Object.assign(new Error('pods is forbidden: User "dev" cannot list resource "pods" in API group "" at the cluster scope'), { statusCode: 403 }));
    const store = new ObjectStore<KubeObject>();
    const watcher = new ResourceWatcher(RESOURCES.pods, client, store, { log, backoff: fastBackoff(), fallbackNamespace: 'team-a' }).start();
    await expect.poll(() => watcher.status.synced).toBe(true);
    expect(client.calls.filter((call) => call.kind === 'list').map((call) => call.path)).toEqual(['/api/v1/pods', '/api/v1/namespaces/team-a/pods']);
    expect(watcher.status.namespace).toBe('team-a');
    expect(watcher.status.note).toMatch(/forbidden; showing namespace team-a only/);
    expect(watcher.status.lastError).toBeUndefined();
    await watcher.dispose();
  });

  it('reports forbidden resources without a fallback and keeps retrying at a capped pace', async () => {
    const client = new ScriptedClient();
    for (let i = 0; i < 4; i++) client.listFailures.push(Object.assign(new Error('nodes is forbidden'), { statusCode: 403 }));
    const store = new ObjectStore<KubeObject>();
    const watcher = new ResourceWatcher(RESOURCES.nodes, client, store, { log, backoff: fastBackoff() }).start();
    await expect.poll(() => watcher.status.state).toBe('forbidden');
    expect(watcher.status.synced).toBe(false);
    await expect.poll(() => watcher.status.synced, { timeout: 3000 }).toBe(true);
    await watcher.dispose();
  });

  it('drops updates whose resourceVersion did not change (relist noise)', () => {
    const store = new ObjectStore<KubeObject>();
    const changes: string[] = [];
    store.onChange((batch) => changes.push(...batch.map((change) => change.type)));
    store.replace([pod('a', 1), pod('b', 2)]);
    store.replace([pod('a', 1), pod('b', 3)]);
    store.upsert(pod('a', 1));
    expect(changes).toEqual(['added', 'added', 'updated']);
    // Same name, new UID (delete + re-create noticed only on relist) is an update with a different uid.
    const recreated = pod('a', 1);
    recreated.metadata.uid = 'uid-a-2';
    store.upsert(recreated);
    expect(changes.at(-1)).toBe('updated');
  });
});
