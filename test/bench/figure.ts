// The shape every bench suite returns, and small helpers for timing side by side.

/** One measured figure, printed as one line by test/bench/index.ts. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The value of the comparison measured in the same run, when there is one. */
  baseline?: number;
  /** value / baseline (or the suite's own ratio), when the target is a ratio. */
  ratio?: number;
  /** The target in words, e.g. "≥ 15× parse-prometheus-text-format". */
  target: string;
  pass: boolean;
}

/** A bench suite: runs its measurements and returns figures. It must not throw for a missed target. */
export interface Suite {
  name: string;
  run(): Promise<Figure[]>;
}

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times, and returns the median wall time in ms. */
export function timeMedianMs(fn: () => unknown, runs: number, warmup = 1): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** MB/s with MB = 10^6 bytes, as in toolchain.md §4. */
export function mbPerSecond(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000);
}
