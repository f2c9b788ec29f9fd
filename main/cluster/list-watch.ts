import { AppError } from '../util/app-error.js';
import { Backoff, sleep } from '../util/backoff.js';
import type { Disposable } from '../util/disposable.js';
import type { Logger } from '../util/log.js';
import type { ObjectStore } from './object-store.js';
import { trimObject, type KubeObject } from './objects.js';
import { namespacedPath, type ResourceType } from './resources.js';

export interface ListResult {
  items: KubeObject[];
  metadata: { resourceVersion?: string; continue?: string };
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  // A Status object for ERROR events, the resource's object otherwise.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  object: any;
}

/**
 * What the watcher needs from an apiserver client: one page of a list, and a watch stream of decoded
 * events. Errors carry the HTTP status as `statusCode` where there was one (410 and 403 matter here).
 */
export interface ListWatchClient {
  list(path: string, query: Record<string, string>, signal: AbortSignal): Promise<ListResult>;
  watch(path: string, query: Record<string, string>, signal: AbortSignal): AsyncIterable<WatchEvent>;
}

export type WatchState = 'starting' | 'listing' | 'watching' | 'backoff' | 'forbidden' | 'stopped';

export interface WatchStatus {
  resource: string;
  state: WatchState;
  /** True once a first complete list arrived; discovery and views wait for it (client-go HasSynced). */
  synced: boolean;
  /** Set when the cluster-wide list was forbidden and the watcher fell back to one namespace. */
  namespace?: string;
  /** A standing remark for the user that is not an error, e.g. the namespace fallback. */
  note?: string;
  lastError?: string;
  objectCount: number;
  relists: number;
}

export interface ResourceWatcherOptions {
  log: Logger;
  /** Items per list page (kubectl uses 500). */
  pageSize?: number;
  /** When listing across namespaces is forbidden, watch this namespace instead (the context's). */
  fallbackNamespace?: string;
  backoff?: Backoff;
  /** Watch timeout range in seconds; client-go randomises 5–10 min "to spread the load on apiserver". */
  watchTimeoutSeconds?: [number, number];
  onStatus?: (status: WatchStatus) => void;
}

class GoneError extends Error {}

function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * List-then-watch for one resource into an `ObjectStore`, following client-go's reflector: list in
 * pages, watch from the list's resourceVersion with bookmarks, re-watch from the last seen version when
 * a stream ends, relist on 410 Gone (HTTP or in-stream ERROR), back off with jitter on failures, and
 * never spin (javascript#1933). Objects are trimmed before they are stored.
 */
export class ResourceWatcher<T extends KubeObject> implements Disposable {
  readonly #resource: ResourceType;
  readonly #client: ListWatchClient;
  readonly #store: ObjectStore<T>;
  readonly #options: ResourceWatcherOptions;
  readonly #backoff: Backoff;
  readonly #abort = new AbortController();
  #status: WatchStatus;
  #path: string;
  #loop: Promise<void> | null = null;

  constructor(resource: ResourceType, client: ListWatchClient, store: ObjectStore<T>, options: ResourceWatcherOptions) {
    this.#resource = resource;
    this.#client = client;
    this.#store = store;
    this.#options = options;
    this.#backoff = options.backoff ?? new Backoff();
    this.#path = resource.path;
    this.#status = { resource: resource.name, state: 'starting', synced: false, objectCount: 0, relists: 0 };
  }

  get status(): WatchStatus {
    return this.#status;
  }

  start(): this {
    this.#loop ??= this.#run().catch((error: unknown) => {
      this.#options.log.error(`watch loop for ${this.#resource.name} ended unexpectedly`, error);
    });
    return this;
  }

  async dispose(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
    this.#setStatus({ state: 'stopped' });
  }

  #setStatus(patch: Partial<WatchStatus>): void {
    this.#status = { ...this.#status, ...patch, objectCount: this.#store.size };
    this.#options.onStatus?.(this.#status);
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    let resourceVersion: string | null = null;
    let goneStreak = 0;
    while (!signal.aborted) {
      try {
        if (resourceVersion === null) {
          this.#setStatus({ state: 'listing' });
          resourceVersion = await this.#listAll(signal);
          this.#setStatus({ synced: true, lastError: undefined, relists: this.#status.relists + 1 });
        }
        resourceVersion = await this.#watchOnce(resourceVersion, signal);
        goneStreak = 0;
        this.#backoff.healthy(Date.now());
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof GoneError || statusCodeOf(error) === 410) {
          // The version is too old for the apiserver's window: start over from a fresh list. Gone right
          // after a relist would loop (Java client#1533), so the second one in a row waits first.
          this.#options.log.info(`${this.#resource.name}: resourceVersion expired, relisting`);
          resourceVersion = null;
          goneStreak += 1;
          if (goneStreak > 1) await sleep(this.#backoff.next(), signal);
          continue;
        }
        const code = statusCodeOf(error);
        if (code === 403 && this.#resource.namespaced && this.#options.fallbackNamespace && this.#path === this.#resource.path) {
          this.#path = namespacedPath(this.#resource, this.#options.fallbackNamespace);
          this.#setStatus({ namespace: this.#options.fallbackNamespace, note: `listing ${this.#resource.name} in all namespaces is forbidden; showing namespace ${this.#options.fallbackNamespace} only` });
          resourceVersion = null;
          continue;
        }
        const message = error instanceof Error ? error.message : String(error);
        this.#setStatus({ state: code === 403 ? 'forbidden' : 'backoff', lastError: message });
        this.#options.log.warn(`${this.#resource.name}: ${message}`);
        // A failed watch resumes from the same version (no relist); a failed list lists again.
        await sleep(this.#backoff.next(), signal);
      }
    }
  }

  async #listAll(signal: AbortSignal): Promise<string> {
    const items: T[] = [];
    let resourceVersion = '';
    const pageQuery = (continueToken?: string): Record<string, string> => ({
      limit: String(this.#options.pageSize ?? 500),
      ...(continueToken ? { continue: continueToken } : {}),
    });
    let pending: Promise<ListResult> | null = this.#client.list(this.#path, pageQuery(), signal);
    while (pending && !signal.aborted) {
      const page: ListResult = await pending;
      const continueToken = page.metadata?.continue || undefined;
      // Ask for the next page before working through this one, so the server's work and the
      // transfer overlap with ours (a 150,000-pod list is 30 pages of 5,000).
      pending = continueToken ? this.#client.list(this.#path, pageQuery(continueToken), signal) : null;
      pending?.catch(() => undefined);
      for (const item of page.items ?? []) {
        // List items omit kind/apiVersion; restore kind so trimming and readers know what they hold.
        item.kind ??= this.#resource.kind;
        items.push(trimObject(item as T));
      }
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    }
    this.#store.replace(items);
    return resourceVersion;
  }

  /** One watch request; returns the last resourceVersion seen when the server ends the stream. */
  async #watchOnce(resourceVersion: string, signal: AbortSignal): Promise<string> {
    const [low, high] = this.#options.watchTimeoutSeconds ?? [300, 600];
    const query: Record<string, string> = {
      watch: '1',
      resourceVersion,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(Math.round(low + Math.random() * (high - low))),
    };
    let current = resourceVersion;
    let events = 0;
    this.#setStatus({ state: 'watching' });
    for await (const event of this.#client.watch(this.#path, query, signal)) {
      events += 1;
      if (event.type === 'ERROR') {
        const status = event.object ?? {};
        if (status.code === 410) throw new GoneError(status.message ?? 'too old resource version');
        throw Object.assign(new AppError('unavailable', `watch of ${this.#resource.name} failed: ${status.message ?? 'unknown error'}`), { statusCode: status.code });
      }
      const object = event.object as T | undefined;
      const version = object?.metadata?.resourceVersion;
      if (event.type === 'BOOKMARK') {
        if (version) current = version;
        continue;
      }
      if (!object?.metadata) continue;
      object.kind ??= this.#resource.kind;
      if (event.type === 'DELETED') this.#store.delete(trimObject(object));
      else this.#store.upsert(trimObject(object));
      if (version) current = version;
      this.#setStatus({});
    }
    // A stream that ends at once without events, over and over, means something is wrong on the
    // server side; pace it instead of re-watching in a tight loop.
    if (events === 0) await sleep(Math.min(1000, this.#backoff.next()), signal);
    return current;
  }
}
