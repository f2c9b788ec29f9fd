import type { PromBuildInfo, PromInstantResult, PromMetricMetadata, PromRangeResult, PromRangeSeries } from '../../preload/contract/dto/promql.js';
import { AppError } from '../util/app-error.js';

/** One HTTP exchange with a Prometheus-compatible API, whatever carries it (direct, proxy, forward). */
export interface PrometheusHttpResponse {
  status: number;
  contentType?: string;
  body: string;
}

export type PrometheusTransport = (
  pathAndQuery: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string; signal?: AbortSignal; timeoutMs: number },
) => Promise<PrometheusHttpResponse>;

/** What the explorer, the PromQL editor's completion and the history charts need from a Prometheus. */
export interface PrometheusClient {
  buildInfo(signal?: AbortSignal): Promise<PromBuildInfo>;
  query(expr: string, atMs?: number, signal?: AbortSignal): Promise<PromInstantResult>;
  queryRange(expr: string, startMs: number, endMs: number, stepMs: number, signal?: AbortSignal): Promise<PromRangeResult>;
  /** Label names, of the series matching `match` when given (Prometheus ≥ 2.24 accepts `match[]` here). */
  labelNames(scope?: SeriesScope, signal?: AbortSignal): Promise<string[]>;
  /** Values of `label`, of the series matching `match` when given; `__name__` gives metric names. */
  labelValues(label: string, scope?: SeriesScope, signal?: AbortSignal): Promise<string[]>;
  series(matchers: string[], startMs: number, endMs: number, signal?: AbortSignal): Promise<Record<string, string>[]>;
  metadata(metric?: string, signal?: AbortSignal): Promise<Record<string, PromMetricMetadata[]>>;
}

/** Narrows label lookups to some series and a time window (epoch ms); all optional. */
export interface SeriesScope {
  /** Series selectors, e.g. `up{job="node"}`; any of them may match. */
  match?: string[];
  startMs?: number;
  endMs?: number;
}

function scopeParams(scope: SeriesScope | undefined): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  if (scope?.match && scope.match.length > 0) params['match[]'] = scope.match;
  if (scope?.startMs !== undefined) params.start = secondsParam(scope.startMs);
  if (scope?.endMs !== undefined) params.end = secondsParam(scope.endMs);
  return params;
}

type ApiEnvelope<T> = { status: 'success'; data: T; warnings?: string[] } | { status: 'error'; errorType: string; error: string; warnings?: string[] };
type RawSample = [number, string];

/** `"NaN"`, `"+Inf"`, `"-Inf"` and numbers; non-finite values are gaps on a chart. */
export function parseSampleValue(raw: string): number | null {
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}

const secondsParam = (ms: number): string => (ms / 1000).toFixed(3);

/**
 * The Prometheus HTTP API (docs/querying/api.md) over any transport. Errors become AppErrors once,
 * here: Prometheus' own message for `bad_data`/`execution` (the user wrote the query; they need the
 * parser's words), plain words for transport failures. Queries go by POST form so long selectors fit.
 */
export class HttpPrometheusClient implements PrometheusClient {
  readonly #transport: PrometheusTransport;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;

  /**
   * @param headers extra headers on every request, e.g. `Authorization` for a bearer token or
   * `X-Scope-OrgID` for Mimir/Cortex tenants. They are never logged or shown.
   */
  constructor(transport: PrometheusTransport, options: { headers?: Record<string, string>; timeoutMs?: number } = {}) {
    this.#transport = transport;
    this.#headers = { Accept: 'application/json', ...options.headers };
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  async #call<T>(path: string, params: Record<string, string | string[]>, method: 'GET' | 'POST', signal?: AbortSignal): Promise<{ data: T; warnings: string[] }> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      for (const item of Array.isArray(value) ? value : [value]) search.append(key, item);
    }
    const query = search.toString();
    const headers = { ...this.#headers };
    let pathAndQuery = path;
    let body: string | undefined;
    if (method === 'POST') {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = query;
    } else if (query) {
      pathAndQuery = `${path}?${query}`;
    }
    const response = await this.#transport(pathAndQuery, { method, headers, body, signal, timeoutMs: this.#timeoutMs });
    let envelope: ApiEnvelope<T>;
    try {
      envelope = JSON.parse(response.body) as ApiEnvelope<T>;
      // JSON that is not the API envelope (a Kubernetes Status from a proxy, an HTML error page's JSON cousin).
      if (envelope?.status !== 'success' && envelope?.status !== 'error') throw new Error('not an API envelope');
    } catch {
      throw new AppError(
        'unavailable',
        response.status === 200
          ? `The Prometheus endpoint answered with something that is not the Prometheus API (${(response.contentType ?? 'no content type').split(';')[0]}).`
          : `The Prometheus endpoint answered HTTP ${response.status} without an API response.`,
        { hint: response.status === 401 || response.status === 403 ? 'Check the bearer token or tenant (X-Scope-OrgID) for this Prometheus.' : 'Check that the URL points at a Prometheus-compatible API root.' },
      );
    }
    if (envelope.status === 'error') {
      const code = envelope.errorType === 'bad_data' || envelope.errorType === 'execution' ? 'bad-request' : envelope.errorType === 'timeout' ? 'timeout' : envelope.errorType === 'not_found' ? 'not-found' : 'unavailable';
      throw new AppError(code, envelope.error || `Prometheus reported ${envelope.errorType}.`);
    }
    if (response.status >= 400) throw new AppError('unavailable', `Prometheus answered HTTP ${response.status}.`);
    return { data: envelope.data, warnings: envelope.warnings ?? [] };
  }

  async buildInfo(signal?: AbortSignal): Promise<PromBuildInfo> {
    const { data } = await this.#call<PromBuildInfo>('/api/v1/status/buildinfo', {}, 'GET', signal);
    return { version: data.version, revision: data.revision, branch: data.branch, goVersion: data.goVersion };
  }

  async query(expr: string, atMs?: number, signal?: AbortSignal): Promise<PromInstantResult> {
    const params: Record<string, string> = { query: expr };
    if (atMs !== undefined) params.time = secondsParam(atMs);
    const { data } = await this.#call<{ resultType: string; result: unknown }>('/api/v1/query', params, 'POST', signal);
    switch (data.resultType) {
      case 'vector':
        return {
          resultType: 'vector',
          samples: (data.result as { metric: Record<string, string>; value: RawSample }[]).map((entry) => ({
            metric: entry.metric,
            tsMs: Math.round(entry.value[0] * 1000),
            value: parseSampleValue(entry.value[1]),
            raw: entry.value[1],
          })),
        };
      case 'matrix': {
        const aligned = alignMatrix(data.result as { metric: Record<string, string>; values: RawSample[] }[]);
        return { resultType: 'matrix', xs: aligned.xs, series: aligned.series };
      }
      case 'scalar':
      case 'string': {
        const [tsSeconds, raw] = data.result as RawSample;
        return { resultType: data.resultType, tsMs: Math.round(tsSeconds * 1000), raw };
      }
      default:
        throw new AppError('unavailable', `Prometheus returned an unknown result type "${data.resultType}".`);
    }
  }

  async queryRange(expr: string, startMs: number, endMs: number, stepMs: number, signal?: AbortSignal): Promise<PromRangeResult> {
    if (!(stepMs > 0)) throw new AppError('bad-request', 'The step must be positive.');
    const { data, warnings } = await this.#call<{ resultType: string; result: { metric: Record<string, string>; values: RawSample[] }[] }>(
      '/api/v1/query_range',
      { query: expr, start: secondsParam(startMs), end: secondsParam(endMs), step: `${stepMs / 1000}` },
      'POST',
      signal,
    );
    return { ...alignMatrix(data.result, startMs, endMs, stepMs), warnings };
  }

  async labelNames(scope?: SeriesScope, signal?: AbortSignal): Promise<string[]> {
    return (await this.#call<string[]>('/api/v1/labels', scopeParams(scope), 'GET', signal)).data;
  }

  async labelValues(label: string, scope?: SeriesScope, signal?: AbortSignal): Promise<string[]> {
    return (await this.#call<string[]>(`/api/v1/label/${encodeURIComponent(label)}/values`, scopeParams(scope), 'GET', signal)).data;
  }

  async series(matchers: string[], startMs: number, endMs: number, signal?: AbortSignal): Promise<Record<string, string>[]> {
    return (await this.#call<Record<string, string>[]>('/api/v1/series', { 'match[]': matchers, start: secondsParam(startMs), end: secondsParam(endMs) }, 'POST', signal)).data;
  }

  async metadata(metric?: string, signal?: AbortSignal): Promise<Record<string, PromMetricMetadata[]>> {
    return (await this.#call<Record<string, PromMetricMetadata[]>>('/api/v1/metadata', metric ? { metric } : {}, 'GET', signal)).data;
  }
}

/**
 * Turns a matrix into uPlot's aligned shape: one shared x column, `null` where a series has no
 * sample (Prometheus' own UI does the same, getUPlotData). With a known step the x column is the
 * full step grid, so gaps at the edges show as gaps too.
 */
export function alignMatrix(
  result: { metric: Record<string, string>; values: RawSample[] }[],
  startMs?: number,
  endMs?: number,
  stepMs?: number,
): { xs: number[]; series: PromRangeSeries[] } {
  let xs: number[];
  if (startMs !== undefined && endMs !== undefined && stepMs !== undefined && stepMs > 0) {
    xs = [];
    // Prometheus evaluates at start + k·step (seconds, ms precision); mirror that grid in ms.
    for (let t = startMs; t <= endMs + 0.5; t += stepMs) xs.push(Math.round(t));
  } else {
    const all = new Set<number>();
    for (const entry of result) for (const [tsSeconds] of entry.values) all.add(Math.round(tsSeconds * 1000));
    xs = [...all].sort((a, b) => a - b);
  }
  const index = new Map(xs.map((x, i) => [x, i]));
  const series = result.map((entry) => {
    const values: (number | null)[] = new Array(xs.length).fill(null);
    for (const [tsSeconds, raw] of entry.values) {
      const position = index.get(Math.round(tsSeconds * 1000));
      if (position !== undefined) values[position] = parseSampleValue(raw);
    }
    return { metric: entry.metric, values };
  });
  return { xs, series };
}
