// One ScrapeDecoder per target, wherever parsing happens (the main thread or the parse worker):
// the series-key cache must live next to the parser. A decoder is replaced when the options it was
// built with change.
import type { ResolvedLimits } from '../limits.js';
import { ScrapeDecoder, type DecodedScrape } from './decoder.js';
import type { ExpositionFormat } from './parser.js';

/** Everything needed to decode one scrape of one target. */
export interface DecodeJob {
  targetId: string;
  bytes: Uint8Array;
  format: ExpositionFormat;
  limits: ResolvedLimits;
  targetLabelCount: number;
  strict?: boolean;
}

/** Decoders by target id. */
export class TargetDecoders {
  readonly #decoders = new Map<string, { decoder: ScrapeDecoder; options: string }>();

  decode(job: DecodeJob): DecodedScrape {
    const options = JSON.stringify([job.limits, job.targetLabelCount, job.strict === true]);
    let entry = this.#decoders.get(job.targetId);
    if (!entry || entry.options !== options) {
      entry = { decoder: new ScrapeDecoder({ limits: job.limits, targetLabelCount: job.targetLabelCount, strict: job.strict }), options };
      this.#decoders.set(job.targetId, entry);
    }
    return entry.decoder.decode(job.bytes, job.format);
  }

  forget(targetId: string): void {
    this.#decoders.delete(targetId);
  }

  clear(): void {
    this.#decoders.clear();
  }
}
