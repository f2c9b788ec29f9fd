import type { KubeObject } from '../cluster/kube-object.js';

/** Restricts a scan cheaply before objects are materialised (generated collections use it). */
export interface ScanHint {
  readonly namespace?: string;
  readonly nodeName?: string;
}

/**
 * The objects of one resource. Two implementations: a plain map (every scenario) and a generated
 * collection that computes objects from their index (scale mode, 150,000 pods without holding them).
 * Scans run in a stable order and resume after an opaque cursor (the continue token's position).
 */
export interface Collection {
  get(key: string): KubeObject | undefined;
  /** Stores `object` under `key`; returns the previous object. */
  put(key: string, object: KubeObject): KubeObject | undefined;
  delete(key: string): KubeObject | undefined;
  count(): number;
  /** Visits objects after `cursor` ('' = from the start) until `visit` returns false. */
  scan(cursor: string, visit: (object: KubeObject, cursor: string) => boolean, hint?: ScanHint): void;
}

export class MapCollection implements Collection {
  readonly #objects = new Map<string, KubeObject>();
  #sortedKeys: string[] | null = null;

  get(key: string): KubeObject | undefined {
    return this.#objects.get(key);
  }

  put(key: string, object: KubeObject): KubeObject | undefined {
    const previous = this.#objects.get(key);
    if (!previous) this.#sortedKeys = null;
    this.#objects.set(key, object);
    return previous;
  }

  delete(key: string): KubeObject | undefined {
    const previous = this.#objects.get(key);
    if (previous) {
      this.#objects.delete(key);
      this.#sortedKeys = null;
    }
    return previous;
  }

  count(): number {
    return this.#objects.size;
  }

  scan(cursor: string, visit: (object: KubeObject, cursor: string) => boolean, hint?: ScanHint): void {
    const keys = (this.#sortedKeys ??= [...this.#objects.keys()].sort());
    let start = 0;
    if (cursor) {
      let lo = 0;
      let hi = keys.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (keys[mid] <= cursor) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    const prefix = hint?.namespace ? `${hint.namespace}/` : undefined;
    for (let i = start; i < keys.length; i++) {
      const key = keys[i];
      if (prefix && !key.startsWith(prefix)) continue;
      const object = this.#objects.get(key);
      if (object && !visit(object, key)) return;
    }
  }
}

/** Computes the objects of a generated collection from their index. */
export interface ObjectGenerator {
  readonly count: number;
  keyAt(index: number): string;
  /** Index of a generated key, or -1. */
  indexOf(key: string): number;
  namespaceAt?(index: number): string;
  nodeNameAt?(index: number): string;
  objectAt(index: number): KubeObject;
}

/**
 * Generated objects plus an overlay of changes (replaced, deleted, added objects), so scale mode
 * can scale or replace a few of 150,000 pods without materialising the rest.
 */
export class GeneratedCollection implements Collection {
  readonly #generator: ObjectGenerator;
  /** key → replacement object, or null when deleted */
  readonly #overlay = new Map<string, KubeObject | null>();
  readonly #added = new MapCollection();

  constructor(generator: ObjectGenerator) {
    this.#generator = generator;
  }

  get(key: string): KubeObject | undefined {
    if (this.#overlay.has(key)) return this.#overlay.get(key) ?? undefined;
    const index = this.#generator.indexOf(key);
    if (index >= 0) return this.#generator.objectAt(index);
    return this.#added.get(key);
  }

  put(key: string, object: KubeObject): KubeObject | undefined {
    const index = this.#generator.indexOf(key);
    if (index < 0) return this.#added.put(key, object);
    const previous = this.get(key);
    this.#overlay.set(key, object);
    return previous;
  }

  delete(key: string): KubeObject | undefined {
    const index = this.#generator.indexOf(key);
    if (index < 0) return this.#added.delete(key);
    const previous = this.get(key);
    this.#overlay.set(key, null);
    return previous;
  }

  count(): number {
    let deleted = 0;
    for (const value of this.#overlay.values()) if (value === null) deleted++;
    return this.#generator.count - deleted + this.#added.count();
  }

  scan(cursor: string, visit: (object: KubeObject, cursor: string) => boolean, hint?: ScanHint): void {
    const generator = this.#generator;
    if (!cursor.startsWith('a:')) {
      const start = cursor.startsWith('g:') ? Number(cursor.slice(2)) + 1 : 0;
      for (let i = start; i < generator.count; i++) {
        if (hint?.namespace && generator.namespaceAt && generator.namespaceAt(i) !== hint.namespace) continue;
        if (hint?.nodeName && generator.nodeNameAt && generator.nodeNameAt(i) !== hint.nodeName) continue;
        let object: KubeObject | undefined;
        if (this.#overlay.size > 0) {
          const key = generator.keyAt(i);
          object = this.#overlay.has(key) ? (this.#overlay.get(key) ?? undefined) : generator.objectAt(i);
        } else {
          object = generator.objectAt(i);
        }
        if (object && !visit(object, `g:${i}`)) return;
      }
      cursor = 'a:';
    }
    this.#added.scan(cursor.slice(2), (object, key) => visit(object, `a:${key}`), hint);
  }
}
