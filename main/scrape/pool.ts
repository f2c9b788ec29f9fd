// Scrape loops reconciled against a changing target list (Prometheus scrapePool.sync,
// scrape/scrape.go: "sync takes a list of potentially duplicated targets, deduplicates them,
// starts scrape loops for new targets, and stops scrape loops for disappeared targets. It returns
// after all stopped scrape loops terminated").
import { toDisposable, type Disposable } from '../util/disposable.js';
import { Logger, nullSink } from '../util/log.js';
import type { ScrapeAppender } from './appender.js';
import type { TargetHealth } from './health.js';
import { ScrapeLoop, type ScrapeTarget } from './loop.js';
import { createParseRunner, type ParseRunner } from './parse-runner.js';

export type { ScrapeTarget } from './loop.js';
export type { TargetHealth } from './health.js';
export type { ScrapeLimits } from './limits.js';

/** Options of a `ScrapePool`. */
export interface ScrapePoolOptions {
  /** Where scrapes are parsed; default `createParseRunner()` (the worker when bundled). Owned by the pool only when defaulted. */
  runner?: ParseRunner;
  log?: Logger;
  /** Clock for scrape timestamps, epoch ms. */
  now?: () => number;
  /** 'offset' (default): first scrape after the target's hashed offset; 'immediate': at once (tests, CLI). */
  firstScrape?: 'offset' | 'immediate';
}

/**
 * Runs one scrape loop per target and writes every scrape into `store`. Targets are identified by
 * `ScrapeTarget.id`; a target whose settings change (labels, interval, timeout, limits, timestamps,
 * or what its requester describes) gets a fresh loop, and only a new requester object for the same
 * description is swapped in place.
 */
export class ScrapePool implements Disposable {
  readonly #store: ScrapeAppender;
  readonly #runner: ParseRunner;
  readonly #ownsRunner: boolean;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #firstScrape: 'offset' | 'immediate';
  readonly #loops = new Map<string, { loop: ScrapeLoop; fingerprint: string }>();
  readonly #listeners = new Set<(health: TargetHealth) => void>();
  #order: string[] = [];
  #syncing: Promise<void> = Promise.resolve();
  #disposed = false;

  constructor(store: ScrapeAppender, options: ScrapePoolOptions = {}) {
    this.#store = store;
    this.#ownsRunner = options.runner === undefined;
    this.#runner = options.runner ?? createParseRunner();
    this.#log = options.log ?? new Logger(nullSink);
    this.#now = options.now ?? Date.now;
    this.#firstScrape = options.firstScrape ?? 'offset';
  }

  /** Where this pool parses ('worker' or 'inline'). */
  get parserKind(): ParseRunner['kind'] {
    return this.#runner.kind;
  }

  /**
   * Makes the running loops match `targets` (duplicates by id: the first wins). Resolves once
   * loops of vanished or changed targets have stopped and new ones have started. Calls are
   * serialised.
   */
  sync(targets: ScrapeTarget[]): Promise<void> {
    const run = this.#syncing.then(() => this.#sync(targets));
    this.#syncing = run.catch(() => undefined);
    return run;
  }

  /** Health of the current targets, in the order of the last sync. */
  health(): TargetHealth[] {
    return this.#order.map((id) => this.#loops.get(id)!.loop.health);
  }

  /** Called after every scrape of any target with that target's health. */
  onHealthChange(listener: (health: TargetHealth) => void): Disposable {
    this.#listeners.add(listener);
    return toDisposable(() => {
      this.#listeners.delete(listener);
    });
  }

  /** Stops every loop (marking their series stale) and the parser if the pool created it. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    await this.sync([]);
    this.#disposed = true;
    this.#listeners.clear();
    if (this.#ownsRunner) await this.#runner.dispose();
  }

  async #sync(targets: ScrapeTarget[]): Promise<void> {
    if (this.#disposed) throw new Error('ScrapePool used after dispose()');
    const wanted = new Map<string, ScrapeTarget>();
    for (const target of targets) if (!wanted.has(target.id)) wanted.set(target.id, target);

    const stopping: Promise<void>[] = [];
    for (const [id, { loop, fingerprint }] of this.#loops) {
      const next = wanted.get(id);
      if (next && fingerprintOf(next) === fingerprint) {
        loop.updateRequester(next.requester);
        continue;
      }
      this.#loops.delete(id);
      stopping.push(loop.stop());
      this.#runner.forget(id);
    }
    await Promise.all(stopping);

    for (const [id, target] of wanted) {
      if (this.#loops.has(id)) continue;
      const loop = new ScrapeLoop(target, {
        appender: this.#store,
        runner: this.#runner,
        log: this.#log,
        now: this.#now,
        firstScrape: this.#firstScrape,
        onReport: (health) => this.#report(health),
      });
      this.#loops.set(id, { loop, fingerprint: fingerprintOf(target) });
      loop.start();
    }
    this.#order = [...wanted.keys()];
  }

  #report(health: TargetHealth): void {
    for (const listener of this.#listeners) {
      try {
        listener(health);
      } catch (error) {
        this.#log.error('a target health listener failed', error);
      }
    }
  }
}

function fingerprintOf(target: ScrapeTarget): string {
  const labels = Object.keys(target.labels)
    .sort()
    .map((name) => [name, target.labels[name]]);
  return JSON.stringify([labels, target.intervalMs, target.timeoutMs, target.honorTimestamps, target.limits ?? null, target.requester.describe()]);
}
