// PromQL without Prometheus: the selector subset of main/store/selector.ts (`metric{matchers}` and
// rate/irate/increase over `[duration]`) evaluated on Slicewise's own store, answered in the same
// shapes as the Prometheus API client so charts and tables do not care who answered. Also label
// names, values and metadata from the store, for the editor's completion.
import type { PromInstantResult, PromMetricMetadata, PromRangeResult, PromRangeSeries } from '../../preload/contract/index.js';
import { parseSelector, type Selector } from '../store/selector.js';
import type { LabelSet } from '../store/labels.js';
import type { AlignedColumns, RangeSpec, SeriesRef, SeriesStore } from '../store/series-store.js';
import { AppError } from '../util/app-error.js';
import { checkRange } from './range-step.js';

/** The store methods local evaluation uses. */
export type LocalStore = Pick<SeriesStore, 'select' | 'range' | 'instant' | 'rate' | 'irate' | 'increase' | 'metadata' | 'retentionMs'>;

/** Series evaluated at most per query; the rest are counted but not computed. */
const MAX_EVALUATED = 2000;

const HINT = 'Without a Prometheus, Slicewise evaluates a selector like name{label="value"} or rate(), irate() or increase() of one; connect a Prometheus for full PromQL.';

function parse(expr: string): Selector {
  try {
    return parseSelector(expr);
  } catch (error) {
    if (error instanceof AppError) throw new AppError(error.code, error.message, { hint: error.hint ?? HINT });
    throw error;
  }
}

function labelKey(labels: LabelSet): string {
  return Object.keys(labels)
    .sort()
    .map((name) => `${name}=${labels[name]}`)
    .join('\u0000');
}

/** Matching series in a stable order (by label set), as Prometheus sorts its results. */
function selectSorted(store: LocalStore, selector: Selector): SeriesRef[] {
  return store
    .select(selector.matchers)
    .map((ref) => ({ ref, key: labelKey(ref.labels) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ ref }) => ref);
}

/** Output labels: a function result loses `__name__`, as in PromQL. */
function outputLabels(labels: LabelSet, selector: Selector): Record<string, string> {
  const out: Record<string, string> = { ...labels };
  if (selector.fn) delete out.__name__;
  return out;
}

/**
 * A range query on the store. The range is cut to the store's retention (with a note saying so);
 * series without any point in the range are left out, as Prometheus leaves them out; at most
 * `maxSeries` come back, `totalSeries` says how many there were.
 */
export function localRangeQuery(store: LocalStore, expr: string, range: { startMs: number; endMs: number; stepMs: number }, maxSeries = 100): PromRangeResult {
  const selector = parse(expr);
  checkRange(range.startMs, range.endMs, range.stepMs);
  const notes: string[] = [];
  let startMs = range.startMs;
  const oldestMs = range.endMs - store.retentionMs;
  if (startMs < oldestMs) {
    // Stay on the caller's step grid so the xs line up with what it asked for.
    startMs += Math.ceil((oldestMs - startMs) / range.stepMs) * range.stepMs;
    notes.push(`Slicewise keeps the last ${Math.round(store.retentionMs / 60_000)} minutes of samples, so the chart starts there; connect a Prometheus for longer ranges.`);
  }
  const spec = { startMs, endMs: range.endMs, stepMs: range.stepMs };
  const refs = selectSorted(store, selector);
  const evaluated = refs.slice(0, MAX_EVALUATED);
  const ids = evaluated.map((ref) => ref.id);
  const columns = selector.fn === undefined ? store.range(ids, spec.startMs, spec.endMs, spec.stepMs) : windowOverRange(store, selector.fn, ids, selector.rangeMs!, spec);
  const series: PromRangeSeries[] = [];
  let withData = 0;
  columns.ys.forEach((values, index) => {
    if (!values.some((value) => value !== null)) return;
    withData++;
    if (series.length < maxSeries) series.push({ metric: outputLabels(evaluated[index].labels, selector), values });
  });
  if (refs.length > MAX_EVALUATED) notes.push(`The selector matches ${refs.length} series; only the first ${MAX_EVALUATED} were evaluated. Narrow it with more matchers.`);
  if (withData > series.length) notes.push(`Showing ${series.length} of ${withData} series; narrow the selector to see the others.`);
  return { xs: columns.xs, series, warnings: [], source: 'local', stepMs: range.stepMs, totalSeries: withData, ...(notes.length ? { notes } : {}) };
}

/** An instant query on the store: the latest sample (or rate) of each matching series at `atMs` (default: the newest scrape). */
export function localInstantQuery(store: LocalStore, expr: string, atMs: number | undefined, maxSeries = 1000): { result: PromInstantResult; totalSeries: number; notes: string[] } {
  const selector = parse(expr);
  const refs = selectSorted(store, selector).slice(0, MAX_EVALUATED);
  const ids = refs.map((ref) => ref.id);
  const evaluatedAtMs = atMs ?? Date.now();
  const samples: { metric: Record<string, string>; tsMs: number; value: number | null; raw: string }[] = [];
  if (selector.fn === undefined) {
    store.instant(ids, atMs).forEach((sample, index) => {
      if (sample) samples.push({ metric: outputLabels(refs[index].labels, selector), tsMs: sample.tsMs, value: Number.isFinite(sample.value) ? sample.value : null, raw: String(sample.value) });
    });
  } else {
    const values = windowAt(store, selector.fn, ids, selector.rangeMs!, atMs);
    values.forEach((value, index) => {
      if (value !== null) samples.push({ metric: outputLabels(refs[index].labels, selector), tsMs: evaluatedAtMs, value: Number.isFinite(value) ? value : null, raw: String(value) });
    });
  }
  const notes = samples.length > maxSeries ? [`Showing ${maxSeries} of ${samples.length} series; narrow the selector to see the others.`] : [];
  return { result: { resultType: 'vector', samples: samples.slice(0, maxSeries) }, totalSeries: samples.length, notes };
}

function windowOverRange(store: LocalStore, fn: NonNullable<Selector['fn']>, ids: number[], windowMs: number, spec: RangeSpec): AlignedColumns {
  switch (fn) {
    case 'rate':
      return store.rate(ids, windowMs, spec);
    case 'irate':
      return store.irate(ids, windowMs, spec);
    case 'increase':
      return store.increase(ids, windowMs, spec);
  }
}

function windowAt(store: LocalStore, fn: NonNullable<Selector['fn']>, ids: number[], windowMs: number, atMs: number | undefined): (number | null)[] {
  switch (fn) {
    case 'rate':
      return store.rate(ids, windowMs, atMs);
    case 'irate':
      return store.irate(ids, windowMs, atMs);
    case 'increase':
      return store.increase(ids, windowMs, atMs);
  }
}

function scoped(store: LocalStore, match: string | undefined): SeriesRef[] {
  return match ? store.select(parse(match).matchers) : store.select([]);
}

/** Label names of the series matching `match` (all series without), sorted; for completion. */
export function localLabelNames(store: LocalStore, match?: string): string[] {
  const names = new Set<string>();
  for (const ref of scoped(store, match)) for (const name in ref.labels) names.add(name);
  return [...names].sort();
}

/** Values of `label` over the series matching `match`, sorted; `__name__` lists metric names. */
export function localLabelValues(store: LocalStore, label: string, match?: string): string[] {
  const values = new Set<string>();
  for (const ref of scoped(store, match)) {
    const value = ref.labels[label];
    if (value !== undefined) values.add(value);
  }
  return [...values].sort();
}

/** HELP/TYPE/UNIT of every family in the store, in the shape of `/api/v1/metadata`. */
export function localMetadata(store: LocalStore, metric?: string): Record<string, PromMetricMetadata[]> {
  const out: Record<string, PromMetricMetadata[]> = {};
  for (const family of store.metadata()) {
    if (metric !== undefined && family.name !== metric) continue;
    out[family.name] = [{ type: family.type, help: family.help ?? '', unit: family.unit ?? '' }];
  }
  return out;
}
