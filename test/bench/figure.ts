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

let gcFunction: (() => void) | undefined;

/**
 * Runs a full garbage collection. The bench runs as plain `node out/test/bench.cjs`, so the flag is
 * switched on at run time (v8.setFlagsFromString) and `gc` fetched from a fresh context.
 */
export async function forceGc(): Promise<void> {
  if (!gcFunction) {
    const v8 = await import('node:v8');
    const vm = await import('node:vm');
    v8.setFlagsFromString('--expose-gc');
    gcFunction = vm.runInNewContext('gc') as () => void;
  }
  gcFunction();
  gcFunction();
}

/** A figure that is reported for information only (no target of its own). */
export function info(name: string, value: number, unit: string, extra: Partial<Figure> = {}): Figure {
  return { name, value, unit, target: 'reported', pass: true, ...extra };
}

/**
 * Times several functions side by side: `rounds` rounds, each running every function once (in a
 * rotating order), after `warmup` unmeasured rounds. Returns the median ms per function. On a
 * shared machine load changes by the second; interleaving exposes every contender to the same load,
 * which keeps their ratios meaningful. A function with `every: n` runs only every n-th round (slow
 * baselines).
 */
export function interleavedMedianMs(contenders: { fn: () => unknown; every?: number }[], rounds: number, warmup = 1): number[] {
  const times: number[][] = contenders.map(() => []);
  for (let round = -warmup; round < rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const index = (i + Math.max(round, 0)) % contenders.length;
      const contender = contenders[index];
      if (round >= 0 && contender.every && round % contender.every !== 0) continue;
      if (round < 0 && contender.every && contender.every > rounds) continue;
      const started = performance.now();
      contender.fn();
      if (round >= 0) times[index].push(performance.now() - started);
    }
  }
  return times.map(median);
}
