// rate(), irate() and increase() over the samples of one series, with Prometheus 2.x semantics
// (promql/functions.go extrapolatedRate and instantValue, v2.42):
//
// - The window is [t - range, t], both ends included (Prometheus 3 made the start exclusive).
// - Stale markers are not samples; at least two samples are needed, otherwise there is no result.
// - Counter resets: whenever a sample is lower than the one before, the earlier value is added back
//   (the counter is assumed to have restarted from 0).
// - Extrapolation: the increase between the first and last sample is extended towards the window
//   edges, by the full gap when the first/last sample is within 1.1 × the average sample spacing
//   of the edge, otherwise by half an average spacing; for counters, never past the point where
//   the counter would have been 0.
// - rate = increase / range in seconds; irate uses only the last two samples.

/**
 * `increase` (`isRate` false) or `rate` (`isRate` true) of a counter from samples `ts`/`vs` (ms,
 * oldest first, `count` of them) in the window [`startMs`, `endMs`]. Null when fewer than two
 * samples.
 */
export function extrapolatedRate(
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  count: number,
  startMs: number,
  endMs: number,
  isRate: boolean,
): number | null {
  if (count < 2) return null;
  const firstT = ts[0];
  const lastT = ts[count - 1];
  const firstV = vs[0];
  let result = vs[count - 1] - firstV;
  let previous = 0;
  for (let i = 0; i < count; i++) {
    const value = vs[i];
    if (value < previous) result += previous;
    previous = value;
  }
  let durationToStart = (firstT - startMs) / 1000;
  const durationToEnd = (endMs - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (count - 1);
  if (result > 0 && firstV >= 0) {
    const durationToZero = sampledInterval * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  let extrapolateToInterval = sampledInterval;
  extrapolateToInterval += durationToStart < extrapolationThreshold ? durationToStart : averageDurationBetweenSamples / 2;
  extrapolateToInterval += durationToEnd < extrapolationThreshold ? durationToEnd : averageDurationBetweenSamples / 2;
  result *= extrapolateToInterval / sampledInterval;
  if (isRate) result /= (endMs - startMs) / 1000;
  return result;
}

/** `irate`: per-second rate between the last two samples (a drop counts as a reset). Null when fewer than two samples or no time between them. */
export function instantRate(ts: ArrayLike<number>, vs: ArrayLike<number>, count: number): number | null {
  if (count < 2) return null;
  const last = vs[count - 1];
  const previous = vs[count - 2];
  const interval = ts[count - 1] - ts[count - 2];
  if (interval === 0) return null;
  const delta = last < previous ? last : last - previous;
  return delta / (interval / 1000);
}
