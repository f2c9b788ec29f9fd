// Target health, Prometheus' small state machine (scrape/target.go TargetHealth, Report): unknown
// until the first scrape finishes, then up or down after every scrape, with the last error in
// words a user can act on.

/** `unknown` before the first scrape finished. */
export type Health = 'unknown' | 'up' | 'down';

/** The state of one target after its latest scrape. */
export interface TargetHealth {
  targetId: string;
  health: Health;
  /** Why the last scrape failed; absent when it succeeded. */
  lastError?: string;
  /** Start of the last scrape, epoch ms. */
  lastScrapeMs?: number;
  /** Wall time of the last scrape (fetch + parse + store), ms. */
  lastDurationMs?: number;
  /** Uncompressed body size of the last successful scrape, bytes. */
  lastSizeBytes?: number;
  /** Samples in the last successful scrape (`scrape_samples_scraped`). */
  lastSamples?: number;
}
