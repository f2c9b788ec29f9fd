// The seam between scraping and storage. Scraping comes before the store in the pipeline, so the
// scrape loop writes through this interface and main/store/series-store.ts implements it (a later
// step may import an earlier one's types, never the reverse).
import type { DecodedScrape } from './exposition/decoder.js';

/** The synthetic per-scrape figures Prometheus records as `up`, `scrape_duration_seconds`, `scrape_samples_scraped`. */
export interface ScrapeReport {
  up: 0 | 1;
  durationSeconds: number;
  samplesScraped: number;
}

/** One scrape of one target, successful or not. */
export interface ScrapeBatch {
  targetId: string;
  /** Target labels (job, instance, …) added to every series, Prometheus `honor_labels: false`. */
  targetLabels: Readonly<Record<string, string>>;
  /** Scrape time, epoch ms: the time of every sample without an honoured explicit timestamp. */
  tsMs: number;
  /** The target's scrape interval, for appenders that want it (SeriesStore sizes its rings from the scrape times it sees). */
  intervalMs?: number;
  /** Use timestamps written in the exposition (Prometheus `honor_timestamps`). */
  honorTimestamps: boolean;
  /** The decoded samples, or null when the scrape failed (then every series of the target goes stale). */
  decoded: DecodedScrape | null;
  report: ScrapeReport;
}

/** What the appender could not use. */
export interface AppendResult {
  /**
   * Samples whose ref the appender had no definition for (the decoder's cache and the appender
   * disagree, e.g. a result was lost). The caller should reset that target's decoder.
   */
  unknownRefs: number;
}

/** Receives scrapes. */
export interface ScrapeAppender {
  appendScrape(batch: ScrapeBatch): AppendResult;
  /** The target is gone (removed from the pool): mark all its series stale at `tsMs`. */
  endTarget(targetId: string, tsMs: number): void;
}
