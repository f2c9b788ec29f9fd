// Oracle test against real Prometheus (Debian 2.42): every real exporter payload — the shared
// fixtures and live captures of Debian's node-exporter, nginx exporter and pushgateway — is served
// from 127.0.0.1; one Prometheus process scrapes them all (one job each, honor_timestamps: false),
// and every series it stored is read back with /api/v1/query {job="…"}. Slicewise decodes the same
// bytes into a SeriesStore with the same target labels, and both must hold the same series with the
// same values (NaN and ±Inf compared as Prometheus spells them).
//
// Prometheus 2.42 semantics that shape the comparison, asserted rather than hidden:
// - it adds job and instance and renames clashing scraped labels to exported_* (pushgateway's job);
// - labels with empty values do not exist (cAdvisor's container="" etc.);
// - a repeated series in one scrape keeps its first sample;
// - OpenMetrics `_created` samples are stored as ordinary series (`foo_created`), and exemplars are
//   dropped; the OM test payload has both, and the test checks the _created series are there;
// - it adds its own up / scrape_* series; Slicewise's up, scrape_samples_scraped are compared too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFixtureBytes, listFixtures } from '../../helpers/fixtures.js';
import { startMetricsServer, type MetricsServer } from '../../helpers/metrics-server.js';
import { startNginxExporter, startNodeExporter, startPrometheus, startPushgateway, type Running } from '../../helpers/debian-exporters.js';
import { ScrapeDecoder } from '../../../main/scrape/exposition/decoder.js';
import { formatFromContentType, readSamples } from '../../../main/scrape/exposition/samples.js';
import { fetchScrapeBody } from '../../../main/scrape/fetch.js';
import { httpRequester } from '../../../main/scrape/requester.js';
import { SeriesStore } from '../../../main/store/series-store.js';

interface Payload {
  job: string;
  source: string;
  body: Buffer;
  contentType: string;
}

const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const PROMETHEUS_SYNTHETIC = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added']);

const PUSHED = {
  batch: `# HELP batch_duration_seconds How long the batch took.
# TYPE batch_duration_seconds histogram
batch_duration_seconds_bucket{le="0.5"} 1
batch_duration_seconds_bucket{le="+Inf"} 3
batch_duration_seconds_sum 4.25
batch_duration_seconds_count 3
# TYPE batch_records_total counter
batch_records_total{table="orders",note="quote \\" and \\\\ and \\n"} 1234
batch_last_success_timestamp_seconds 1.7e+09
`,
};

function fixturePayloads(): Payload[] {
  const files: [string[], string][] = [
    ...listFixtures('cadvisor', 'kubelet').map((file): [string[], string] => [['cadvisor', 'kubelet', file], TEXT]),
    ...listFixtures('cadvisor', 'testdata').map((file): [string[], string] => [['cadvisor', 'testdata', file], TEXT]),
    ...listFixtures('cadvisor', 'issue-snippets').map((file): [string[], string] => [['cadvisor', 'issue-snippets', file], TEXT]),
    ...listFixtures('node_exporter').map((file): [string[], string] => [['node_exporter', file], TEXT]),
    ...listFixtures('kube-state-metrics').map((file): [string[], string] => [['kube-state-metrics', file], TEXT]),
    [['exporters', 'nginx', 'nginx-prometheus-exporter_stub-status_tailormap-pr138.prom'], TEXT],
    [['exporters', 'metallb', 'metallb-v0.9.3_controller_issue622_snippet.prom'], TEXT],
    [['textparse', 'current', 'alltypes.237mfs.prom.txt'], TEXT],
    [['textparse', 'current', 'alltypes.237mfs.nometa.prom.txt'], TEXT],
    [['textparse', 'legacy', 'promtestdata.txt'], TEXT],
    [['textparse', 'legacy', 'promtestdata.nometa.txt'], TEXT],
    [['textparse', 'current', 'alltypes.5mfs.om.txt'], OPENMETRICS],
    [['textparse', 'current', '1histogram.om.txt'], OPENMETRICS],
  ];
  return files.map(([parts, contentType], i) => ({ job: `fixture${i}`, source: parts.join('/'), body: readFixtureBytes(...parts), contentType }));
}

/** `name{a="1",…}` with all labels (incl. __name__) sorted: one key for both sides. */
function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.keys(labels).sort().map((name) => [name, labels[name]]));
}

/** A float as Prometheus' API prints it, for comparing NaN and infinities by spelling. */
function promSpelling(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function fromPromString(value: string): string {
  return value === 'NaN' || value === '+Inf' || value === '-Inf' ? value : String(Number(value));
}

let live: Running[] = [];
let payloadServer: MetricsServer;
let prometheus: Running;
let payloads: Payload[] = [];

async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const url = `${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}&time=${Date.now() / 1000}`;
  const response = await fetch(url);
  const body = (await response.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (body.status !== 'success') throw new Error(`query ${expr} failed: ${JSON.stringify(body)}`);
  return body.data.result;
}

beforeAll(async () => {
  const nodeExporter = await startNodeExporter();
  const nginx = await startNginxExporter();
  const pushgateway = await startPushgateway(PUSHED);
  live = [nodeExporter, nginx, pushgateway];
  payloads = fixturePayloads();
  for (const [name, service] of [['node-exporter', nodeExporter], ['nginx-exporter', nginx], ['pushgateway', pushgateway]] as const) {
    const fetched = await fetchScrapeBody(httpRequester(`${service.url}/metrics`), { timeoutMs: 10_000, bodySizeBytes: 0 });
    payloads.push({ job: `live-${name}`, source: `live ${name} (${fetched.contentType})`, body: Buffer.from(fetched.bytes), contentType: fetched.contentType ?? TEXT });
  }
  payloadServer = await startMetricsServer(
    Object.fromEntries(
      payloads.map((payload) => [`/p/${payload.job}`, (_request, response) => response.writeHead(200, { 'Content-Type': payload.contentType }).end(payload.body)]),
    ),
  );
  prometheus = await startPrometheus(
    payloads
      .map(
        (payload) =>
          `  - job_name: ${payload.job}\n    honor_timestamps: false\n    metrics_path: /p/${payload.job}\n    static_configs:\n      - targets: ['127.0.0.1:${payloadServer.port}']\n`,
      )
      .join(''),
  );
  // Every job scraped once: `up` exists for each (the scrape's samples are committed with it).
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await query('up');
    if (up.length === payloads.length) {
      const down = up.filter((sample) => sample.value[1] !== '1').map((sample) => sample.metric.job);
      expect(down, 'Prometheus failed to scrape these payloads').toEqual([]);
      break;
    }
    if (Date.now() > deadline) throw new Error(`Prometheus scraped ${up.length} of ${payloads.length} payloads:\n${prometheus.processes[0].output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await payloadServer?.stop();
  for (const service of live) await service.stop();
});

describe('Slicewise parses real payloads as Prometheus 2.42 stores them', () => {
  it('covers the fixtures and three live exporters', () => {
    expect(payloads.length).toBeGreaterThanOrEqual(28);
    expect(payloads.filter((payload) => payload.job.startsWith('live-'))).toHaveLength(3);
  });

  // One test per payload, created after beforeAll has captured the live ones.
  const jobs: [string, string][] = [
    ...fixturePayloads().map((payload): [string, string] => [payload.job, payload.source]),
    ...['node-exporter', 'nginx-exporter', 'pushgateway'].map((name): [string, string] => [`live-${name}`, `live Debian ${name}`]),
  ];
  for (const [job, source] of jobs) {
    it(`${source}: same series and values`, async () => {
      const payload = payloads.find((candidate) => candidate.job === job)!;
      const instance = `127.0.0.1:${payloadServer.port}`;
      const format = formatFromContentType(payload.contentType);

      const theirs = new Map<string, string>();
      const theirSynthetic = new Map<string, string>();
      for (const sample of await query(`{job="${job}"}`)) {
        (PROMETHEUS_SYNTHETIC.has(sample.metric.__name__) ? theirSynthetic : theirs).set(
          PROMETHEUS_SYNTHETIC.has(sample.metric.__name__) ? sample.metric.__name__ : seriesKey(sample.metric),
          fromPromString(sample.value[1]),
        );
      }

      const store = new SeriesStore();
      const decoded = new ScrapeDecoder().decode(new Uint8Array(payload.body), format);
      store.appendScrape({
        targetId: job,
        targetLabels: { job, instance },
        tsMs: Date.now(),
        honorTimestamps: false,
        decoded,
        report: { up: 1, durationSeconds: 0, samplesScraped: decoded.samplesScraped },
      });
      const ours = new Map<string, string>();
      const series = store.select([]);
      const values = store.instant(series.map((ref) => ref.id));
      series.forEach((ref, i) => {
        if (['up', 'scrape_duration_seconds', 'scrape_samples_scraped'].includes(ref.labels.__name__)) return;
        ours.set(seriesKey(ref.labels), promSpelling(values[i]!.value));
      });

      const missing = [...theirs.keys()].filter((key) => !ours.has(key));
      const extra = [...ours.keys()].filter((key) => !theirs.has(key));
      expect(missing.slice(0, 5), `${missing.length} series Prometheus has and Slicewise lacks`).toEqual([]);
      expect(extra.slice(0, 5), `${extra.length} series Slicewise has and Prometheus lacks`).toEqual([]);
      const different = [...theirs].filter(([key, value]) => ours.get(key) !== value).map(([key, value]) => `${key}: ${value} vs ${ours.get(key)}`);
      expect(different.slice(0, 5), `${different.length} values differ`).toEqual([]);
      expect(ours.size).toBeGreaterThan(0);

      // Prometheus' scrape_samples_scraped counts every sample line, duplicates included, as ours does.
      expect(theirSynthetic.get('scrape_samples_scraped')).toBe(String(decoded.samplesScraped));
      expect(decoded.samplesScraped).toBe(readSamples(new Uint8Array(payload.body), format).length);
    });
  }

  it('Prometheus 2.42 keeps OpenMetrics _created samples as series, and so does Slicewise', async () => {
    const job = payloads.find((payload) => payload.source.endsWith('alltypes.5mfs.om.txt'))!.job;
    const created = await query(`{job="${job}",__name__=~".+_created"}`);
    expect(created.length).toBeGreaterThan(0);
    const ours = readSamples(new Uint8Array(payloads.find((payload) => payload.job === job)!.body), 'openmetrics').filter((sample) =>
      sample.name.endsWith('_created'),
    );
    expect(ours.length).toBe(created.length);
  });

  it('Prometheus renames the pushgateway job label to exported_job and drops its empty instance, as Slicewise does', async () => {
    const [sample] = await query('batch_records_total');
    expect(sample.metric).toEqual({
      __name__: 'batch_records_total',
      exported_job: 'batch',
      instance: `127.0.0.1:${payloadServer.port}`,
      job: 'live-pushgateway',
      note: 'quote " and \\ and \n',
      table: 'orders',
    });
  });
});
