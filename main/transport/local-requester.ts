import type { ScrapeRequester } from '../scrape/requester.js';
import { AppError } from '../util/app-error.js';

/**
 * A requester whose "target" is this machine: `produce` reads /sys/fs/cgroup or /proc and returns
 * Prometheus text, which then goes through the same loop, parser and store as a scraped exporter.
 */
export function localRequester(description: string, produce: (signal: AbortSignal) => Promise<string>): ScrapeRequester {
  return {
    describe: () => description,
    async request(scrape) {
      let text: string;
      try {
        text = await produce(scrape.signal);
      } catch (error) {
        throw new AppError('unavailable', `Reading ${description} failed: ${(error as Error).message}`);
      }
      const bytes = Buffer.from(text, 'utf8');
      return {
        statusCode: 200,
        contentType: 'text/plain; version=0.0.4; charset=utf-8',
        body: (async function* () {
          yield bytes;
        })(),
      };
    },
  };
}
