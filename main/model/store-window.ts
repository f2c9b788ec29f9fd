import type { ParsedSample } from '../scrape/exposition/samples.js';
import type { SeriesRef, SeriesStore } from '../store/series-store.js';
import type { CadvisorSnapshot } from './cgroup/figures.js';
import { scrapedLabels } from './scraped-labels.js';

/**
 * Two readings of a target over a window, shaped like two scrapes so the two-snapshot models
 * (`computeCgroupFigures`, `containerRows`) run on the store: `current` holds each live series'
 * newest sample, `previous` the same series at the first sample inside the window with its value
 * lowered by the series' increase over the window. A rate taken between the two is therefore the
 * average rate over the window, counter resets inside it included (a drop counts as a restart from
 * 0, as Prometheus counts it), without Prometheus' extrapolation to the window edges — with only a
 * few scrapes in the window, extrapolation would overstate the figures; two consecutive scrapes
 * give exactly Δvalue/Δtime.
 */
export interface TargetWindow {
  current: CadvisorSnapshot;
  /** Absent until some series has two samples in the window. */
  previous?: CadvisorSnapshot;
}

/** Increase of a counter over its samples (oldest first), a decrease counting as a reset to 0. */
export function counterIncrease(values: readonly number[]): number {
  let increase = 0;
  for (let i = 1; i < values.length; i++) {
    const delta = values[i] - values[i - 1];
    increase += delta >= 0 ? delta : values[i];
  }
  return increase;
}

/** A series' samples in the window, oldest first; empty when it went stale (its last event is a stale marker). */
export function windowSamples(store: SeriesStore, id: number, fromMs: number, toMs = Number.POSITIVE_INFINITY): { ts: number[]; vs: number[] } {
  const { xs, ys } = store.range([id], fromMs, toMs);
  const column = ys[0] ?? [];
  const ts: number[] = [];
  const vs: number[] = [];
  if (column.length === 0 || column[column.length - 1] === null) return { ts, vs };
  for (let i = 0; i < column.length; i++) {
    const value = column[i];
    if (value === null) continue;
    ts.push(xs[i]);
    vs.push(value);
  }
  return { ts, vs };
}

/**
 * Reads `families` of the given targets from the store as `TargetWindow`s, one per target that has
 * live series. `targetLabels` (as given to the scrape pool) let the scraped labels be recovered.
 * `unstamped` names the families the exporter writes without timestamps (kubelet cAdvisor: spec,
 * start time and machine families); their samples get `timestampMs: null`, as when parsed.
 */
export function readTargetWindows(
  store: SeriesStore,
  targets: ReadonlyMap<string, Readonly<Record<string, string>>>,
  families: readonly string[],
  windowMs: number,
  nowMs: number,
  options: { unstamped?: (family: string) => boolean } = {},
): Map<string, TargetWindow> {
  const current = new Map<string, ParsedSample[]>();
  const previous = new Map<string, ParsedSample[]>();
  const newest = new Map<string, number>();
  const oldest = new Map<string, number>();
  const fromMs = nowMs - windowMs;
  for (const family of families) {
    const refs: SeriesRef[] = store.select([{ name: '__name__', op: '=', value: family }]);
    // Families the exporter writes without timestamps are stored at the scrape time; they must not
    // move a cgroup's reading time (computeCgroupFigures takes the newest stamped sample).
    const stamped = !options.unstamped?.(family);
    for (const ref of refs) {
      const targetLabels = targets.get(ref.targetId);
      if (!targetLabels) continue;
      const { ts, vs } = windowSamples(store, ref.id, fromMs);
      if (ts.length === 0) continue;
      const labels = scrapedLabels(ref.labels, targetLabels);
      const last = ts.length - 1;
      push(current, ref.targetId, { name: family, labels, value: vs[last], timestampMs: stamped ? ts[last] : null });
      if (ts[last] > (newest.get(ref.targetId) ?? Number.NEGATIVE_INFINITY)) newest.set(ref.targetId, ts[last]);
      if (ts.length >= 2 && ts[0] < (oldest.get(ref.targetId) ?? Number.POSITIVE_INFINITY)) oldest.set(ref.targetId, ts[0]);
      if (ts.length >= 2) push(previous, ref.targetId, { name: family, labels, value: vs[last] - counterIncrease(vs), timestampMs: stamped ? ts[0] : null });
    }
  }
  const windows = new Map<string, TargetWindow>();
  for (const [targetId, samples] of current) {
    const tsMs = newest.get(targetId) ?? nowMs;
    const before = previous.get(targetId);
    windows.set(targetId, { current: { tsMs, samples }, ...(before ? { previous: { tsMs: oldest.get(targetId) ?? fromMs, samples: before } } : {}) });
  }
  return windows;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The newest live sample of every series of `families` of the given targets (within the store's
 * lookback; stale series are left out), with the labels the exporter wrote.
 */
export function readLatestSamples(
  store: SeriesStore,
  targets: ReadonlyMap<string, Readonly<Record<string, string>>>,
  families: readonly string[],
): { name: string; labels: Record<string, string>; value: number; tsMs: number }[] {
  const result: { name: string; labels: Record<string, string>; value: number; tsMs: number }[] = [];
  for (const family of families) {
    const refs = store.select([{ name: '__name__', op: '=', value: family }]).filter((ref) => targets.has(ref.targetId));
    const values = store.instant(refs.map((ref) => ref.id));
    refs.forEach((ref, index) => {
      const sample = values[index];
      if (!sample) return;
      result.push({ name: family, labels: scrapedLabels(ref.labels, targets.get(ref.targetId)!), value: sample.value, tsMs: sample.tsMs });
    });
  }
  return result;
}
