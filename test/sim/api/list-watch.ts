import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../cluster/kube-object.js';
import type { ObjectStore, StoreEvent } from '../store/object-store.js';
import { equalityOn, matchesFields, matchesLabels, type FieldRequirement, type LabelRequirement } from '../store/selectors.js';
import { groupVersion, type ResourceType } from './resources.js';
import { badRequest, expired, statusBody } from './status.js';
import { tableColumns, tableRow, type IncludeObject } from './tables.js';

/**
 * Lists (with `limit`/`continue`) and watches (resourceVersion resume, bookmarks, timeoutSeconds,
 * 410 for compacted versions) over the object store, in JSON or as Tables
 * (api-concepts.md; protocols.md §4.3–4.4).
 */

export interface Query {
  readonly type: ResourceType;
  readonly namespace?: string;
  readonly labels: readonly LabelRequirement[];
  readonly fields: readonly FieldRequirement[];
  readonly table: boolean;
  readonly includeObject: IncludeObject;
}

export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

function matches(query: Query, object: KubeObject): boolean {
  if (query.namespace && object.metadata.namespace !== query.namespace) return false;
  return matchesLabels(query.labels, object.metadata.labels) && matchesFields(query.fields, object);
}

interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(text: string): ContinueToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof token.rv === 'number' && typeof token.start === 'string') return token;
  } catch {
    // fall through
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

/** Writes one list page. Items are serialised one by one and flushed in ~64 KB chunks. */
export function writeList(res: ServerResponse, store: ObjectStore, query: Query, options: { limit?: number; continueToken?: string; nowMs: number }): void {
  const { type } = query;
  let rv = store.rv;
  let cursor = '';
  if (options.continueToken) {
    const token = decodeContinue(options.continueToken);
    if (store.eventsAfter(type.resource, token.rv) === 'expired') {
      throw expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
    }
    rv = token.rv;
    cursor = token.start;
  }
  const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
  const hint = { namespace: query.namespace, nodeName: equalityOn(query.fields, 'spec.nodeName') };
  const collection = store.collection(type.resource);
  const serialise = query.table
    ? (object: KubeObject) => JSON.stringify(tableRow(type.resource, object, options.nowMs, query.includeObject))
    : (object: KubeObject) => JSON.stringify(object);

  res.writeHead(200, { 'Content-Type': query.table ? TABLE_CONTENT_TYPE : 'application/json', 'Cache-Control': 'no-cache, private' });
  const head = (continueValue: string) => {
    const metadata = JSON.stringify({ resourceVersion: String(rv), ...(continueValue ? { continue: continueValue } : {}) });
    return query.table
      ? `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":${metadata},"columnDefinitions":${JSON.stringify(tableColumns(type.resource))},"rows":[`
      : `{"kind":"${type.kind}List","apiVersion":"${groupVersion(type)}","metadata":${metadata},"items":[`;
  };

  let buffer = '';
  let count = 0;
  const emit = (text: string) => {
    buffer += text;
    if (buffer.length >= 65_536) {
      res.write(buffer);
      buffer = '';
    }
  };

  if (limit === Infinity) {
    // No pagination: stream every match without holding the list.
    emit(head(''));
    collection.scan(cursor, (object) => {
      if (!matches(query, object)) return true;
      emit((count++ === 0 ? '' : ',') + serialise(object));
      return true;
    }, hint);
    emit(']}');
  } else {
    const items: string[] = [];
    let lastCursor = '';
    let more = false;
    collection.scan(cursor, (object, position) => {
      if (!matches(query, object)) return true;
      if (items.length >= limit) {
        more = true;
        return false;
      }
      items.push(serialise(object));
      lastCursor = position;
      return true;
    }, hint);
    emit(head(more ? encodeContinue({ rv, start: lastCursor }) : ''));
    for (let i = 0; i < items.length; i++) emit((i === 0 ? '' : ',') + items[i]);
    emit(']}');
  }
  res.end(buffer);
}

/** One object as JSON or a one-row Table. */
export function objectBody(query: Query, object: KubeObject, nowMs: number): { contentType: string; body: string } {
  if (!query.table) return { contentType: 'application/json', body: JSON.stringify(object) };
  const table = {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: object.metadata.resourceVersion },
    columnDefinitions: tableColumns(query.type.resource),
    rows: [tableRow(query.type.resource, object, nowMs, query.includeObject)],
  };
  return { contentType: TABLE_CONTENT_TYPE, body: JSON.stringify(table) };
}

export interface WatchOptions {
  readonly resourceVersion?: string;
  readonly allowBookmarks: boolean;
  readonly timeoutSeconds?: number;
  readonly sendInitialEvents?: boolean;
}

interface OpenWatch {
  readonly resource: string;
  end(): void;
}

/** Serves watch streams and can end them all (the closeWatches fault, stop()). */
export class WatchHub {
  readonly #store: ObjectStore;
  readonly #open = new Set<OpenWatch>();
  readonly #bookmarkIntervalMs: number;
  readonly #now: () => number;

  constructor(store: ObjectStore, options: { bookmarkIntervalMs: number; now: () => number }) {
    this.#store = store;
    this.#bookmarkIntervalMs = options.bookmarkIntervalMs;
    this.#now = options.now;
  }

  get openCount(): number {
    return this.#open.size;
  }

  serve(res: ServerResponse, query: Query, options: WatchOptions): void {
    const store = this.#store;
    const { type } = query;
    const rvText = options.resourceVersion;
    let replay: StoreEvent[] | 'expired' | null = null;
    if (rvText && rvText !== '0') {
      const rv = Number(rvText);
      if (!Number.isInteger(rv) || rv < 0) throw badRequest(`resourceVersion: Invalid value: "${rvText}": must be a non-negative integer`);
      replay = store.eventsAfter(type.resource, rv);
    }

    res.writeHead(200, { 'Content-Type': query.table ? TABLE_CONTENT_TYPE : 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    let columnsSent = false;
    const eventObject = (object: KubeObject) => {
      if (!query.table) return object;
      // Only the first event carries column definitions; kubectl reuses them (printers/tableprinter.go).
      const table = {
        kind: 'Table',
        apiVersion: 'meta.k8s.io/v1',
        metadata: { resourceVersion: object.metadata.resourceVersion },
        columnDefinitions: columnsSent ? [] : tableColumns(type.resource),
        rows: [tableRow(type.resource, object, this.#now(), query.includeObject)],
      };
      columnsSent = true;
      return table;
    };
    const send = (eventType: string, object: unknown) => {
      if (!res.writableEnded) res.write(`${JSON.stringify({ type: eventType, object })}\n`);
    };
    const bookmark = (extra?: Record<string, string>) =>
      send('BOOKMARK', { kind: type.kind, apiVersion: groupVersion(type), metadata: { resourceVersion: String(store.rv), ...(extra ? { annotations: extra } : {}) } });

    if (replay === 'expired') {
      // What the watch cache does: 200, one ERROR event with a 410 Status, end of stream.
      send('ERROR', statusBody(410, 'Expired', `too old resource version: ${rvText} (${store.rv})`));
      res.end();
      return;
    }

    const timers: NodeJS.Timeout[] = [];
    let unsubscribe = () => {};
    const watch: OpenWatch = {
      resource: type.resource,
      end: () => {
        if (!this.#open.delete(watch)) return;
        unsubscribe();
        for (const timer of timers) clearTimeout(timer);
        if (!res.writableEnded) res.end();
      },
    };
    this.#open.add(watch);
    res.on('close', watch.end);

    const deliver = (event: StoreEvent) => {
      if (event.resource !== type.resource) return;
      const now = matches(query, event.object);
      const before = event.previous ? matches(query, event.previous) : false;
      if (event.type === 'DELETED') {
        if (now) send('DELETED', eventObject(event.object));
      } else if (event.type === 'ADDED') {
        if (now) send('ADDED', eventObject(event.object));
      } else if (now && before) send('MODIFIED', eventObject(event.object));
      else if (now) send('ADDED', eventObject(event.object));
      else if (before) send('DELETED', eventObject(event.object));
    };

    if (replay === null) {
      const hint = { namespace: query.namespace, nodeName: equalityOn(query.fields, 'spec.nodeName') };
      store.collection(type.resource).scan('', (object) => {
        if (matches(query, object)) send('ADDED', eventObject(object));
        return true;
      }, hint);
      if (options.sendInitialEvents && options.allowBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
    } else {
      for (const event of replay) deliver(event);
    }
    unsubscribe = store.subscribe(deliver);

    if (options.allowBookmarks && this.#bookmarkIntervalMs > 0) {
      const tick = () => {
        bookmark();
        timers[0] = setTimeout(tick, this.#bookmarkIntervalMs);
      };
      timers[0] = setTimeout(tick, this.#bookmarkIntervalMs);
    }
    if (options.timeoutSeconds && options.timeoutSeconds > 0) {
      timers.push(
        setTimeout(() => {
          if (options.allowBookmarks) bookmark();
          watch.end();
        }, options.timeoutSeconds * 1000),
      );
    }
  }

  /** Ends open watches (of one resource, or all). */
  closeAll(resource?: string): void {
    for (const watch of [...this.#open]) if (!resource || watch.resource === resource) watch.end();
  }
}
