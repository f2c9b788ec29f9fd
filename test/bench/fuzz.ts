// The long fuzz run (security.md REL-08; `npm test` runs a short one): random bytes and mutations of
// real payloads, up to 10 KiB each (larger inputs are not generated, like Prometheus' fuzz
// maxInputSize), in both formats, strict and lenient. Only ParseError may be thrown, and parsing must
// take at most 50 ms per 10 KiB; the worst input is reported.
import fc from 'fast-check';
import { readFixtureBytes } from '../helpers/fixtures.js';
import { ScrapeDecoder } from '../../main/scrape/exposition/decoder.js';
import { ParseError, type ExpositionFormat } from '../../main/scrape/exposition/parser.js';
import { readSamples } from '../../main/scrape/exposition/samples.js';
import { info, type Suite } from './figure.js';

const DURATION_MS = 30_000;
const MAX_INPUT = 10 * 1024;

export const fuzzSuite: Suite = {
  name: 'fuzz',
  async run() {
    const seeds = [
      readFixtureBytes('textparse', 'current', 'alltypes.5mfs.om.txt'),
      readFixtureBytes('textparse', 'legacy', 'promtestdata.txt').subarray(0, MAX_INPUT),
      readFixtureBytes('cadvisor', 'testdata', 'prometheus_machine_metrics.txt').subarray(0, MAX_INPUT),
      readFixtureBytes('kube-state-metrics', 'ksm-v2.19.0_k8s-1.35_minikube.prom').subarray(0, MAX_INPUT),
    ];
    const mutation = fc.tuple(fc.nat(), fc.constantFrom('flip', 'insert', 'delete', 'duplicate'), fc.integer({ min: 0, max: 255 }));
    const input = fc.oneof(
      fc.uint8Array({ maxLength: MAX_INPUT }),
      fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 16 })).map(([seed, mutations]) => {
        const bytes = [...seeds[seed]];
        for (const [at, kind, byte] of mutations) {
          const index = at % (bytes.length + 1);
          if (kind === 'flip') bytes[Math.min(index, bytes.length - 1)] = byte;
          else if (kind === 'insert') bytes.splice(index, 0, byte);
          else if (kind === 'delete') bytes.splice(index, 1);
          else bytes.splice(index, 0, ...bytes.slice(index, index + 64));
        }
        return new Uint8Array(bytes.slice(0, MAX_INPUT));
      }),
    );
    let inputs = 0;
    let crashes = 0;
    let firstCrash = '';
    let worstMsPer10KiB = 0;
    let worstInput = '';
    const deadline = Date.now() + DURATION_MS;
    while (Date.now() < deadline) {
      for (const [bytes, format] of fc.sample(fc.tuple(input, fc.constantFrom<ExpositionFormat>('text', 'openmetrics')), 200)) {
        inputs++;
        const runAll = () => {
          const started = performance.now();
          for (const run of [
            () => readSamples(bytes, format, { strict: true }),
            () => readSamples(bytes, format),
            () => new ScrapeDecoder().decode(bytes, format),
          ]) {
            try {
              run();
            } catch (error) {
              if (!(error instanceof ParseError)) {
                crashes++;
                firstCrash ||= error instanceof Error ? error.message : String(error);
              }
            }
          }
          return (performance.now() - started) / 3;
        };
        const perTenKiB = (ms: number) => (ms * MAX_INPUT) / Math.max(bytes.length, 1024);
        let ms = runAll();
        // A slow first run may be a GC pause or JIT work on a loaded machine: an input counts as
        // slow only if it is slow every time (the best of three more runs).
        if (perTenKiB(ms) > 10) ms = Math.min(ms, runAll(), runAll(), runAll());
        if (perTenKiB(ms) > worstMsPer10KiB) {
          worstMsPer10KiB = perTenKiB(ms);
          worstInput = `${bytes.length} bytes, ${format}`;
        }
      }
    }
    return [
      info('fuzz inputs (≤ 10 KiB, text and OpenMetrics, strict and lenient)', inputs, 'inputs'),
      { name: `fuzz: errors other than ParseError${firstCrash ? ` (first: ${firstCrash})` : ''}`, value: crashes, unit: 'errors', target: '0', pass: crashes === 0 },
      { name: `fuzz: slowest parse (${worstInput})`, value: worstMsPer10KiB, unit: 'ms per 10 KiB', target: '≤ 50 ms per 10 KiB', pass: worstMsPer10KiB <= 50 },
    ];
  },
};
