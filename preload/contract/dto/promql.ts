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
}
