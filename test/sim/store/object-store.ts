import { objectKey, type KubeObject } from '../cluster/kube-object.js';
import { MapCollection, type Collection } from './collection.js';

/**
 * All objects of one simulated cluster, with one resourceVersion counter for everything (like
 * etcd's revision) and a bounded change log so watches can resume from a resourceVersion; older
 * ones are answered with 410 Gone (api-concepts.md "Efficient detection of changes").
 */

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly rv: number;
  readonly resource: string;
  readonly type: StoreEventType;
  readonly object: KubeObject;
  /** The object before a MODIFIED event (selectors may stop or start matching). */
  readonly previous?: KubeObject;
}

export type StoreListener = (event: StoreEvent) => void;

export class ObjectStore {
  #rv: number;
  readonly #initialRv: number;
  readonly #collections = new Map<string, Collection>();
  readonly #log: StoreEvent[] = [];
  readonly #logCapacity: number;
  /** resource → lowest resourceVersion a watch may resume from (compaction, or the gone() fault) */
  readonly #floor = new Map<string, number>();
  readonly #listeners = new Set<StoreListener>();
  #trimmed = false;

  constructor(options: { initialRv?: number; logCapacity?: number } = {}) {
    this.#rv = options.initialRv ?? 1000;
    this.#initialRv = this.#rv;
    this.#logCapacity = options.logCapacity ?? 10_000;
  }

  /** The current resourceVersion (what a list answers with). */
  get rv(): number {
    return this.#rv;
  }

  collection(resource: string): Collection {
    let collection = this.#collections.get(resource);
    if (!collection) this.#collections.set(resource, (collection = new MapCollection()));
    return collection;
  }

  /** Installs a custom collection (scale mode). */
  setCollection(resource: string, collection: Collection): void {
    this.#collections.set(resource, collection);
  }

  get<T extends KubeObject = KubeObject>(resource: string, namespace: string | undefined, name: string): T | undefined {
    return this.collection(resource).get(objectKey(namespace, name)) as T | undefined;
  }

  /** Every object of a resource (materialises generated collections: tests and small scenarios). */
  all<T extends KubeObject = KubeObject>(resource: string, namespace?: string): T[] {
    const out: T[] = [];
    this.collection(resource).scan('', (object) => {
      if (!namespace || object.metadata.namespace === namespace) out.push(object as T);
      return true;
    }, namespace ? { namespace } : undefined);
    return out;
  }

  /** Creates or replaces an object; stamps its resourceVersion. The caller must not mutate it afterwards. */
  put<T extends KubeObject>(resource: string, object: T): T {
    const rv = ++this.#rv;
    object.metadata.resourceVersion = String(rv);
    const previous = this.collection(resource).put(objectKey(object.metadata.namespace, object.metadata.name), object);
    this.#emit({ rv, resource, type: previous ? 'MODIFIED' : 'ADDED', object, previous });
    return object;
  }

  delete(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const previous = this.collection(resource).delete(objectKey(namespace, name));
    if (!previous) return undefined;
    const rv = ++this.#rv;
    // The DELETED event carries the last state with a fresh resourceVersion, as the apiserver does.
    const object: KubeObject = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(rv) } };
    this.#emit({ rv, resource, type: 'DELETED', object });
    return previous;
  }

  /**
   * Events of a resource after `rv`, or 'expired' when `rv` is older than what the log (or a
   * compaction) keeps.
   */
  eventsAfter(resource: string, rv: number): StoreEvent[] | 'expired' {
    const floor = this.#floor.get(resource) ?? 0;
    if (rv < floor || rv < this.#initialRv) return 'expired';
    const oldest = this.#log.length > 0 ? this.#log[0].rv : this.#rv + 1;
    if (this.#trimmed && rv < oldest - 1) return 'expired';
    const out: StoreEvent[] = [];
    for (const event of this.#log) if (event.rv > rv && event.resource === resource) out.push(event);
    return out;
  }

  /** Makes every resourceVersion up to now too old for `resource` (what etcd compaction does). */
  compact(resource: string): void {
    this.#rv++;
    this.#floor.set(resource, this.#rv);
  }

  subscribe(listener: StoreListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: StoreEvent): void {
    this.#log.push(event);
    // Trim in batches so a full log costs amortised O(1) per event.
    if (this.#log.length > this.#logCapacity * 1.5) {
      this.#log.splice(0, this.#log.length - this.#logCapacity);
      this.#trimmed = true;
    }
    for (const listener of [...this.#listeners]) listener(event);
  }
}
