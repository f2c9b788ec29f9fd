import { toDisposable, type Disposable } from '../util/disposable.js';
import { objectKey, type KubeObject } from './objects.js';

export type ObjectChange<T extends KubeObject> =
  | { type: 'added'; key: string; object: T }
  | { type: 'updated'; key: string; object: T; previous: T }
  | { type: 'deleted'; key: string; object: T };

/** Derives index values from an object, e.g. a pod's node name; one object may have several. */
export type IndexFunction<T extends KubeObject> = (object: T) => readonly string[];

/**
 * A keyed, indexed, read-only-to-the-outside set of one resource's objects (client-go's Indexer).
 * Identity is `namespace/name`; a delete and re-create under the same name arrives as an update whose
 * `previous.metadata.uid` differs, and readers that care compare UIDs (shared_informer.go).
 */
export class ObjectStore<T extends KubeObject> {
  readonly #objects = new Map<string, T>();
  readonly #indexFunctions = new Map<string, IndexFunction<T>>();
  readonly #indexes = new Map<string, Map<string, Set<string>>>();
  readonly #listeners = new Set<(changes: readonly ObjectChange<T>[]) => void>();

  constructor(indexes: Record<string, IndexFunction<T>> = {}) {
    for (const [name, fn] of Object.entries(indexes)) {
      this.#indexFunctions.set(name, fn);
      this.#indexes.set(name, new Map());
    }
  }

  get size(): number {
    return this.#objects.size;
  }

  get(key: string): T | undefined {
    return this.#objects.get(key);
  }

  list(): T[] {
    return [...this.#objects.values()];
  }

  /** Objects whose index `name` contains `value`, e.g. `byIndex('node', 'node-1')`. */
  byIndex(name: string, value: string): T[] {
    const keys = this.#indexes.get(name)?.get(value);
    if (!keys) return [];
    const result: T[] = [];
    for (const key of keys) {
      const object = this.#objects.get(key);
      if (object) result.push(object);
    }
    return result;
  }

  /** Distinct values of one index, e.g. every node that has pods. */
  indexValues(name: string): string[] {
    return [...(this.#indexes.get(name)?.keys() ?? [])];
  }

  /** Listeners get the changes of one operation together (one relist = one batch). */
  onChange(listener: (changes: readonly ObjectChange<T>[]) => void): Disposable {
    this.#listeners.add(listener);
    return toDisposable(() => {
      this.#listeners.delete(listener);
    });
  }

  /** Applies one watch event. Updates with an unchanged resourceVersion are dropped (relist noise). */
  upsert(object: T): void {
    const change = this.#upsert(object);
    if (change) this.#emit([change]);
  }

  delete(object: T): void {
    const key = objectKey(object);
    const previous = this.#objects.get(key);
    if (!previous) return;
    this.#remove(key, previous);
    this.#emit([{ type: 'deleted', key, object: previous }]);
  }

  /**
   * Replaces the whole content with a fresh list, emitting only real differences: objects missing from
   * the list are deletes noticed on relist (client-go's DeletedFinalStateUnknown).
   */
  replace(objects: readonly T[]): void {
    const changes: ObjectChange<T>[] = [];
    const seen = new Set<string>();
    for (const object of objects) {
      seen.add(objectKey(object));
      const change = this.#upsert(object);
      if (change) changes.push(change);
    }
    for (const [key, previous] of [...this.#objects]) {
      if (seen.has(key)) continue;
      this.#remove(key, previous);
      changes.push({ type: 'deleted', key, object: previous });
    }
    if (changes.length > 0) this.#emit(changes);
  }

  clear(): void {
    this.replace([]);
  }

  #upsert(object: T): ObjectChange<T> | null {
    const key = objectKey(object);
    const previous = this.#objects.get(key);
    if (previous) {
      const sameVersion = previous.metadata.resourceVersion !== undefined && previous.metadata.resourceVersion === object.metadata.resourceVersion;
      if (sameVersion && previous.metadata.uid === object.metadata.uid) return null;
      this.#unindex(key, previous);
    }
    this.#objects.set(key, object);
    this.#index(key, object);
    return previous ? { type: 'updated', key, object, previous } : { type: 'added', key, object };
  }

  #remove(key: string, previous: T): void {
    this.#objects.delete(key);
    this.#unindex(key, previous);
  }

  #index(key: string, object: T): void {
    for (const [name, fn] of this.#indexFunctions) {
      const index = this.#indexes.get(name);
      if (!index) continue;
      for (const value of fn(object)) {
        let keys = index.get(value);
        if (!keys) index.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  #unindex(key: string, object: T): void {
    for (const [name, fn] of this.#indexFunctions) {
      const index = this.#indexes.get(name);
      if (!index) continue;
      for (const value of fn(object)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys && keys.size === 0) index.delete(value);
      }
    }
  }

  #emit(changes: readonly ObjectChange<T>[]): void {
    for (const listener of [...this.#listeners]) listener(changes);
  }
}
