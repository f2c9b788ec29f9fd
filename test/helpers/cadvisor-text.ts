/** One sample line of an exposition text, as `rewriteExposition` hands it to its callback. */
export interface TextSample {
  /** `name{labels}` exactly as written. */
  series: string;
  name: string;
  /** The `id` label (the cgroup), when present; `boot_id` and friends are not mistaken for it. */
  id: string | undefined;
  value: number;
  timestampMs: number | null;
}

function parseNumber(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function formatNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/**
 * Rewrites the sample lines of a Prometheus text exposition (comments kept): the callback returns
 * the new value and timestamp, or null to drop the line. For tests that need a second scrape of a
 * recorded dump with known increases and times.
 */
export function rewriteExposition(text: string, rewrite: (sample: TextSample) => { value: number; timestampMs: number | null } | null): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) {
      out.push(line);
      continue;
    }
    const brace = line.lastIndexOf('}');
    const seriesEnd = brace >= 0 ? brace + 1 : line.indexOf(' ');
    const series = line.slice(0, seriesEnd);
    const rest = line.slice(seriesEnd).trim().split(/\s+/);
    const name = series.includes('{') ? series.slice(0, series.indexOf('{')) : series;
    const id = /[{,]id="([^"]*)"/.exec(series)?.[1];
    const next = rewrite({ series, name, id, value: parseNumber(rest[0]), timestampMs: rest[1] === undefined ? null : Number(rest[1]) });
    if (next === null) continue;
    out.push(`${series} ${formatNumber(next.value)}${next.timestampMs === null ? '' : ` ${Math.round(next.timestampMs)}`}`);
  }
  return out.join('\n');
}

/** The newest sample timestamp in an exposition, or null when no sample has one. */
export function newestTimestampMs(text: string): number | null {
  let newest: number | null = null;
  rewriteExposition(text, (sample) => {
    if (sample.timestampMs !== null && (newest === null || sample.timestampMs > newest)) newest = sample.timestampMs;
    return sample;
  });
  return newest;
}
