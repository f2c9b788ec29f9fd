// Store memory, all in (rings, series table, labels, indexes): 30,000 series × 180 samples (10
// targets × 3,000 cAdvisor-style series, 15 minutes at a 5 s interval). Measured as the growth of
// V8 heap plus ArrayBuffer memory after full GCs, divided by the number of samples. The decoders'
// caches are not counted: in the product they live in the parse worker. Target (issue 4): ≤ 10
// bytes per sample. The same with honoured explicit timestamps (cAdvisor) is reported too: those
// cost an extra Int32 offset per sample.
import { ScrapeDecoder, type DecodedScrape } from '../../main/scrape/exposition/decoder.js';
import { SeriesStore } from '../../main/store/series-store.js';
import { forceGc, info, type Figure, type Suite } from './figure.js';

const TARGETS = 10;
const SERIES_PER_TARGET = 3000;
const SAMPLES = 180;
const INTERVAL_MS = 5000;

function hex(seed: number, length: number): string {
  let out = '';
  let x = seed * 2654435761;
  while (out.length < length) {
    x = (Math.imul(x ^ (x >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    out += x.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

/** 30 families × 100 containers of kubelet-style series for one target. */
function targetExposition(target: number, timestamps: boolean): string {
  const lines: string[] = [];
  const perFamily = SERIES_PER_TARGET / 30;
  for (let family = 0; family < 30; family++) {
    lines.push(`# TYPE container_metric_${family}_total counter`);
    for (let c = 0; c < perFamily; c++) {
      const id = hex(target * 1000 + c, 64);
      const pod = `${hex(target * 7 + c, 8)}-${hex(c, 4)}-${hex(target, 4)}-${hex(c + 1, 4)}-${hex(target + c, 12)}`;
      lines.push(
        `container_metric_${family}_total{container="app-${c % 7}",id="/kubepods/burstable/pod${pod}/${id}",image="registry.example/app:${c % 5}",name="${id}",namespace="ns-${c % 10}",pod="app-${target}-${c}"} ${c}${timestamps ? ' 1700000000000' : ''}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

async function measure(timestamps: boolean): Promise<{ bytesPerSample: number; series: number }> {
  const firsts: DecodedScrape[] = [];
  for (let t = 0; t < TARGETS; t++) firsts.push(new ScrapeDecoder().decode(targetExposition(t, timestamps), 'text'));
  await forceGc();
  const before = process.memoryUsage();
  const store = new SeriesStore();
  const startMs = 1_700_000_000_000;
  for (let s = 0; s < SAMPLES; s++) {
    const tsMs = startMs + s * INTERVAL_MS;
    for (let t = 0; t < TARGETS; t++) {
      const first = firsts[t];
      const values = new Float64Array(first.count);
      for (let i = 0; i < first.count; i++) values[i] = first.values[i] + s;
      const timestampsMs = new Float64Array(first.count).fill(timestamps ? tsMs - 1234 : NaN);
      const nothingNew = { count: 0, stringBase: first.announced.stringBase + first.announced.strings.length, strings: [], layout: new Int32Array(0) };
      const decoded: DecodedScrape = s === 0 ? { ...first, values, timestampsMs } : { ...first, values, timestampsMs, announced: nothingNew, families: null };
      store.appendScrape({
        targetId: `target-${t}`,
        targetLabels: { job: 'kubelet', instance: `node-${t}` },
        tsMs,
        intervalMs: INTERVAL_MS,
        honorTimestamps: true,
        decoded,
        report: { up: 1, durationSeconds: 0.05, samplesScraped: first.count },
      });
    }
  }
  await forceGc();
  const after = process.memoryUsage();
  const grown = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
  const series = store.seriesCount;
  // Keep the store (and the first results) alive until after the measurement.
  if (store.select([{ name: '__name__', op: '=', value: 'up' }]).length !== TARGETS || firsts.length !== TARGETS) throw new Error('store lost series');
  return { bytesPerSample: grown / (TARGETS * SERIES_PER_TARGET * SAMPLES), series };
}

export const storeMemorySuite: Suite = {
  name: 'store-memory',
  async run() {
    const plain = await measure(false);
    await forceGc();
    const stamped = await measure(true);
    const figures: Figure[] = [
      {
        name: `store memory, ${plain.series} series × ${SAMPLES} samples, all in`,
        value: plain.bytesPerSample,
        unit: 'bytes/sample',
        target: '≤ 10 bytes/sample',
        pass: plain.bytesPerSample <= 10,
      },
      info(`store memory with honoured explicit timestamps (cAdvisor), ${stamped.series} series × ${SAMPLES}`, stamped.bytesPerSample, 'bytes/sample'),
    ];
    return figures;
  },
};
