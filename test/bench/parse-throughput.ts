// Parse throughput, MB/s (10^6 bytes), on the four real kubelet cAdvisor dumps and on ~10 MB and
// ~50 MB cAdvisor-like payloads built from the newest one, side by side in one run:
// - Slicewise, first scrape (a fresh decoder: every series is new) and repeat scrape (the same
//   series with new values and timestamps, through the series-key cache);
// - parse-prometheus-text-format 1.1.1 (the npm parser DESIGN.md measured);
// - a bare `split('\n')` + `indexOf` line scan (toolchain.md §4 case b), the speed of light.
// Targets (issue 4): repeat-scrape parsing ≥ 15× parse-prometheus-text-format and ≥ 0.2× the bare scan.
// All inputs are strings already in memory, as the baselines take strings; Slicewise from bytes
// (including UTF-8 decoding) is reported separately.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { KUBELET_DUMPS, readFixture } from '../helpers/fixtures.js';
import { ScrapeDecoder } from '../../main/scrape/exposition/decoder.js';
import { cadvisorLikePayload, revaluePayload } from './payloads.js';
import { forceGc, info, interleavedMedianMs, mbPerSecond, median, type Figure, type Suite } from './figure.js';

/** toolchain.md §4 case (b): split into lines, then find braces and the first blank per line. */
export function bareScan(text: string): number {
  let checksum = 0;
  for (const line of text.split('\n')) checksum += line.indexOf('{') + line.lastIndexOf('}') + line.indexOf(' ');
  return checksum;
}

interface Case {
  name: string;
  texts: [string, string];
}

function runsFor(bytes: number): number {
  return bytes > 20e6 ? 5 : bytes > 5e6 ? 15 : 25;
}

/** Warm-up runs: enough for the JIT to settle on the repeat path (about 100 MB of input). */
function warmupFor(bytes: number): number {
  return Math.max(3, Math.ceil(100e6 / bytes));
}

async function measure(testCase: Case): Promise<Figure[]> {
  const [a, b] = testCase.texts;
  const bytes = a.length;
  const runs = runsFor(bytes);

  // First scrape: a fresh decoder each time; garbage from the previous run collected first.
  const firstTimes: number[] = [];
  for (let i = 0; i < Math.min(runs, 7); i++) {
    await forceGc();
    const started = performance.now();
    new ScrapeDecoder().decode(i % 2 ? b : a, 'text');
    firstTimes.push(performance.now() - started);
  }
  const firstMs = median(firstTimes);
  await forceGc();

  // Repeat scrape (one warm decoder, two value sets of the same series), from strings and from
  // bytes, the bare scan and parse-prometheus-text-format, interleaved so that they share the load.
  const decoder = new ScrapeDecoder();
  decoder.decode(a, 'text');
  const bytesA = new TextEncoder().encode(a);
  const bytesB = new TextEncoder().encode(b);
  const fromBytes = new ScrapeDecoder();
  fromBytes.decode(bytesA, 'text');
  let flip = 0;
  for (let i = 0; i < warmupFor(bytes); i++) {
    decoder.decode(flip++ % 2 ? a : b, 'text');
    fromBytes.decode(flip % 2 ? bytesA : bytesB, 'text');
    bareScan(a);
  }
  const ppfEvery = bytes > 20e6 ? runs : bytes > 5e6 ? 3 : 4;
  const [repeatMs, repeatBytesMs, bareMs, ppfMs] = interleavedMedianMs(
    [
      { fn: () => decoder.decode(flip++ % 2 ? a : b, 'text') },
      { fn: () => fromBytes.decode(flip % 2 ? bytesA : bytesB, 'text') },
      { fn: () => bareScan(a) },
      { fn: () => parsePrometheusTextFormat(a), every: ppfEvery },
    ],
    runs,
    0,
  );

  const repeat = mbPerSecond(bytes, repeatMs);
  const ppf = mbPerSecond(bytes, ppfMs);
  const bare = mbPerSecond(bytes, bareMs);
  const label = `${testCase.name} (${(bytes / 1e6).toFixed(1)} MB)`;
  return [
    {
      name: `parse ${label}: repeat scrape vs parse-prometheus-text-format`,
      value: repeat,
      unit: 'MB/s',
      baseline: ppf,
      ratio: repeat / ppf,
      target: '≥ 15× parse-prometheus-text-format',
      pass: repeat / ppf >= 15,
    },
    {
      name: `parse ${label}: repeat scrape vs bare line scan`,
      value: repeat,
      unit: 'MB/s',
      baseline: bare,
      ratio: repeat / bare,
      target: '≥ 0.2× bare split+indexOf scan',
      pass: repeat / bare >= 0.2,
    },
    info(`parse ${label}: first scrape`, mbPerSecond(bytes, firstMs), 'MB/s', { baseline: ppf, ratio: mbPerSecond(bytes, firstMs) / ppf }),
    info(`parse ${label}: repeat scrape from UTF-8 bytes (decoding included)`, mbPerSecond(bytes, repeatBytesMs), 'MB/s'),
  ];
}

export const parseThroughputSuite: Suite = {
  name: 'parse-throughput',
  async run() {
    const figures: Figure[] = [];
    for (const dump of KUBELET_DUMPS) {
      const text = readFixture('cadvisor', 'kubelet', dump);
      figures.push(...(await measure({ name: dump.replace(/\.prom$/, ''), texts: [text, revaluePayload(text, 1)] })));
    }
    const source = readFixture('cadvisor', 'kubelet', KUBELET_DUMPS[0]);
    for (const size of [10e6, 50e6]) {
      figures.push(...(await measure({ name: `cAdvisor-like ${size / 1e6} MB`, texts: [cadvisorLikePayload(source, size, 0), cadvisorLikePayload(source, size, 1)] })));
      await forceGc();
    }
    return figures;
  },
};
