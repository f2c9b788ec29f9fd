import type { CatalogFamily } from '../../../preload/contract/index.js';
import type { Unit } from '../../lib/format/units.js';

/** The Explorer's time ranges and their labels. */
export const TIME_RANGES: readonly { label: string; ms: number }[] = [
  { label: '5m', ms: 5 * 60_000 },
  { label: '15m', ms: 15 * 60_000 },
  { label: '1h', ms: 60 * 60_000 },
  { label: '6h', ms: 6 * 60 * 60_000 },
  { label: '24h', ms: 24 * 60 * 60_000 },
  { label: '7d', ms: 7 * 24 * 60 * 60_000 },
];

/** Quotes a label value as PromQL does. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * The expression that charts a family: counters as `rate(…[1m])`, histograms and summaries as the
 * rate of their `_count`, everything else as is; `selector` (matchers without braces) narrows it.
 */
export function familyExpression(family: Pick<CatalogFamily, 'name' | 'type' | 'seriesNames'>, selector = ''): string {
  const names = family.seriesNames.length > 0 ? family.seriesNames : [family.name];
  const braces = selector ? `{${selector}}` : '';
  switch (family.type) {
    case 'counter': {
      const series = names.find((name) => name.endsWith('_total')) ?? names[0];
      return `rate(${series}${braces}[1m])`;
    }
    case 'histogram':
    case 'summary':
    case 'gaugehistogram': {
      const count = names.find((name) => name.endsWith('_count') || name.endsWith('_gcount'));
      return count ? `rate(${count}${braces}[1m])` : `${names[0]}${braces}`;
    }
    default:
      return `${family.name}${braces}`;
  }
}

/** A legend label per series: the labels whose values differ between the series (all labels when alone). */
export function legendLabels(metrics: readonly Record<string, string>[]): string[] {
  if (metrics.length === 0) return [];
  const names = new Set<string>();
  for (const metric of metrics) for (const name of Object.keys(metric)) names.add(name);
  const varying = [...names].filter((name) => name !== '__name__' && metrics.some((metric) => (metric[name] ?? '') !== (metrics[0][name] ?? ''))).sort();
  const shown = metrics.length === 1 || varying.length === 0 ? [...names].filter((name) => name !== '__name__').sort() : varying;
  return metrics.map((metric) => {
    const body = shown.filter((name) => metric[name] !== undefined).map((name) => `${name}=${quote(metric[name])}`).join(', ');
    return `${metric.__name__ ?? ''}{${body}}`;
  });
}

/** Words of PromQL that are not metric names. */
const KEYWORDS = new Set(['rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'sum', 'avg', 'max', 'min', 'count', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'topk', 'bottomk', 'quantile', 'histogram_quantile', 'abs', 'and', 'or', 'unless']);

/**
 * The chart unit an expression most likely has, from its first metric name's unit suffix
 * (Prometheus naming conventions): `rate()` of a `*cpu*_seconds_total` is CPU cores, of
 * `*_bytes_total` bytes per second; plain `*_bytes` are bytes and `*_seconds` seconds.
 */
export function guessUnit(expr: string): Unit {
  // Strings, matchers and grouping clauses hold label names, not metric names.
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""').replace(/\{[^}]*\}/g, '').replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '');
  const name = (withoutStrings.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []).find((word) => !KEYWORDS.has(word) && word.includes('_')) ?? '';
  const rated = /\b(rate|irate|deriv)\s*\(/.test(withoutStrings);
  if (rated && /cpu.*_seconds_total$/.test(name)) return 'cores';
  if (rated && /_bytes_total$/.test(name)) return 'bytesPerSecond';
  if (!rated && /_bytes$/.test(name)) return 'bytes';
  if (!rated && /_seconds$/.test(name)) return 'seconds';
  return 'none';
}
