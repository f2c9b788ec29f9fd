/**
 * Column helpers for chart payloads (uPlot's aligned `[xs, ...ys]`, epoch ms, `null` for gaps),
 * shared by the container and application charts.
 */

/** The sorted union of sample times, thinned evenly to at most `maxPoints` (the newest time is always kept). */
export function chartTimes(times: Iterable<readonly number[]>, maxPoints: number): number[] {
  const all = new Set<number>();
  for (const ts of times) for (const t of ts) all.add(t);
  const sorted = [...all].sort((a, b) => a - b);
  if (sorted.length <= maxPoints) return sorted;
  const step = (sorted.length - 1) / (maxPoints - 1);
  const kept: number[] = [];
  for (let i = 0; i < maxPoints; i++) kept.push(sorted[Math.round(i * step)]);
  return [...new Set(kept)];
}

/** A series' values at each x: the sample taken exactly at x, else null. Non-finite values are gaps. */
export function valuesAt(ts: readonly number[], vs: readonly number[], xs: readonly number[]): (number | null)[] {
  const out: (number | null)[] = [];
  let j = -1;
  for (const x of xs) {
    while (j + 1 < ts.length && ts[j + 1] <= x) j++;
    out.push(j >= 0 && ts[j] === x && Number.isFinite(vs[j]) ? vs[j] : null);
  }
  return out;
}

/** Per-second rates between consecutive non-null values of a counter column; a drop counts as a reset to 0. */
export function rateColumn(xs: readonly number[], values: readonly (number | null)[]): (number | null)[] {
  const out: (number | null)[] = new Array(xs.length).fill(null);
  let previous = -1;
  for (let i = 0; i < xs.length; i++) {
    const value = values[i];
    if (value === null) continue;
    if (previous >= 0) {
      const before = values[previous] as number;
      const seconds = (xs[i] - xs[previous]) / 1000;
      if (seconds > 0) out[i] = (value >= before ? value - before : value) / seconds;
    }
    previous = i;
  }
  return out;
}

/** Cell-by-cell sum; a cell is null only when every input cell is null. */
export function sumColumns(columns: readonly (readonly (number | null)[])[], length: number): (number | null)[] {
  const out: (number | null)[] = new Array(length).fill(null);
  for (const column of columns) {
    for (let i = 0; i < length; i++) {
      const value = column[i];
      if (value === null || value === undefined) continue;
      out[i] = (out[i] ?? 0) + value;
    }
  }
  return out;
}

/** `a / b` per cell between consecutive non-null pairs of two counters (e.g. Δthrottled / Δperiods); null where b did not move. */
export function ratioOfIncreases(a: readonly (number | null)[], b: readonly (number | null)[]): (number | null)[] {
  const out: (number | null)[] = new Array(a.length).fill(null);
  let previous = -1;
  for (let i = 0; i < a.length; i++) {
    const numerator = a[i];
    const denominator = b[i];
    if (numerator === null || denominator === null) continue;
    if (previous >= 0) {
      const a0 = a[previous] as number;
      const b0 = b[previous] as number;
      const da = numerator >= a0 ? numerator - a0 : numerator;
      const db = denominator >= b0 ? denominator - b0 : denominator;
      out[i] = db > 0 ? Math.min(1, da / db) : 0;
    }
    previous = i;
  }
  return out;
}
