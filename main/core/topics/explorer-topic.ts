import type { CatalogFamilyDetail, CatalogPayload, CatalogQuery, PromInstantAnswer, PromInstantResult, PromRangeResult, PromQuerySource } from '../../../preload/contract/index.js';
import { buildCatalog, familyDetail, searchCatalog, summarizeLabels, type Catalog, type CatalogTarget, type PrometheusNames } from '../../model/catalog.js';
import type { PrometheusClient } from '../../promql/client.js';
import { localInstantQuery, localLabelNames, localLabelValues, localMetadata, localRangeQuery } from '../../promql/local-query.js';
import { autoStepMs, checkRange } from '../../promql/range-step.js';
import type { ValueCell } from '../../stream/value-cell.js';
import { AppError } from '../../util/app-error.js';
import { toDisposable, type Disposable } from '../../util/disposable.js';
import type { ApiHandlers, TopicProviders } from '../dispatch.js';
import type { Session } from '../session.js';
import { querySeriesHistory, type SessionPrometheus } from '../session-prometheus.js';

/** A catalog is rebuilt at most this often while someone looks at it (ms)… */
const CATALOG_MIN_AGE_MS = 2000;
/** …and at most once per this many times its last build took: 100k series take ~90 ms here, so 2 s; a slow build spaces out. */
const CATALOG_BUILD_SHARE = 20;
/** Label names and values from the store are kept this long for completion, which asks on every keystroke (ms). */
const LOCAL_COMPLETION_MAX_AGE_MS = 5000;
/** Prometheus' metric names are fetched again after this long (ms). */
const PROMETHEUS_NAMES_MAX_AGE_MS = 2 * 60_000;
/** Series fetched from Prometheus for the details of a name the store does not hold. */
const REMOTE_DETAIL_SERIES = 5000;

function requireSession(current: ValueCell<Session | null>): Session {
  const session = current.value;
  if (!session) throw new AppError('unavailable', 'No context is open; choose one (or this machine) first.');
  return session;
}

/** The session's targets as the catalog groups them; this machine's targets count as cAdvisor and node-exporter. */
function catalogTargets(session: Session): CatalogTarget[] {
  const targets: CatalogTarget[] = [];
  for (const target of session.targets.value) {
    let source = target.source;
    if (source === 'local') source = (target.node ? session.targetsOfNode(target.node) : []).find((entry) => entry.targetId === target.id)?.source ?? 'application';
    if (source === 'local') continue;
    targets.push({ id: target.id, source, labels: target.labels });
  }
  return targets;
}

interface NamesEntry {
  client: PrometheusClient;
  names: PrometheusNames | null;
  fetchedMs: number;
}

/**
 * The catalog of the open session, shared by every subscriber and the `explorer.family` call,
 * rebuilt when older than CATALOG_MIN_AGE_MS. Names only Prometheus knows are fetched in the
 * background through the (cached) client and join at the next build.
 */
class CatalogSource {
  #session: Session | null = null;
  #catalog: Catalog | null = null;
  #buildMs = 0;
  #names: NamesEntry | null = null;
  readonly #listeners = new Set<() => void>();

  constructor(private readonly prometheus: SessionPrometheus) {}

  catalogFor(session: Session): Catalog {
    const now = Date.now();
    if (this.#session !== session || !this.#catalog || now - this.#catalog.builtMs >= this.minAgeMs) {
      this.#session = session;
      const started = performance.now();
      this.#catalog = buildCatalog(session.store, catalogTargets(session), { nowMs: now, prometheus: this.#prometheusNames() ?? undefined });
      this.#buildMs = performance.now() - started;
    }
    return this.#catalog;
  }

  /** How long a built catalog is reused (ms). */
  get minAgeMs(): number {
    return Math.max(CATALOG_MIN_AGE_MS, CATALOG_BUILD_SHARE * this.#buildMs);
  }

  /** Told when Prometheus' names arrive, so topics can emit again. */
  onNames(listener: () => void): Disposable {
    this.#listeners.add(listener);
    return toDisposable(() => {
      this.#listeners.delete(listener);
    });
  }

  #prometheusNames(): PrometheusNames | null {
    const client = this.prometheus.client();
    if (!client) return null;
    const entry = this.#names;
    if (entry && entry.client === client && (entry.names === null || Date.now() - entry.fetchedMs < PROMETHEUS_NAMES_MAX_AGE_MS)) return entry.names;
    const next: NamesEntry = { client, names: entry?.client === client ? entry.names : null, fetchedMs: Date.now() };
    this.#names = next;
    void Promise.all([client.labelValues('__name__'), client.metadata().catch(() => ({}))]).then(
      ([names, metadata]) => {
        if (this.#names !== next) return;
        next.names = { names, metadata };
        // An empty list is a Prometheus that has not scraped yet: ask again soon.
        next.fetchedMs = names.length > 0 ? Date.now() : Date.now() - PROMETHEUS_NAMES_MAX_AGE_MS + 15_000;
        if (this.#catalog) this.#catalog = { ...this.#catalog, builtMs: 0 };
        for (const listener of [...this.#listeners]) listener();
      },
      () => {
        // Prometheus could not list its names now; the connection notices failures, try later.
        next.fetchedMs = Date.now() - PROMETHEUS_NAMES_MAX_AGE_MS + 30_000;
      },
    );
    return next.names;
  }
}

/** The payload without its build time, to skip sending what the subscriber already has. */
function sameCatalog(a: CatalogPayload, b: CatalogPayload | null): boolean {
  return b !== null && JSON.stringify({ ...a, builtMs: 0 }) === JSON.stringify({ ...b, builtMs: 0 });
}

function catalogTopic(current: ValueCell<Session | null>, source: CatalogSource, query: CatalogQuery, emit: (payload: CatalogPayload) => void): Disposable {
  const empty: CatalogPayload = { groups: [], totalFamilies: 0, matched: 0, shown: 0, builtMs: 0 };
  let inner: Disposable | null = null;
  const outer = current.subscribe((session) => {
    void inner?.dispose();
    inner = null;
    if (!session) {
      emit(empty);
      return;
    }
    let last: CatalogPayload | null = null;
    let timer: NodeJS.Timeout | null = null;
    let lastRunMs = 0;
    let stopped = false;
    const run = () => {
      timer = null;
      if (stopped) return;
      lastRunMs = Date.now();
      const payload = searchCatalog(source.catalogFor(session), query);
      if (sameCatalog(payload, last)) return;
      last = payload;
      emit(payload);
    };
    const schedule = () => {
      if (timer || stopped) return;
      timer = setTimeout(run, Math.max(0, source.minAgeMs - (Date.now() - lastRunMs)));
    };
    const subscriptions = [session.store.onAppend(schedule), session.targets.subscribe(schedule), source.onNames(schedule)];
    run();
    inner = toDisposable(() => {
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const subscription of subscriptions) void subscription.dispose();
    });
  });
  return toDisposable(() => {
    void inner?.dispose();
    void outer.dispose();
  });
}

/** Completion answers from the store, per session, for LOCAL_COMPLETION_MAX_AGE_MS (a scan of 100k series takes ~100 ms). */
class LocalCompletions {
  readonly #entries = new Map<string, { session: Session; atMs: number; value: string[] }>();

  get(session: Session, key: string, compute: () => string[]): string[] {
    const now = Date.now();
    const hit = this.#entries.get(key);
    if (hit && hit.session === session && now - hit.atMs < LOCAL_COMPLETION_MAX_AGE_MS) return hit.value;
    const value = compute();
    if (this.#entries.size > 200) this.#entries.clear();
    this.#entries.set(key, { session, atMs: now, value });
    return value;
  }
}

/** Who answers: `auto` is Prometheus when connected, else the store; `prometheus` without one is an error in words. */
function chooseSource(prometheus: SessionPrometheus, wanted: PromQuerySource | 'auto' | undefined): { source: 'prometheus'; client: PrometheusClient } | { source: 'local' } {
  const client = prometheus.client();
  if (wanted === 'local' || (wanted !== 'prometheus' && !client)) return { source: 'local' };
  if (!client) {
    const status = prometheus.status.value;
    throw new AppError('unavailable', `No Prometheus is connected for this context${status.message ? `: ${status.message}` : '.'}`, { hint: 'Query the live store instead, or give a Prometheus URL in the Explorer.' });
  }
  return { source: 'prometheus', client };
}

function capInstant(result: PromInstantResult, maxSeries: number): { result: PromInstantResult; total?: number } {
  if (result.resultType === 'vector' && result.samples.length > maxSeries) return { result: { ...result, samples: result.samples.slice(0, maxSeries) }, total: result.samples.length };
  if (result.resultType === 'matrix' && result.series.length > maxSeries) return { result: { ...result, series: result.series.slice(0, maxSeries) }, total: result.series.length };
  return { result };
}

/** Details of a name only Prometheus holds, from its series API over the last 5 minutes. */
async function remoteFamilyDetail(client: PrometheusClient, name: string): Promise<CatalogFamilyDetail | undefined> {
  const nowMs = Date.now();
  const [series, metadata] = await Promise.all([client.series([name], nowMs - 5 * 60_000, nowMs), client.metadata(name).catch(() => ({}) as Record<string, never>)]);
  if (series.length === 0 && !metadata[name]) return undefined;
  const kept = series.slice(0, REMOTE_DETAIL_SERIES);
  const meta = metadata[name]?.[0];
  return {
    name,
    type: meta?.type ?? 'unknown',
    help: meta?.help ?? '',
    unit: meta?.unit ?? '',
    seriesCount: series.length,
    seriesNames: [name],
    groups: [{ key: 'prometheus-only', title: 'Only in the connected Prometheus', selector: '', seriesCount: series.length }],
    labels: summarizeLabels(kept),
    examples: kept.slice(0, 5),
  };
}

/** The Explorer's calls: PromQL on Prometheus or the store, completion data, family details, the Prometheus endpoint. */
export function explorerHandlers(
  current: ValueCell<Session | null>,
  prometheus: SessionPrometheus,
): Pick<ApiHandlers, 'prometheus.configure' | 'prometheus.check' | 'promql.query' | 'promql.queryRange' | 'promql.seriesHistory' | 'promql.labelNames' | 'promql.labelValues' | 'promql.metadata' | 'explorer.family'> {
  const catalogs = catalogSourceOf(prometheus);
  const completions = new LocalCompletions();
  return {
    'prometheus.configure': (arg) => prometheus.configure(arg),
    'prometheus.check': () => prometheus.recheck(),
    'promql.query': async (arg): Promise<PromInstantAnswer> => {
      const session = requireSession(current);
      const chosen = chooseSource(prometheus, arg.source);
      const maxSeries = arg.maxSeries ?? 1000;
      if (chosen.source === 'local') {
        const local = localInstantQuery(session.store, arg.expr, arg.atMs, maxSeries);
        return { result: local.result, source: 'local', totalSeries: local.totalSeries, ...(local.notes.length ? { notes: local.notes } : {}) };
      }
      const capped = capInstant(await chosen.client.query(arg.expr, arg.atMs), maxSeries);
      return {
        result: capped.result,
        source: 'prometheus',
        ...(capped.total !== undefined ? { totalSeries: capped.total, notes: [`Showing ${maxSeries} of ${capped.total} series; narrow the query to see the others.`] } : {}),
      };
    },
    'promql.queryRange': async (arg): Promise<PromRangeResult> => {
      const session = requireSession(current);
      const stepMs = arg.stepMs ?? autoStepMs(arg.startMs, arg.endMs);
      checkRange(arg.startMs, arg.endMs, stepMs);
      const maxSeries = arg.maxSeries ?? 100;
      const chosen = chooseSource(prometheus, arg.source);
      if (chosen.source === 'local') return localRangeQuery(session.store, arg.expr, { startMs: arg.startMs, endMs: arg.endMs, stepMs }, maxSeries);
      const result = await chosen.client.queryRange(arg.expr, arg.startMs, arg.endMs, stepMs);
      const total = result.series.length;
      const notes = total > maxSeries ? [`Showing ${maxSeries} of ${total} series; narrow the query to see the others.`] : [];
      return { ...result, series: result.series.slice(0, maxSeries), source: 'prometheus', stepMs, totalSeries: total, ...(notes.length ? { notes } : {}) };
    },
    'promql.seriesHistory': (arg) => querySeriesHistory(prometheus, requireSession(current), arg),
    'promql.labelNames': async (arg) => {
      const session = requireSession(current);
      const client = prometheus.client();
      return client ? client.labelNames(arg.match ? { match: [arg.match] } : undefined) : completions.get(session, `names\u0000${arg.match ?? ''}`, () => localLabelNames(session.store, arg.match));
    },
    'promql.labelValues': async (arg) => {
      const session = requireSession(current);
      const client = prometheus.client();
      return client
        ? client.labelValues(arg.label, arg.match ? { match: [arg.match] } : undefined)
        : completions.get(session, `values\u0000${arg.label}\u0000${arg.match ?? ''}`, () => localLabelValues(session.store, arg.label, arg.match));
    },
    'promql.metadata': async (arg) => {
      const session = requireSession(current);
      const client = prometheus.client();
      return client ? client.metadata(arg.metric) : localMetadata(session.store, arg.metric);
    },
    'explorer.family': async (arg) => {
      const session = requireSession(current);
      const detail = familyDetail(session.store, catalogs.catalogFor(session), arg.name);
      if (detail) return detail;
      const client = prometheus.client();
      const remote = client ? await remoteFamilyDetail(client, arg.name) : undefined;
      if (remote) return remote;
      throw new AppError('not-found', `No metric named ${arg.name} in ${session.name}${client ? ' or its Prometheus' : ''}.`, { hint: 'Targets come and go; search the catalog again.' });
    },
  };
}

/** One catalog per core (keyed by its SessionPrometheus), shared by the topic and the calls. */
const catalogSources = new WeakMap<SessionPrometheus, CatalogSource>();
function catalogSourceOf(prometheus: SessionPrometheus): CatalogSource {
  let source = catalogSources.get(prometheus);
  if (!source) catalogSources.set(prometheus, (source = new CatalogSource(prometheus)));
  return source;
}

/** The Explorer's topics: the Prometheus status and the searchable catalog. */
export function explorerTopics(current: ValueCell<Session | null>, prometheus: SessionPrometheus): Pick<TopicProviders, 'prometheus.status' | 'explorer.catalog'> {
  const catalogs = catalogSourceOf(prometheus);
  return {
    'prometheus.status': (_params, emit) => prometheus.status.subscribe(emit),
    'explorer.catalog': (params, emit) => catalogTopic(current, catalogs, params ?? {}, emit),
  };
}
