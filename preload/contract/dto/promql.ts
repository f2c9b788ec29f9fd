/**
 * Prometheus HTTP API results as the renderer receives them. Times are epoch ms (the core converts
 * Prometheus' float seconds); values are numbers with NaN/±Inf mapped to null for charts, and the
 * original string kept where a table shows it.
 */
export interface PromSeriesLabels {
  [label: string]: string;
}

export interface PromInstantSample {
  metric: PromSeriesLabels;
  tsMs: number;
  value: number | null;
  /** The value exactly as Prometheus wrote it ("NaN", "+Inf", "1.5e-7"). */
  raw: string;
}

export interface PromRangeSeries {
  metric: PromSeriesLabels;
  /** Aligned to the query's steps: `values[i]` belongs to `xs[i]` of the enclosing result. */
  values: (number | null)[];
}

export type PromInstantResult =
  | { resultType: 'vector'; samples: PromInstantSample[] }
  | { resultType: 'scalar' | 'string'; tsMs: number; raw: string }
  | { resultType: 'matrix'; xs: number[]; series: PromRangeSeries[] };

export interface PromRangeResult {
  /** Step timestamps, epoch ms, one per step from start to end. */
  xs: number[];
  series: PromRangeSeries[];
  warnings: string[];
  /** Who answered: the connected Prometheus or Slicewise's own store (set by the core's calls). */
  source?: PromQuerySource;
  /** The step used, ms (chosen by the core when the caller gave none). */
  stepMs?: number;
  /** How many series the expression produced before the cap; more than `series.length` means some were left out. */
  totalSeries?: number;
  /** Said to the user next to the result: a shortened range, a capped series count. */
  notes?: string[];
  /** The expression that was run (`promql.seriesHistory` builds it). */
  expr?: string;
}

/**
 * `promql.seriesHistory`: one series a view shows live, looked up in Prometheus. Give the store's
 * `seriesId` (SeriesRef.id), or the producing `targetId` and the series' `labels` as [name, value]
 * pairs. `fn` with `windowMs` (default 60 s) charts a counter as rate/irate/increase.
 */
export interface PromSeriesHistoryQuery {
  seriesId?: number;
  targetId?: string;
  labels?: [string, string][];
  fn?: 'rate' | 'irate' | 'increase';
  windowMs?: number;
  startMs: number;
  endMs: number;
  stepMs?: number;
}

/** Where a query runs: `auto` is the connected Prometheus when there is one, else the store. */
export type PromQuerySource = 'prometheus' | 'local';

/** `promql.queryRange`: a range query, at most 11,000 steps (Prometheus' limit). */
export interface PromRangeQuery {
  expr: string;
  startMs: number;
  endMs: number;
  /** Absent: chosen so that the range has about 250 steps (as the Prometheus UI does), on a round step. */
  stepMs?: number;
  source?: PromQuerySource | 'auto';
  /** At most this many series come back (default 100). */
  maxSeries?: number;
}

/** `promql.query`: an instant query at `atMs` (default now). */
export interface PromInstantQuery {
  expr: string;
  atMs?: number;
  source?: PromQuerySource | 'auto';
  /** At most this many samples of a vector come back (default 1,000). */
  maxSeries?: number;
}

/** `promql.query`'s answer: the result, who answered it, and what was left out. */
export interface PromInstantAnswer {
  result: PromInstantResult;
  source: PromQuerySource;
  totalSeries?: number;
  notes?: string[];
}

/**
 * `prometheus.configure`: a Prometheus-compatible API for the current context (Thanos, Mimir,
 * VictoriaMetrics, a Prometheus behind an ingress). No `url` goes back to looking in the cluster.
 * `bearerToken` absent keeps the one given before for the same URL; an empty string removes it. The
 * token stays in the core's memory and is never sent back.
 */
export interface PrometheusConfigureArg {
  url?: string;
  bearerToken?: string;
  orgId?: string;
  insecureSkipTlsVerify?: boolean;
}

export interface PromMetricMetadata {
  type: string;
  help: string;
  unit: string;
}

export interface PromBuildInfo {
  version: string;
  revision?: string;
  branch?: string;
  goVersion?: string;
}

/** Where history comes from for the current context, and whether it answers. */
export interface PrometheusStatus {
  state: 'none' | 'checking' | 'connected' | 'error';
  /** How it was found: "service monitoring/prometheus-server (label app.kubernetes.io/name=prometheus)" or "configured URL". */
  source?: string;
  /** Display URL without credentials. */
  url?: string;
  version?: string;
  message?: string;
  /** How requests travel: the apiserver service proxy, a port-forward to a pod, or straight to a URL. */
  transport?: 'service-proxy' | 'port-forward' | 'direct';
  /** When this status was determined, epoch ms. */
  checkedMs?: number;
  /** The user's endpoint for this context, when one is set (never the token itself). */
  configured?: { url: string; orgId?: string; insecureSkipTlsVerify?: boolean; hasToken: boolean };
}
