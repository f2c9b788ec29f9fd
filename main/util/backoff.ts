/**
 * Exponential backoff with full jitter and a reset after a healthy period, tuned like client-go's
 * reflector (tools/cache/reflector.go: 800 ms initial, ×2, 30 s cap, reset after 2 min healthy) "to
 * achieve ~98% traffic reduction when API server is not healthy".
 */
export class Backoff {
  #attempt = 0;
  #healthySinceMs: number | null = null;

  constructor(
    private readonly initialMs = 800,
    private readonly maxMs = 30_000,
    private readonly resetAfterMs = 120_000,
    private readonly random: () => number = Math.random,
  ) {}

  /** Delay before the next attempt; grows with each failure. Jitter is in [50%, 100%] of the step. */
  next(): number {
    const step = Math.min(this.maxMs, this.initialMs * 2 ** this.#attempt);
    this.#attempt += 1;
    this.#healthySinceMs = null;
    return Math.round(step * (0.5 + 0.5 * this.random()));
  }

  /** Records that things work; after `resetAfterMs` of health the next failure starts small again. */
  healthy(nowMs: number): void {
    this.#healthySinceMs ??= nowMs;
    if (nowMs - this.#healthySinceMs >= this.resetAfterMs) this.#attempt = 0;
  }

  reset(): void {
    this.#attempt = 0;
    this.#healthySinceMs = null;
  }

  get attempt(): number {
    return this.#attempt;
  }
}

/** A promise that resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
