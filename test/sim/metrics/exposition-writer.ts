import { escapeLabelValue, formatGoFloat } from './exposition-template.js';

/**
 * Writes a text exposition (0.0.4) the way client_golang's registry gathers and encodes one:
 * families sorted by name, label names sorted within each sample, samples of a family sorted by
 * their label values in label-name order, histogram buckets in bucket order with `le` last, then
 * `_sum` and `_count`. Sources: prometheus/client_golang prometheus/registry.go (Gather sorts
 * families and metrics), internal/metric.go (LabelPairSorter, MetricSorter), prometheus/common
 * expfmt/text_create.go (HELP escaping, `le` formatting with the same float format as values).
 * Used by the payloads the simulator generates for exporters it has no recording of.
 */

export type Labels = Readonly<Record<string, string>>;

interface Series {
  readonly sortKey: string;
  readonly lines: string[];
}

interface Family {
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly series: Series[];
}

function sortedPairs(labels: Labels): Array<[string, string]> {
  return Object.keys(labels)
    .sort()
    .map((name) => [name, labels[name]]);
}

function labelBlock(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.length ? `{${pairs.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}` : '';
}

/** HELP text escaping of the text format: backslash and newline only. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export class ExpositionWriter {
  readonly #families = new Map<string, Family>();

  counter(name: string, help: string, labels: Labels, value: number): this {
    return this.#sample(name, help, 'counter', labels, [`${name}${labelBlock(sortedPairs(labels))} ${formatGoFloat(value)}`]);
  }

  gauge(name: string, help: string, labels: Labels, value: number): this {
    return this.#sample(name, help, 'gauge', labels, [`${name}${labelBlock(sortedPairs(labels))} ${formatGoFloat(value)}`]);
  }

  /**
   * One histogram series. `cumulative[i]` is the count of observations ≤ `upperBounds[i]`
   * (non-decreasing); the `+Inf` bucket is `count`.
   */
  histogram(name: string, help: string, labels: Labels, upperBounds: readonly number[], cumulative: readonly number[], sum: number, count: number): this {
    if (upperBounds.length !== cumulative.length) throw new Error(`${name}: ${upperBounds.length} bounds but ${cumulative.length} bucket counts`);
    const pairs = sortedPairs(labels);
    const lines = upperBounds.map((bound, i) => `${name}_bucket${labelBlock([...pairs, ['le', formatGoFloat(bound)]])} ${formatGoFloat(cumulative[i])}`);
    lines.push(`${name}_bucket${labelBlock([...pairs, ['le', '+Inf']])} ${formatGoFloat(count)}`);
    lines.push(`${name}_sum${labelBlock(pairs)} ${formatGoFloat(sum)}`);
    lines.push(`${name}_count${labelBlock(pairs)} ${formatGoFloat(count)}`);
    return this.#sample(name, help, 'histogram', labels, lines);
  }

  #sample(name: string, help: string, type: Family['type'], labels: Labels, lines: string[]): this {
    let family = this.#families.get(name);
    if (!family) this.#families.set(name, (family = { help, type, series: [] }));
    else if (family.type !== type) throw new Error(`${name} written as ${type} and as ${family.type}`);
    // Label values joined with a separator that cannot occur in them, in label-name order.
    family.series.push({ sortKey: sortedPairs(labels).map(([, value]) => value).join('\u0000'), lines });
    return this;
  }

  render(): string {
    const out: string[] = [];
    for (const name of [...this.#families.keys()].sort()) {
      const family = this.#families.get(name) as Family;
      out.push(`# HELP ${name} ${escapeHelp(family.help)}`, `# TYPE ${name} ${family.type}`);
      const series = [...family.series].sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
      for (const entry of series) out.push(...entry.lines);
    }
    return out.join('\n') + '\n';
  }
}

/**
 * Cumulative bucket counts for `count` observations distributed by `cdf` (fractions ≤ each bound,
 * non-decreasing). Flooring keeps every bucket monotonic in `count`, so counters built on a count
 * that only grows never go backwards.
 */
export function cumulativeBuckets(count: number, cdf: readonly number[]): number[] {
  return cdf.map((fraction) => Math.floor(count * fraction));
}

/** `floor(ratePerSec × elapsedSec)`, never negative: a counter that grew steadily since its process started. */
export function steadyCount(ratePerSec: number, elapsedSec: number): number {
  return elapsedSec > 0 ? Math.floor(ratePerSec * elapsedSec) : 0;
}
