// One target's scrape loop, Prometheus-style (scrape/scrape.go scrapeLoop.run):
// - the first scrape waits for an offset derived from a hash of the target id, so that targets with
//   the same interval spread over it instead of all firing together; then one scrape per interval,
//   on the same phase, skipping ticks while a scrape is still running;
// - the timeout is always below the interval;
// - every scrape appends: the samples and the synthetic up/scrape_duration_seconds/
//   scrape_samples_scraped, or, when it failed, only the synthetic ones so that every other series
//   of the target goes stale ("a failed scrape is the same as an empty scrape", scrape.go);
// - stopping aborts a running scrape, waits for it, and marks the target's series stale.
import { AppError } from '../util/app-error.js';
import type { Logger } from '../util/log.js';
import type { ScrapeAppender } from './appender.js';
import { ParseError } from './exposition/parser.js';
import { fetchScrapeBody } from './fetch.js';
import type { TargetHealth } from './health.js';
import { LimitError, resolveLimits, type ResolvedLimits, type ScrapeLimits } from './limits.js';
import type { ParseRunner } from './parse-runner.js';
import type { ScrapeRequester } from './requester.js';

/** A target to scrape. `id` is its stable identity: the pool keeps a loop while the id stays. */
export interface ScrapeTarget {
  id: string;
  /** Target labels, including job and instance; added to every series (`honor_labels: false`). */
  labels: Record<string, string>;
  intervalMs: number;
  /** Scrape timeout; 0 means the default min(interval, 10 s). Always kept below the interval (see `effectiveTimeoutMs`). */
  timeoutMs: number;
  /** Use timestamps written by the exporter (cAdvisor writes them). */
  honorTimestamps: boolean;
  limits?: ScrapeLimits;
  requester: ScrapeRequester;
}

/** Default timeout for an interval: min(interval, 10 s), kept below the interval (security.md REL-06). */
export function defaultTimeoutMs(intervalMs: number): number {
  return effectiveTimeoutMs(intervalMs, 10_000);
}

/**
 * The timeout actually used: `timeoutMs`, but below the interval so that a hanging target never
 * delays its next scrape (at most 90 % of the interval).
 */
export function effectiveTimeoutMs(intervalMs: number, timeoutMs: number): number {
  const ceiling = Math.max(1, Math.floor(intervalMs * 0.9));
  return Math.max(1, Math.min(timeoutMs, intervalMs, ceiling));
}

/**
 * Delay until the first scrape: the next time t ≥ now with t ≡ hash(id) (mod interval), so a
 * target always scrapes at the same phase (Prometheus Target.offset, scrape/target.go).
 */
export function scrapeOffsetMs(targetId: string, intervalMs: number, nowMs: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < targetId.length; i++) hash = Math.imul(hash ^ targetId.charCodeAt(i), 0x01000193);
  const phase = (hash >>> 0) % intervalMs;
  return (phase - (nowMs % intervalMs) + intervalMs) % intervalMs;
}

/** What a loop needs from its pool. */
export interface LoopContext {
  appender: ScrapeAppender;
  runner: ParseRunner;
  log: Logger;
  now: () => number;
  /** 'offset' (default) waits for the hashed offset before the first scrape; 'immediate' scrapes at once. */
  firstScrape: 'offset' | 'immediate';
  onReport: (health: TargetHealth) => void;
}

/** The scrape loop of one target. */
export class ScrapeLoop {
  readonly target: ScrapeTarget;
  readonly #context: LoopContext;
  readonly #limits: ResolvedLimits;
  readonly #timeoutMs: number;
  #requester: ScrapeRequester;
  #health: TargetHealth;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #abort = new AbortController();
  #stopped = false;
  #nextTickMs = 0;
  /** The previous body's buffer, reused for the next body when it fits (see FetchOptions.scratch). */
  #spareBuffer: ArrayBuffer | undefined;

  constructor(target: ScrapeTarget, context: LoopContext) {
    if (!(target.intervalMs > 0) || !Number.isFinite(target.intervalMs)) {
      throw new AppError('bad-request', `Target ${target.id}: the scrape interval must be a positive number of ms.`);
    }
    this.target = target;
    this.#context = context;
    this.#limits = resolveLimits(target.limits);
    this.#timeoutMs = effectiveTimeoutMs(target.intervalMs, target.timeoutMs > 0 ? target.timeoutMs : defaultTimeoutMs(target.intervalMs));
    this.#requester = target.requester;
    this.#health = { targetId: target.id, health: 'unknown' };
  }

  /** The latest health of this target. */
  get health(): TargetHealth {
    return this.#health;
  }

  /** The timeout in use, ms. */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** Swaps the requester (e.g. a re-established port-forward) without restarting the loop. */
  updateRequester(requester: ScrapeRequester): void {
    this.#requester = requester;
  }

  start(): void {
    const now = this.#context.now();
    const delay = this.#context.firstScrape === 'immediate' ? 0 : scrapeOffsetMs(this.target.id, this.target.intervalMs, now);
    this.#nextTickMs = now + delay;
    this.#timer = setTimeout(() => this.#tick(), delay);
  }

  /** Stops the loop: aborts a running scrape, waits for it, then marks the target's series stale. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#abort.abort(new AppError('closed', `Scraping ${this.#requester.describe()} was stopped.`));
    await this.#running;
    try {
      this.#context.appender.endTarget(this.target.id, this.#context.now());
    } catch (error) {
      this.#context.log.warn(`target ${this.target.id}: could not mark its series stale`, error);
    }
  }

  #tick(): void {
    if (this.#stopped) return;
    const interval = this.target.intervalMs;
    const now = this.#context.now();
    // Next tick on the same phase; ticks missed (machine asleep, slow event loop) are skipped.
    this.#nextTickMs += interval;
    if (this.#nextTickMs <= now) this.#nextTickMs += Math.ceil((now - this.#nextTickMs + 1) / interval) * interval;
    this.#timer = setTimeout(() => this.#tick(), this.#nextTickMs - now);
    if (this.#running) return;
    this.#running = this.scrapeOnce()
      .catch((error: unknown) => this.#context.log.error(`target ${this.target.id}: scrape loop error`, error))
      .finally(() => {
        this.#running = undefined;
      });
  }

  /** Runs one scrape now and appends its result (used by the timer; public for tests and the pool). */
  async scrapeOnce(): Promise<void> {
    const context = this.#context;
    const target = this.target;
    const requester = this.#requester;
    const startedMs = context.now();
    const started = performance.now();
    let sizeBytes: number | undefined;
    let samples: number | undefined;
    let error: string | undefined;
    try {
      const fetched = await fetchScrapeBody(requester, {
        timeoutMs: this.#timeoutMs,
        bodySizeBytes: this.#limits.bodySizeBytes,
        signal: this.#abort.signal,
        scratch: this.#spareBuffer,
      });
      // The body now owns the buffer (it may be transferred to the parse worker).
      this.#spareBuffer = undefined;
      sizeBytes = fetched.bytes.length;
      let decoded;
      try {
        decoded = await context.runner.decode({
          targetId: target.id,
          bytes: fetched.bytes,
          format: fetched.format,
          limits: this.#limits,
          targetLabelCount: Object.keys(target.labels).filter((name) => !name.startsWith('__')).length,
        });
      } catch (parseError) {
        throw describeDecodeError(parseError, requester.describe(), fetched.contentType);
      }
      this.#spareBuffer = decoded.spareBuffer;
      if (this.#stopped) return;
      samples = decoded.samplesScraped;
      const durationSeconds = (performance.now() - started) / 1000;
      const result = context.appender.appendScrape({
        targetId: target.id,
        targetLabels: target.labels,
        tsMs: startedMs,
        intervalMs: target.intervalMs,
        honorTimestamps: target.honorTimestamps,
        decoded,
        report: { up: 1, durationSeconds, samplesScraped: decoded.samplesScraped },
      });
      if (result.unknownRefs > 0) {
        context.log.warn(`target ${target.id}: ${result.unknownRefs} samples had no series definition; resetting its parser cache`);
        context.runner.forget(target.id);
      }
    } catch (caught) {
      if (this.#stopped) return;
      if (caught instanceof AppError) error = caught.message;
      else if (caught instanceof LimitError) error = `${caught.message}.`;
      else {
        error = `Scraping ${requester.describe()} failed: ${caught instanceof Error ? caught.message : String(caught)}.`;
        context.log.error(`target ${target.id}: unexpected scrape failure`, caught);
      }
      sizeBytes = undefined;
      samples = undefined;
      context.appender.appendScrape({
        targetId: target.id,
        targetLabels: target.labels,
        tsMs: startedMs,
        intervalMs: target.intervalMs,
        honorTimestamps: target.honorTimestamps,
        decoded: null,
        report: { up: 0, durationSeconds: (performance.now() - started) / 1000, samplesScraped: 0 },
      });
    }
    this.#health = {
      targetId: target.id,
      health: error === undefined ? 'up' : 'down',
      ...(error === undefined ? {} : { lastError: error }),
      lastScrapeMs: startedMs,
      lastDurationMs: performance.now() - started,
      ...(sizeBytes === undefined ? {} : { lastSizeBytes: sizeBytes }),
      ...(samples === undefined ? {} : { lastSamples: samples }),
    };
    context.onReport(this.#health);
  }
}

/** Words for a decode failure: where the exposition broke, which limit was hit. */
function describeDecodeError(error: unknown, target: string, contentType: string | undefined): AppError {
  if (error instanceof ParseError) {
    if (contentType && /^\s*text\/html/i.test(contentType)) {
      return new AppError('parse', `${target} answered with a web page (Content-Type ${contentType.split(';')[0]}), not metrics: check the URL and path.`);
    }
    return new AppError('parse', `${target} sent metrics that cannot be read: line ${error.line}, column ${error.column}: ${error.message}.`);
  }
  if (error instanceof LimitError) return new AppError('limit', `${target}: ${error.message}.`);
  if (error instanceof AppError) return error;
  return new AppError('internal', `Parsing the metrics of ${target} failed: ${error instanceof Error ? error.message : String(error)}.`);
}
