// The parse worker as bundled (out/main/parse-worker.cjs after `npm run build`): it decodes like the
// inline path, keeps each target's series-key cache, transfers columns, and carries ParseError and
// LimitError across the thread boundary with their details.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFixtureBytes } from '../../helpers/fixtures.js';
import { parseWorkerBundle } from '../../helpers/parse-worker-bundle.js';
import { startMetricsServer, textRoute } from '../../helpers/metrics-server.js';
import { readAnnounced } from '../../../main/scrape/exposition/decoder.js';
import { DEFAULT_LIMITS, LimitError } from '../../../main/scrape/limits.js';
import { ParseError } from '../../../main/scrape/exposition/parser.js';
import { InlineParseRunner, WorkerParseRunner, createParseRunner, type DecodeJob } from '../../../main/scrape/parse-runner.js';
import { ScrapePool } from '../../../main/scrape/pool.js';
import { httpRequester } from '../../../main/scrape/requester.js';
import { SeriesStore } from '../../../main/store/series-store.js';

let bundle: Awaited<ReturnType<typeof parseWorkerBundle>>;
beforeAll(async () => {
  bundle = await parseWorkerBundle();
});
afterAll(() => bundle?.remove());

const dump = () => new Uint8Array(readFixtureBytes('cadvisor', 'kubelet', 'k8s-1.20_minikube-vm_docker-20.10.8_systemd_cgroupv1.prom'));
const job = (bytes: Uint8Array, targetId = 'kubelet'): DecodeJob => ({ targetId, bytes, format: 'text', limits: DEFAULT_LIMITS, targetLabelCount: 2 });

describe('parse worker bundle', () => {
  it('decodes like the inline parser, caches per target and transfers the body', async () => {
    const worker = new WorkerParseRunner(bundle.path);
    const inline = new InlineParseRunner();
    try {
      const expected = await inline.decode(job(dump()));
      const bytes = dump();
      const first = await worker.decode(job(bytes));
      expect(bytes.byteLength).toBe(0); // transferred, not copied
      expect(first.count).toBe(expected.count);
      const table: string[] = [];
      expect(readAnnounced(first.announced, table)).toEqual(readAnnounced(expected.announced, []));
      expect(Array.from(first.values.subarray(0, first.count))).toEqual(Array.from(expected.values.subarray(0, expected.count)));
      expect(Array.from(first.timestampsMs.subarray(0, first.count))).toEqual(Array.from(expected.timestampsMs.subarray(0, expected.count)));
      expect(first.families).toEqual(expected.families);

      const second = await worker.decode(job(dump()));
      expect(readAnnounced(second.announced, table)).toEqual([]);
      expect(second.epoch).toBe(first.epoch);
      expect(Array.from(second.refs.subarray(0, second.count))).toEqual(Array.from(first.refs.subarray(0, first.count)));

      worker.forget('kubelet');
      const fresh = await worker.decode(job(dump()));
      expect(fresh.epoch).not.toBe(first.epoch);
      expect(readAnnounced(fresh.announced, [])).toHaveLength(first.count);
    } finally {
      await worker.dispose();
      await inline.dispose();
    }
  });

  it('rejects with ParseError and LimitError carrying line, column and limit', async () => {
    const worker = new WorkerParseRunner(bundle.path);
    try {
      const bad = new TextEncoder().encode('ok 1\nbad{a="1",a="2"} 1\n');
      const parseError = await worker.decode(job(bad, 'bad')).catch((error: unknown) => error);
      expect(parseError).toBeInstanceOf(ParseError);
      expect(parseError).toMatchObject({ line: 2, column: 11, message: 'duplicate label name "a"' });
      const limited = await worker
        .decode({ ...job(new TextEncoder().encode('a 1\nb 2\nc 3\n'), 'limited'), limits: { ...DEFAULT_LIMITS, samples: 2 } })
        .catch((error: unknown) => error);
      expect(limited).toBeInstanceOf(LimitError);
      expect(limited).toMatchObject({ limit: 'sample_limit', message: 'the target exposes more than 2 samples (sample_limit)' });
    } finally {
      await worker.dispose();
    }
  });

  it('runs a scrape pool end to end', async () => {
    const server = await startMetricsServer({ '/metrics': textRoute('answer 42\n') });
    const store = new SeriesStore();
    const runner = createParseRunner({ workerPath: bundle.path });
    const pool = new ScrapePool(store, { runner, firstScrape: 'immediate' });
    try {
      expect(pool.parserKind).toBe('worker');
      const reported = new Promise((resolve) => pool.onHealthChange(resolve));
      await pool.sync([
        { id: 'w', labels: { job: 'w' }, intervalMs: 5000, timeoutMs: 2000, honorTimestamps: true, requester: httpRequester(server.url('/metrics')) },
      ]);
      expect(await reported).toMatchObject({ targetId: 'w', health: 'up', lastSamples: 1 });
      const [series] = store.select([{ name: '__name__', op: '=', value: 'answer' }]);
      expect(store.instant([series.id])[0]?.value).toBe(42);
    } finally {
      await pool.dispose();
      await runner.dispose();
      await server.stop();
    }
  });

  it('falls back to parsing inline when no bundled worker is next to the code (TypeScript sources)', () => {
    expect(createParseRunner().kind).toBe('inline');
    expect(createParseRunner({ workerPath: null }).kind).toBe('inline');
  });
});
