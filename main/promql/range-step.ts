import { AppError } from '../util/app-error.js';

/** Prometheus refuses range queries with more steps than this (web/api/v1/api.go, protocols.md §10). */
export const MAX_RANGE_POINTS = 11_000;
/** Steps a chart aims for when none is given; the Prometheus UI divides the range by 250 too. */
const TARGET_POINTS = 250;
/** Round steps, ms: a step of 7.3 s makes axis labels and `[5m]` windows line up badly. */
const ROUND_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400].map((seconds) => seconds * 1000);

/** The smallest round step giving at most about 250 steps over `[startMs, endMs]`. */
export function autoStepMs(startMs: number, endMs: number): number {
  const wanted = Math.max(1000, (endMs - startMs) / TARGET_POINTS);
  return ROUND_STEPS_MS.find((step) => step >= wanted) ?? Math.ceil(wanted / 86_400_000) * 86_400_000;
}

/** Checks a range and step the way Prometheus does, with its own words, before anything is sent. */
export function checkRange(startMs: number, endMs: number, stepMs: number): void {
  if (!(endMs >= startMs)) throw new AppError('bad-request', 'The end of the range is before its start.');
  if (!(stepMs > 0)) throw new AppError('bad-request', 'zero or negative query resolution step widths are not accepted. Try a positive integer');
  if ((endMs - startMs) / stepMs > MAX_RANGE_POINTS) {
    throw new AppError('bad-request', `exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)`);
  }
}
