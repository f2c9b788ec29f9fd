import type { SessionStatus, TargetSummary } from '../../preload/contract/index.js';
import type { ClusterCache } from '../cluster/cluster-cache.js';
import type { SeriesStore } from '../store/series-store.js';
import { toDisposable, type Disposable } from '../util/disposable.js';
import type { ValueCell } from './value-cell.js';

/**
 * What the view feeds read of an open session (main/core/session.ts `Session` has this shape; it is
 * restated here so the stream step does not import the composition root).
 */
export interface FeedSession {
  readonly kind: 'cluster' | 'local';
  readonly status: ValueCell<SessionStatus>;
  readonly store: SeriesStore;
  readonly targets: ValueCell<TargetSummary[]>;
  readonly cache?: ClusterCache;
  targetsOfNode(node: string): { targetId: string; source: TargetSummary['source'] }[];
}

/** Where the open session is announced (the core's `ValueCell<Session | null>`): the current one first, then every change. */
export interface SessionSource<S> {
  subscribe(listener: (session: S | null) => void): Disposable;
}

/**
 * Runs `start(session, emit)` for whichever session is open and stops it when the session closes or
 * changes, emitting `empty` while none is open; so a subscriber never sees context A's payload
 * after a switch to B (the old feed is stopped before the new one starts).
 */
export function followSessionFeed<S, T>(current: SessionSource<S>, start: (session: S, emit: (payload: T) => void) => Disposable, empty: T, emit: (payload: T) => void): Disposable {
  let inner: Disposable | null = null;
  let generation = 0;
  const outer = current.subscribe((session) => {
    void inner?.dispose();
    inner = null;
    const mine = ++generation;
    if (session) inner = start(session, (payload) => mine === generation && emit(payload));
    else emit(empty);
  });
  return toDisposable(() => {
    generation++;
    void inner?.dispose();
    void outer.dispose();
  });
}

export interface RecomputeOptions {
  /** Quiet time after a trigger before computing, ms (changes arriving together are computed once). */
  delayMs?: number;
  /** The gap between computations is at least this many times the last computation's duration. */
  loadFactor?: number;
  onError?: (error: unknown) => void;
}

/**
 * Calls `compute` once now and then after triggers, coalesced: at most one run per `delayMs`, and
 * at least `loadFactor` × its last duration apart, so a slow model on a big cluster leaves the event
 * loop free between runs. `dispose` stops it.
 */
export class Recompute implements Disposable {
  readonly #compute: () => void;
  readonly #delayMs: number;
  readonly #loadFactor: number;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | null = null;
  #lastDurationMs = 0;
  #disposed = false;

  constructor(compute: () => void, options: RecomputeOptions = {}) {
    this.#compute = compute;
    this.#delayMs = options.delayMs ?? 250;
    this.#loadFactor = options.loadFactor ?? 2;
    this.#onError = options.onError ?? (() => undefined);
    this.#run();
  }

  trigger(): void {
    if (this.#disposed || this.#timer) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = null;
        this.#run();
      },
      Math.max(this.#delayMs, this.#loadFactor * this.#lastDurationMs),
    );
  }

  #run(): void {
    if (this.#disposed) return;
    const startedMs = performance.now();
    try {
      this.#compute();
    } catch (error) {
      this.#onError(error);
    } finally {
      this.#lastDurationMs = performance.now() - startedMs;
    }
  }

  dispose(): void {
    this.#disposed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
