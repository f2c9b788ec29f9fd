import { ScrapeDecoder } from '../../main/scrape/exposition/decoder.js';
import { SeriesStore } from '../../main/store/series-store.js';

/**
 * Feeds exposition texts into a SeriesStore the way the scrape loop does (real decoder, real
 * appender), for model tests that want a store holding known scrapes at known times.
 */
export class StoreFeed {
  readonly store: SeriesStore;
  readonly #decoders = new Map<string, ScrapeDecoder>();

  constructor(store = new SeriesStore()) {
    this.store = store;
  }

  /** Appends one scrape of `targetId` at `tsMs`; `null` text is a failed scrape. */
  scrape(targetId: string, labels: Record<string, string>, tsMs: number, text: string | null, options: { honorTimestamps?: boolean; format?: 'text' | 'openmetrics' } = {}): void {
    let decoder = this.#decoders.get(targetId);
    if (!decoder) this.#decoders.set(targetId, (decoder = new ScrapeDecoder()));
    const decoded = text === null ? null : decoder.decode(text, options.format ?? 'text');
    this.store.appendScrape({
      targetId,
      targetLabels: labels,
      tsMs,
      honorTimestamps: options.honorTimestamps ?? true,
      decoded,
      report: { up: text === null ? 0 : 1, durationSeconds: 0.1, samplesScraped: decoded?.samplesScraped ?? 0 },
    });
  }
}
