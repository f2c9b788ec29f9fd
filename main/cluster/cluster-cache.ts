import type { Disposable } from '../util/disposable.js';
import type { Logger } from '../util/log.js';
import { ResourceWatcher, type ListWatchClient, type WatchStatus } from './list-watch.js';
import { ObjectStore, type ObjectChange } from './object-store.js';
import type { KubeObject } from './objects.js';
import { RESOURCES, type ResourceName } from './resources.js';

/** Resources the cache watches, in start order (nodes and pods first: the node views need them). */
export const WATCHED_RESOURCES: readonly ResourceName[] = ['nodes', 'pods', 'services', 'endpointslices', 'deployments', 'daemonsets', 'statefulsets', 'replicasets'];

export interface ClusterCacheOptions {
  log: Logger;
  /** The context's namespace: the fallback when a cluster-wide list is forbidden. */
  namespace?: string;
  pageSize?: number;
  onStatus?: (statuses: WatchStatus[]) => void;
}

function serviceNameOfSlice(slice: KubeObject): string[] {
  const service = slice.metadata.labels?.['kubernetes.io/service-name'];
  return service && slice.metadata.namespace ? [`${slice.metadata.namespace}/${service}`] : [];
}

function ownerKeys(object: KubeObject): string[] {
  return (object.metadata.ownerReferences ?? []).map((owner) => `${object.metadata.namespace ?? ''}/${owner.kind}/${owner.name}`);
}

/**
 * The watched local copy of one cluster: nodes, pods, services, endpoint slices (Endpoints when the
 * slices API is missing or forbidden) and the apps/v1 workloads, with the indexes the rest of the
 * pipeline asks for: pods by node, endpoints by service, children by owner.
 */
export class ClusterCache implements Disposable {
  readonly nodes = new ObjectStore<KubeObject>();
  readonly pods = new ObjectStore<KubeObject>({
    node: (pod) => (pod.spec?.nodeName ? [pod.spec.nodeName] : []),
    owner: ownerKeys,
  });
  readonly services = new ObjectStore<KubeObject>();
  readonly endpointSlices = new ObjectStore<KubeObject>({ service: serviceNameOfSlice });
  readonly endpoints = new ObjectStore<KubeObject>({ service: (e) => [`${e.metadata.namespace}/${e.metadata.name}`] });
  readonly deployments = new ObjectStore<KubeObject>();
  readonly daemonSets = new ObjectStore<KubeObject>();
  readonly statefulSets = new ObjectStore<KubeObject>();
  readonly replicaSets = new ObjectStore<KubeObject>({ owner: ownerKeys });

  readonly #client: ListWatchClient;
  readonly #options: ClusterCacheOptions;
  readonly #watchers = new Map<ResourceName, ResourceWatcher<KubeObject>>();
  #endpointsFallback = false;
  #disposed = false;

  constructor(client: ListWatchClient, options: ClusterCacheOptions) {
    this.#client = client;
    this.#options = options;
  }

  storeFor(resource: ResourceName): ObjectStore<KubeObject> {
    switch (resource) {
      case 'nodes':
        return this.nodes;
      case 'pods':
        return this.pods;
      case 'services':
        return this.services;
      case 'endpointslices':
        return this.endpointSlices;
      case 'endpoints':
        return this.endpoints;
      case 'deployments':
        return this.deployments;
      case 'daemonsets':
        return this.daemonSets;
      case 'statefulsets':
        return this.statefulSets;
      case 'replicasets':
        return this.replicaSets;
      case 'namespaces':
        throw new Error('namespaces are not cached');
    }
  }

  start(): this {
    for (const name of WATCHED_RESOURCES) this.#startWatcher(name);
    return this;
  }

  #startWatcher(name: ResourceName): void {
    if (this.#disposed || this.#watchers.has(name)) return;
    const watcher = new ResourceWatcher(RESOURCES[name], this.#client, this.storeFor(name), {
      log: this.#options.log.child(name),
      pageSize: this.#options.pageSize,
      fallbackNamespace: this.#options.namespace,
      onStatus: (status) => {
        // Clusters without discovery.k8s.io/v1 (before 1.21) or with the slices forbidden: use Endpoints.
        if (name === 'endpointslices' && !this.#endpointsFallback && (status.state === 'forbidden' || /404|not found/i.test(status.lastError ?? ''))) {
          this.#endpointsFallback = true;
          this.#startWatcher('endpoints');
        }
        this.#options.onStatus?.(this.statuses());
      },
    });
    this.#watchers.set(name, watcher);
    watcher.start();
  }

  /** Whether endpoints come from Endpoints objects rather than EndpointSlices. */
  get usesEndpointsFallback(): boolean {
    return this.#endpointsFallback;
  }

  statuses(): WatchStatus[] {
    return [...this.#watchers.values()].map((watcher) => watcher.status);
  }

  /** True once every required resource has completed a first list (nodes, pods). */
  get synced(): boolean {
    return [...this.#watchers.entries()].every(([name, watcher]) => !RESOURCES[name].required || watcher.status.synced);
  }

  /** Subscribes to changes of any watched resource, e.g. to recompute discovery (debounce upstream). */
  onAnyChange(listener: (resource: ResourceName, changes: readonly ObjectChange<KubeObject>[]) => void): Disposable {
    const subscriptions = (['nodes', 'pods', 'services', 'endpointslices', 'endpoints', 'deployments', 'daemonsets', 'statefulsets', 'replicasets'] as const).map((name) =>
      this.storeFor(name).onChange((changes) => listener(name, changes)),
    );
    return { dispose: () => subscriptions.forEach((subscription) => subscription.dispose()) };
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    await Promise.all([...this.#watchers.values()].map((watcher) => watcher.dispose()));
    this.#watchers.clear();
  }
}
