// The Applications screen: any exporter's own metrics, generically, by the family TYPE the exporter
// declares: counters as per-second rates, gauges as values, histograms as p50/p90/p99 from their
// buckets (histogram_quantile over the bucket increases in the window, as
// `histogram_quantile(q, rate(x_bucket[w]))`), summaries as their own quantiles.
import type { AppFamily, AppFamilyDisplay, AppSeriesValue, ChartPanel, ChartUnit } from '../../preload/contract/index.js';
import type { FamilyMeta } from '../scrape/exposition/samples.js';
import { chartTimes, rateColumn, valuesAt } from './chart-columns.js';
import { histogramQuantile } from './histogram-quantile.js';
import { counterIncrease } from './store-window.js';

/** One series of the target: its metric name, the labels that tell it apart, and its samples (oldest first). */
export interface AppSeriesInput {
  name: string;
  labels: Readonly<Record<string, string>>;
  ts: readonly number[];
  vs: readonly number[];
}

export interface AppFamiliesInput {
  /** HELP/TYPE/UNIT from the target's last scrape (`SeriesStore.metadata`). */
  families: readonly FamilyMeta[];
  series: readonly AppSeriesInput[];
  /** Window of the current rates and quantiles, ms. */
  windowMs: number;
  nowMs: number;
  /** Series kept per family (largest current values first); default 8. */
  maxSeriesPerFamily?: number;
  /** Points per chart; older scrapes are thinned evenly; default 180. */
  maxPoints?: number;
}

/** The quantiles shown for histograms. */
export const HISTOGRAM_QUANTILES = [0.5, 0.9, 0.99] as const;

/** Store-made series, not the exporter's. */
const SYNTHETIC = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_series_added', 'scrape_samples_post_metric_relabeling']);
/** Families every Go/Python client library adds; listed after the application's own. */
const RUNTIME_PREFIXES = ['go_', 'process_', 'promhttp_', 'python_', 'nodejs_', 'jvm_'];

export function isRuntimeFamily(name: string): boolean {
  return RUNTIME_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * What the exporter is, from its metric names: the most common first word of its own families
 * (`nginx_up`, `nginx_http_requests_total` → `nginx`); `fallback` when it has none.
 */
export function exporterKind(familyNames: readonly string[], fallback: string): string {
  const counts = new Map<string, number>();
  for (const name of familyNames) {
    if (isRuntimeFamily(name) || SYNTHETIC.has(name)) continue;
    const word = name.split('_')[0];
    if (word) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  let best = '';
  let bestCount = 0;
  for (const [word, count] of counts) {
    if (count > bestCount || (count === bestCount && word < best)) {
      best = word;
      bestCount = count;
    }
  }
  return best || fallback;
}

function unitOf(name: string, meta: FamilyMeta | undefined, display: AppFamilyDisplay): ChartUnit {
  const unit = meta?.unit ?? '';
  const base = name.replace(/_total$/, '');
  const bytes = unit === 'bytes' || base.endsWith('_bytes');
  const seconds = unit === 'seconds' || base.endsWith('_seconds');
  if (display === 'rate') return bytes ? 'bytesPerSecond' : seconds ? 'share' : 'count';
  if (bytes) return 'bytes';
  if (seconds) return 'seconds';
  if (base.endsWith('_ratio')) return 'share';
  return 'none';
}

/** Average per-second rate of a counter over its samples in [fromMs, …], resets included; null below two samples. */
function windowRate(ts: readonly number[], vs: readonly number[], fromMs: number): number | null {
  let first = 0;
  while (first < ts.length && ts[first] < fromMs) first++;
  const count = ts.length - first;
  if (count < 2) return null;
  const seconds = (ts[ts.length - 1] - ts[first]) / 1000;
  if (seconds <= 0) return null;
  return counterIncrease(vs.slice(first)) / seconds;
}

function finite(value: number | undefined): number | null {
  return value === undefined || !Number.isFinite(value) ? null : value;
}

function labelKey(labels: Readonly<Record<string, string>>, without?: string): string {
  return Object.keys(labels)
    .filter((name) => name !== without)
    .sort()
    .map((name) => `${name}=${labels[name]}`)
    .join(',');
}

function describeLabels(labels: Readonly<Record<string, string>>, without?: string): string {
  const text = Object.keys(labels)
    .filter((name) => name !== without)
    .sort()
    .map((name) => `${name}="${labels[name]}"`)
    .join(', ');
  return text;
}

interface Grouped {
  meta: FamilyMeta | undefined;
  name: string;
  type: AppFamily['type'];
  members: AppSeriesInput[];
}

/** Assigns each series to its family (`x_total` to counter `x`, `x_bucket|_sum|_count` to histogram `x`, …). */
function groupByFamily(families: readonly FamilyMeta[], series: readonly AppSeriesInput[]): Grouped[] {
  const byName = new Map<string, Grouped>();
  for (const meta of families) byName.set(meta.name, { meta, name: meta.name, type: meta.type, members: [] });
  const owner = (name: string): Grouped | undefined => {
    const exact = byName.get(name);
    if (exact && exact.type !== 'histogram' && exact.type !== 'gaugehistogram') return exact;
    for (const suffix of ['_bucket', '_sum', '_count', '_total', '_created', '_info', '_gcount', '_gsum']) {
      if (!name.endsWith(suffix)) continue;
      const family = byName.get(name.slice(0, -suffix.length));
      if (family && family.type !== 'gauge' && family.type !== 'untyped' && family.type !== 'unknown') return family;
    }
    return exact;
  };
  for (const entry of series) {
    if (SYNTHETIC.has(entry.name)) continue;
    let family = owner(entry.name);
    if (!family) {
      family = { meta: undefined, name: entry.name, type: 'untyped', members: [] };
      byName.set(entry.name, family);
    }
    family.members.push(entry);
  }
  return [...byName.values()].filter((family) => family.members.length > 0);
}

/**
 * One entry per metric family of the target, with current values and a small chart. Families
 * without samples are left out; the application's own families come first, runtime ones
 * (go_, process_, …) last.
 */
export function appFamilies(input: AppFamiliesInput): AppFamily[] {
  const maxSeries = input.maxSeriesPerFamily ?? 8;
  const maxPoints = input.maxPoints ?? 180;
  const fromMs = input.nowMs - input.windowMs;
  const result: AppFamily[] = [];
  for (const family of groupByFamily(input.families, input.series)) {
    const help = family.meta?.help ?? null;
    if (family.type === 'histogram' || family.type === 'gaugehistogram') {
      result.push(histogramFamily(family, help, fromMs, input.windowMs, maxSeries, maxPoints));
      continue;
    }
    const display: AppFamilyDisplay = family.type === 'counter' ? 'rate' : family.type === 'summary' ? 'quantiles' : 'value';
    // Summaries: the quantile series are gauges; _sum/_count are left to the chart of the quantiles.
    const members = family.type === 'summary' ? family.members.filter((entry) => entry.name === family.name) : family.members.filter((entry) => !entry.name.endsWith('_created'));
    const valued = members.map((entry) => ({
      entry,
      value: display === 'rate' ? windowRate(entry.ts, entry.vs, fromMs) : entry.ts.length > 0 && entry.ts[entry.ts.length - 1] >= fromMs ? finite(entry.vs[entry.vs.length - 1]) : null,
    }));
    valued.sort((a, b) => Math.abs(b.value ?? -1) - Math.abs(a.value ?? -1) || labelKey(a.entry.labels).localeCompare(labelKey(b.entry.labels)));
    const kept = valued.slice(0, maxSeries);
    const unit = unitOf(family.name, family.meta, display);
    const xs = chartTimes(
      kept.map((item) => item.entry.ts),
      maxPoints,
    );
    const ys = kept.map((item) => {
      const column = valuesAt(item.entry.ts, item.entry.vs, xs);
      return display === 'rate' ? rateColumn(xs, column) : column;
    });
    const values: AppSeriesValue[] = kept.map((item) => ({ labels: { ...item.entry.labels }, value: item.value }));
    result.push({
      name: family.name,
      type: family.type,
      help,
      unit,
      display,
      values,
      truncated: valued.length - kept.length,
      chart: xs.length > 0 ? panel(family.name, unit, kept.map((item) => describeLabels(item.entry.labels) || family.name), xs, ys) : null,
    });
  }
  return result.sort((a, b) => Number(isRuntimeFamily(a.name)) - Number(isRuntimeFamily(b.name)) || a.name.localeCompare(b.name));
}

function panel(name: string, unit: ChartUnit, labels: string[], xs: number[], ys: (number | null)[][]): ChartPanel {
  return { id: name, title: name, unit, lines: labels.map((label) => ({ label })), xs, ys };
}

/**
 * A counter's values with earlier resets added back (Prometheus counts a drop as a restart from 0),
 * so the increase between two samples is a difference of two entries.
 */
function resetAdjusted(vs: readonly number[]): number[] {
  const out: number[] = [];
  let offset = 0;
  for (let i = 0; i < vs.length; i++) {
    if (i > 0 && vs[i] < vs[i - 1]) offset += vs[i - 1];
    out.push(vs[i] + offset);
  }
  return out;
}

/** Index of the first time ≥ t (ts ascending). */
function firstAtOrAfter(ts: readonly number[], t: number): number {
  let low = 0;
  let high = ts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (ts[mid] < t) low = mid + 1;
    else high = mid;
  }
  return low;
}

function histogramFamily(family: Grouped, help: string | null, fromMs: number, windowMs: number, maxSeries: number, maxPoints: number): AppFamily {
  interface Bucket {
    le: number;
    entry: AppSeriesInput;
    adjusted: number[];
  }
  const groups = new Map<string, { labels: Record<string, string>; buckets: Bucket[] }>();
  for (const entry of family.members) {
    if (!entry.name.endsWith('_bucket') || entry.labels.le === undefined) continue;
    const key = labelKey(entry.labels, 'le');
    let group = groups.get(key);
    if (!group) {
      const labels = { ...entry.labels };
      delete labels.le;
      groups.set(key, (group = { labels, buckets: [] }));
    }
    group.buckets.push({ le: parseLe(entry.labels.le), entry, adjusted: resetAdjusted(entry.vs) });
  }
  // histogram_quantile(q, increase(bucket[from, to])): each bucket's increase between its first and
  // last sample in the window; a bucket with fewer than two samples there contributes 0.
  const quantileAt = (buckets: readonly Bucket[], from: number, to: number, q: number): number | null => {
    const increases = buckets.map((bucket) => {
      const first = firstAtOrAfter(bucket.entry.ts, from);
      const last = firstAtOrAfter(bucket.entry.ts, to + 1) - 1;
      return { le: bucket.le, count: last > first ? bucket.adjusted[last] - bucket.adjusted[first] : 0 };
    });
    return finite(histogramQuantile(q, increases));
  };
  const scored = [...groups.values()].map((group) => {
    const now = Math.max(...group.buckets.map((bucket) => bucket.entry.ts[bucket.entry.ts.length - 1] ?? Number.NEGATIVE_INFINITY));
    const quantiles = HISTOGRAM_QUANTILES.map((q) => quantileAt(group.buckets, fromMs, now, q));
    return { group, quantiles };
  });
  scored.sort((a, b) => (b.quantiles[1] ?? -1) - (a.quantiles[1] ?? -1) || labelKey(a.group.labels).localeCompare(labelKey(b.group.labels)));
  const kept = scored.slice(0, Math.max(1, Math.floor(maxSeries / HISTOGRAM_QUANTILES.length)));
  const values: AppSeriesValue[] = [];
  for (const item of kept) {
    HISTOGRAM_QUANTILES.forEach((q, index) => values.push({ labels: { ...item.group.labels, quantile: String(q) }, value: item.quantiles[index] }));
  }
  const unit = unitOf(family.name, family.meta, 'quantiles');
  const xs = chartTimes(
    kept.flatMap((item) => item.group.buckets.map((bucket) => bucket.entry.ts)),
    maxPoints,
  );
  const ys: (number | null)[][] = [];
  const labels: string[] = [];
  for (const item of kept) {
    for (const q of HISTOGRAM_QUANTILES) {
      labels.push(`p${q * 100}${Object.keys(item.group.labels).length ? ` ${describeLabels(item.group.labels)}` : ''}`);
      ys.push(xs.map((x) => quantileAt(item.group.buckets, x - windowMs, x, q)));
    }
  }
  return {
    name: family.name,
    type: family.type,
    help,
    unit,
    display: 'quantiles',
    values,
    truncated: scored.length - kept.length,
    chart: xs.length > 0 && ys.length > 0 ? panel(family.name, unit, labels, xs, ys) : null,
  };
}

function parseLe(text: string): number {
  if (text === '+Inf' || text === 'Inf' || text === '+inf') return Number.POSITIVE_INFINITY;
  return Number(text);
}
