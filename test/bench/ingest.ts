// Ingest cost: parsing plus appending to the SeriesStore, against parsing alone, on the ~10 MB
// cAdvisor-like payload in steady state (repeat scrapes, the ring already as long as the retention
// window needs). Target (issue 4): ingest ≤ 1.3× parse-only. Timestamps are not honoured here: the
// two alternating payloads carry timestamps that go back and forth, which a store rightly drops.
import { KUBELET_DUMPS, readFixture } from '../helpers/fixtures.js';
import { ScrapeDecoder, type DecodedScrape } from '../../main/scrape/exposition/decoder.js';
import { SeriesStore } from '../../main/store/series-store.js';
import { cadvisorLikePayload } from './payloads.js';
import { forceGc, info, interleavedMedianMs, type Suite } from './figure.js';

export const ingestSuite: Suite = {
  name: 'ingest',
  async run() {
    const source = readFixture('cadvisor', 'kubelet', KUBELET_DUMPS[0]);
    const texts = [cadvisorLikePayload(source, 10e6, 0), cadvisorLikePayload(source, 10e6, 1)];
    const runs = 21;

    const parser = new ScrapeDecoder();
    parser.decode(texts[0], 'text');
    let flip = 0;

    const decoder = new ScrapeDecoder();
    const store = new SeriesStore();
    let tsMs = Date.now();
    const append = (decoded: DecodedScrape) => {
      tsMs += 5000;
      store.appendScrape({
        targetId: 'kubelet',
        targetLabels: { job: 'kubelet', instance: 'node-1' },
        tsMs,
        intervalMs: 5000,
        honorTimestamps: false,
        decoded,
        report: { up: 1, durationSeconds: 0.1, samplesScraped: decoded.samplesScraped },
      });
    };
    const firstStarted = performance.now();
    append(decoder.decode(texts[0], 'text'));
    const firstIngestMs = performance.now() - firstStarted;
    // Fill the 15-minute ring (181 scrapes at 5 s) without parsing, so that measured runs are steady state.
    const steady = [decoder.decode(texts[0], 'text'), decoder.decode(texts[1], 'text')];
    for (let i = 0; i < 200; i++) append(steady[i % 2]);
    await forceGc();
    const [parseMs, ingestMs] = interleavedMedianMs(
      [{ fn: () => parser.decode(texts[flip++ % 2], 'text') }, { fn: () => append(decoder.decode(texts[flip++ % 2], 'text')) }],
      runs,
      3,
    );
    const ratio = ingestMs / parseMs;
    return [
      {
        name: `ingest 10 MB cAdvisor-like (${store.seriesCount} series): parse + append vs parse only`,
        value: ingestMs,
        unit: 'ms',
        baseline: parseMs,
        ratio,
        target: '≤ 1.3× parse-only',
        pass: ratio <= 1.3,
      },
      info('ingest 10 MB cAdvisor-like: first scrape, parse + append (every series new)', firstIngestMs, 'ms'),
    ];
  },
};
