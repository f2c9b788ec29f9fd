import type { ChartPanel, ChartUnit } from './charts.js';
import type { TargetHealthState } from './targets.js';

/** A target classified as an application exporter (or a Pushgateway), for the Applications list. */
export interface AppTarget {
  targetId: string;
  job: string;
  endpoint: string;
  source: 'application' | 'pushgateway';
  /** What the exporter is, from its metric names (`nginx`, `metallb`) or the pod's name. */
  kind: string;
  namespace: string | null;
  pod: string | null;
  health: TargetHealthState;
  lastError: string | null;
  lastScrapeMs: number | null;
  /** Metric families declared or seen in its last scrape. */
  familyCount: number;
}

/** How a family is shown: counters as per-second rates, gauges as values, histograms/summaries as quantiles. */
export type AppFamilyDisplay = 'rate' | 'value' | 'quantiles';

/** One series of a family, by the labels that tell it apart from its siblings (target labels left out). */
export interface AppSeriesValue {
  labels: Record<string, string>;
  /** Rate per second, value, or for quantile families the quantile named in `labels.quantile`. */
  value: number | null;
}

export interface AppFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped' | 'unknown' | 'info' | 'stateset' | 'gaugehistogram';
  help: string | null;
  unit: ChartUnit;
  display: AppFamilyDisplay;
  values: AppSeriesValue[];
  /** Series left out of `values` and the chart (the largest are kept). */
  truncated: number;
  chart: ChartPanel | null;
}

export interface AppPanel {
  targetId: string;
  target: AppTarget | null;
  /** Window of the current rates and quantiles, ms. */
  windowMs: number;
  families: AppFamily[];
  note: string | null;
}
