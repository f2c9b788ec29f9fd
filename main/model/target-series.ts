import type { LabelMatcher } from '../store/matchers.js';
import type { RangeSpec, SeriesRef, SeriesStore } from '../store/series-store.js';

export interface LabelledValue {
  labels: Record<string, string>;
  value: number | null;
}

/**
 * The series of one scrape target, read from the session's store by metric name: latest values,
 * rates at the newest scrape, and rate columns over a grid for charts. A thin reader so models say
 * "node_load1 of this node-exporter" rather than building matchers each time.
 */
export class TargetSeries {
  constructor(
    private readonly store: SeriesStore,
    readonly targetId: string,
  ) {}

  refs(name: string, extra: readonly LabelMatcher[] = []): SeriesRef[] {
    return this.store.select([{ name: '__name__', op: '=', value: name }, ...extra]).filter((ref) => ref.targetId === this.targetId);
  }

  /** Latest value of every series of `name` (null when stale or too old). */
  latest(name: string, extra: readonly LabelMatcher[] = []): LabelledValue[] {
    const refs = this.refs(name, extra);
    const values = this.store.instant(refs.map((ref) => ref.id));
    return refs.map((ref, index) => ({ labels: ref.labels, value: values[index]?.value ?? null }));
  }

  /** The single latest value of `name` (first series), or null. */
  scalar(name: string, extra: readonly LabelMatcher[] = []): number | null {
    return this.latest(name, extra)[0]?.value ?? null;
  }

  /**
   * Per-second rate between the last two samples within `windowMs` (PromQL `irate`), per series: the
   * "now" figure top-like tools show (systemd-cgtop computes between two readings). Charts use
   * `rateColumns`, which smooths over the window.
   */
  rates(name: string, windowMs: number, extra: readonly LabelMatcher[] = []): LabelledValue[] {
    const refs = this.refs(name, extra);
    const values = this.store.irate(
      refs.map((ref) => ref.id),
      windowMs,
    );
    return refs.map((ref, index) => ({ labels: ref.labels, value: values[index] ?? null }));
  }

  /** Rate columns over a grid, with the labels of each column. */
  rateColumns(name: string, windowMs: number, range: RangeSpec, extra: readonly LabelMatcher[] = []): { labels: Record<string, string>[]; xs: number[]; ys: (number | null)[][] } {
    const refs = this.refs(name, extra);
    const columns = this.store.rate(
      refs.map((ref) => ref.id),
      windowMs,
      range,
    );
    return { labels: refs.map((ref) => ref.labels), xs: columns.xs, ys: columns.ys };
  }

  /** Value columns over a grid (gauges), with the labels of each column. */
  valueColumns(name: string, range: RangeSpec, extra: readonly LabelMatcher[] = []): { labels: Record<string, string>[]; xs: number[]; ys: (number | null)[][] } {
    const refs = this.refs(name, extra);
    const columns = this.store.range(
      refs.map((ref) => ref.id),
      range.startMs,
      range.endMs,
      range.stepMs,
    );
    return { labels: refs.map((ref) => ref.labels), xs: columns.xs, ys: columns.ys };
  }
}

/** Sums aligned columns cell by cell; a cell is null only when every input cell is null. */
export function sumColumns(columns: readonly (number | null)[][], length: number): (number | null)[] {
  const result: (number | null)[] = new Array(length).fill(null);
  for (const column of columns) {
    for (let i = 0; i < length; i++) {
      const value = column[i];
      if (value === null || value === undefined) continue;
      result[i] = (result[i] ?? 0) + value;
    }
  }
  return result;
}

/** Sums non-null values; null when there are none (absent stays absent). */
export function sumValues(values: readonly (number | null)[]): number | null {
  let total: number | null = null;
  for (const value of values) if (value !== null) total = (total ?? 0) + value;
  return total;
}
