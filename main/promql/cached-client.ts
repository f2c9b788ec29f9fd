import type { PromBuildInfo, PromInstantResult, PromMetricMetadata, PromRangeResult } from '../../preload/contract/dto/promql.js';
import type { PrometheusClient, SeriesScope } from './client.js';

interface Entry {
  value: Promise<unknown>;
  expiresMs: number;
  /** After this time a hit is still served, but a fresh copy is fetched in the background. */
  refreshAfterMs: number;
  refreshing: boolean;
}

/**
 * Caches what changes slowly (label names and values, metadata, build info) for `maxAgeMs`, like
 * codemirror-promql's CachedPrometheusClient, so completion while typing does not hammer the
 * server. Queries are never cached. Failed lookups are forgotten at once; empty answers (a
 * Prometheus that has not scraped yet) are kept for `emptyMaxAgeMs` only. A hit older than
 * `refreshAfterMs` is served at once and refreshed in the background (stale-while-revalidate), so
 * metric names that appear after the first lookup (targets still being scraped) reach completion
 * within seconds, not after `maxAgeMs`.
 */
export class CachedPrometheusClient implements PrometheusClient {
  readonly #inner: PrometheusClient;
  readonly #maxAgeMs: number;
  readonly #maxEntries: number;
  readonly #emptyMaxAgeMs: number;
  readonly #refreshAfterMs: number;
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(inner: PrometheusClient, options: { maxAgeMs?: number; emptyMaxAgeMs?: number; refreshAfterMs?: number; maxEntries?: number; now?: () => number } = {}) {
    this.#inner = inner;
    this.#maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
    this.#emptyMaxAgeMs = Math.min(this.#maxAgeMs, options.emptyMaxAgeMs ?? 10_000);
    this.#refreshAfterMs = Math.min(this.#maxAgeMs, options.refreshAfterMs ?? 15_000);
    this.#maxEntries = options.maxEntries ?? 500;
    this.#now = options.now ?? Date.now;
  }

  #cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.#now();
    const hit = this.#entries.get(key);
    if (hit && hit.expiresMs > now) {
      // Re-insert to keep the map in least-recently-used order.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      if (now >= hit.refreshAfterMs && !hit.refreshing) {
        hit.refreshing = true;
        load().then(
          (answer) => {
            if (this.#entries.get(key) !== hit) return;
            this.#entries.set(key, { value: Promise.resolve(answer), expiresMs: this.#now() + this.#maxAgeMs, refreshAfterMs: this.#now() + this.#refreshAfterMs, refreshing: false });
          },
          () => {
            hit.refreshing = false;
          },
        );
      }
      return hit.value as Promise<T>;
    }
    const value = load();
    const entry: Entry = { value, expiresMs: now + this.#maxAgeMs, refreshAfterMs: now + this.#refreshAfterMs, refreshing: false };
    this.#entries.set(key, entry);
    value.then(
      (answer) => {
        const empty = Array.isArray(answer) ? answer.length === 0 : typeof answer === 'object' && answer !== null && Object.keys(answer).length === 0;
        if (empty) entry.expiresMs = Math.min(entry.expiresMs, now + this.#emptyMaxAgeMs);
      },
      () => {
        if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
      },
    );
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return value;
  }

  buildInfo(signal?: AbortSignal): Promise<PromBuildInfo> {
    return this.#cached('buildinfo', () => this.#inner.buildInfo(signal));
  }
  query(expr: string, atMs?: number, signal?: AbortSignal): Promise<PromInstantResult> {
    return this.#inner.query(expr, atMs, signal);
  }
  queryRange(expr: string, startMs: number, endMs: number, stepMs: number, signal?: AbortSignal): Promise<PromRangeResult> {
    return this.#inner.queryRange(expr, startMs, endMs, stepMs, signal);
  }
  // Scopes with a time window are not cached: their answer depends on when they were asked.
  labelNames(scope?: SeriesScope, signal?: AbortSignal): Promise<string[]> {
    if (scope?.startMs !== undefined || scope?.endMs !== undefined) return this.#inner.labelNames(scope, signal);
    return this.#cached(`labels:${JSON.stringify(scope?.match ?? [])}`, () => this.#inner.labelNames(scope, signal));
  }
  labelValues(label: string, scope?: SeriesScope, signal?: AbortSignal): Promise<string[]> {
    if (scope?.startMs !== undefined || scope?.endMs !== undefined) return this.#inner.labelValues(label, scope, signal);
    return this.#cached(`values:${label}:${JSON.stringify(scope?.match ?? [])}`, () => this.#inner.labelValues(label, scope, signal));
  }
  series(matchers: string[], startMs: number, endMs: number, signal?: AbortSignal): Promise<Record<string, string>[]> {
    return this.#inner.series(matchers, startMs, endMs, signal);
  }
  metadata(metric?: string, signal?: AbortSignal): Promise<Record<string, PromMetricMetadata[]>> {
    return this.#cached(`metadata:${metric ?? ''}`, () => this.#inner.metadata(metric, signal));
  }
}
