import type { PromRangeResult, PromSeriesHistoryQuery, PrometheusConfigureArg, PrometheusStatus } from '../../preload/contract/index.js';
import type { PrometheusClient } from '../promql/client.js';
import { displayUrl, PrometheusConnection } from '../promql/connection.js';
import { directTransport } from '../promql/direct-transport.js';
import { autoStepMs, checkRange } from '../promql/range-step.js';
import { findInPrometheus } from '../promql/series-identity.js';
import type { PrometheusEndpoint, PrometheusSettings } from '../promql/settings.js';
import { ValueCell } from '../stream/value-cell.js';
import { AppError } from '../util/app-error.js';
import type { Disposable } from '../util/disposable.js';
import type { Logger } from '../util/log.js';
import { ClusterSession } from './cluster-session.js';
import type { Session } from './session.js';

const NO_SESSION: PrometheusStatus = { state: 'none', message: 'Open a context to look for its Prometheus.' };

/** The key a session's Prometheus settings are remembered under. */
function settingsKey(session: Session): string {
  return session.kind === 'local' ? '(this machine)' : session.name;
}

/**
 * The Prometheus of whichever session is open: one `PrometheusConnection` per session, built from
 * the user's endpoint for that context (settings) or by looking in the cluster, dropped with the
 * session, so context B never queries A's Prometheus. `status` follows the current connection.
 */
export class SessionPrometheus implements Disposable {
  readonly status = new ValueCell<PrometheusStatus>(NO_SESSION);
  readonly #settings: PrometheusSettings;
  readonly #log: Logger;
  readonly #current: ValueCell<Session | null>;
  readonly #subscription: Disposable;
  #session: Session | null = null;
  #connection: PrometheusConnection | null = null;
  #statusSubscription: Disposable | null = null;

  constructor(current: ValueCell<Session | null>, options: { settings: PrometheusSettings; log: Logger }) {
    this.#settings = options.settings;
    this.#log = options.log;
    this.#current = current;
    this.#subscription = current.subscribe((session) => this.#follow(session));
  }

  /** The connected client of the current session, or null. */
  client(): PrometheusClient | null {
    return this.#connection?.client() ?? null;
  }

  /**
   * Sets the current context's endpoint (absent `url`: look in the cluster again), reconnects and
   * resolves with the status after the first check. The URL is checked for form before anything
   * is saved; the token stays in memory (`PrometheusSettings`).
   */
  async configure(arg: PrometheusConfigureArg): Promise<PrometheusStatus> {
    const session = this.#current.value;
    if (!session) throw new AppError('bad-request', 'Open a context first; a Prometheus URL is remembered per context.');
    const key = settingsKey(session);
    if (arg.url === undefined || arg.url.trim() === '') {
      this.#settings.set(key, undefined);
    } else {
      const url = arg.url.trim();
      // Throws the URL's own problem (not a URL, credentials in it, another scheme) in words.
      directTransport(url, { insecureSkipTlsVerify: arg.insecureSkipTlsVerify });
      const previous = this.#settings.get(key);
      const bearerToken = arg.bearerToken === undefined ? (previous?.url === url ? previous.bearerToken : undefined) : arg.bearerToken;
      const endpoint: PrometheusEndpoint = { url, ...(arg.orgId ? { orgId: arg.orgId } : {}), ...(arg.insecureSkipTlsVerify ? { insecureSkipTlsVerify: true } : {}), ...(bearerToken ? { bearerToken } : {}) };
      this.#settings.set(key, endpoint);
    }
    this.#follow(session, true);
    await this.#connection?.start();
    return this.status.value;
  }

  /** Looks again now (the "check again" button). */
  async recheck(): Promise<PrometheusStatus> {
    await this.#connection?.recheck();
    return this.status.value;
  }

  dispose(): void {
    void this.#subscription.dispose();
    this.#drop();
  }

  #drop(): void {
    void this.#statusSubscription?.dispose();
    this.#statusSubscription = null;
    this.#connection?.dispose();
    this.#connection = null;
  }

  #follow(session: Session | null, force = false): void {
    if (session === this.#session && !force) return;
    this.#drop();
    this.#session = session;
    if (!session) {
      this.status.set(NO_SESSION);
      return;
    }
    const endpoint = this.#settings.get(settingsKey(session));
    const connection = new PrometheusConnection({
      endpoint,
      cluster: session instanceof ClusterSession ? { client: session.client, forwards: session.forwards, cache: session.cache } : undefined,
      log: this.#log,
    });
    this.#connection = connection;
    const configured: PrometheusStatus['configured'] = endpoint
      ? { url: displayUrl(endpoint.url), ...(endpoint.orgId ? { orgId: endpoint.orgId } : {}), ...(endpoint.insecureSkipTlsVerify ? { insecureSkipTlsVerify: true } : {}), hasToken: !!endpoint.bearerToken }
      : undefined;
    this.#statusSubscription = connection.status.subscribe((status) => this.status.set(configured ? { ...status, configured } : status));
    if (!force) void connection.start();
  }
}

/**
 * History for any view: `expr` over `[startMs, endMs]` from the session's Prometheus (step chosen
 * for about 250 points when not given). Throws `unavailable` in words when none is connected, so a
 * view can offer the longer range only when this works. See the report in issue 7 for how a view
 * builds `expr` with the same labels as its live series.
 */
export async function queryHistory(
  prometheus: { client(): PrometheusClient | null },
  query: { expr: string; startMs: number; endMs: number; stepMs?: number },
  signal?: AbortSignal,
): Promise<PromRangeResult> {
  const client = prometheus.client();
  if (!client) throw new AppError('unavailable', 'No Prometheus is connected for this context, so there is no history beyond the live window.', { hint: 'The Explorer shows how Prometheus was looked for; you can give its URL there.' });
  const stepMs = query.stepMs ?? autoStepMs(query.startMs, query.endMs);
  checkRange(query.startMs, query.endMs, stepMs);
  const result = await client.queryRange(query.expr, query.startMs, query.endMs, stepMs, signal);
  return { ...result, source: 'prometheus', stepMs, totalSeries: result.series.length };
}

/** PromQL duration for a window: whole seconds where possible (every Prometheus-compatible API reads those), else ms. */
function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${Math.round(ms)}ms`;
}

/**
 * History of a series a view shows live (the store's `seriesId`, or its target and labels): found
 * in Prometheus by its exporter labels and node (series-identity.ts), then charted over the range,
 * as `fn(…[windowMs])` when given. The result's `expr` is what ran; a note says when Prometheus holds
 * several series the live one cannot be told apart from.
 */
export async function querySeriesHistory(prometheus: { client(): PrometheusClient | null }, session: Session, query: PromSeriesHistoryQuery, signal?: AbortSignal): Promise<PromRangeResult> {
  const client = prometheus.client();
  if (!client) throw new AppError('unavailable', 'No Prometheus is connected for this context, so there is no history beyond the live window.', { hint: 'The Explorer shows how Prometheus was looked for; you can give its URL there.' });
  let labels: Record<string, string>;
  let targetId: string;
  if (query.seriesId !== undefined) {
    const ref = session.store.series(query.seriesId);
    if (!ref) throw new AppError('not-found', 'That series is no longer in the store; pick it again.');
    labels = { ...ref.labels };
    targetId = ref.targetId;
  } else if (query.targetId !== undefined && query.labels) {
    labels = Object.fromEntries(query.labels);
    targetId = query.targetId;
  } else {
    throw new AppError('bad-request', 'Give the series’ seriesId, or its targetId and labels.');
  }
  const target = session.targets.value.find((candidate) => candidate.id === targetId);
  if (!target) throw new AppError('not-found', 'The target of that series is no longer discovered.');
  const found = await findInPrometheus(client, { labels, targetLabels: target.labels, node: target.node }, { startMs: query.startMs, endMs: query.endMs }, signal);
  const expr = query.fn ? `${query.fn}(${found.selector}[${duration(query.windowMs ?? 60_000)}])` : found.selector;
  const result = await queryHistory(prometheus, { expr, startMs: query.startMs, endMs: query.endMs, stepMs: query.stepMs }, signal);
  const notes = found.matched > 1 ? [`Prometheus holds ${found.matched} series with these labels (several jobs may scrape the same target); all are shown.`] : [];
  return { ...result, expr, ...(notes.length ? { notes: [...(result.notes ?? []), ...notes] } : {}) };
}
