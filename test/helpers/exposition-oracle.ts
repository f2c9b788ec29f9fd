// An independent reading of text 0.0.4 expositions, for comparing against Slicewise's parser:
// the npm parse-prometheus-text-format (written by other people, with a different design) turned
// back into one sample per line. It drops nothing we compare: names, label sets, values and
// millisecond timestamps. Its quirks are adapted here, not in the code under test.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/** One sample keyed the same way for both sides: name plus labels sorted by name. */
export interface OracleSample {
  key: string;
  value: number;
  timestampMs: number | null;
}

/** Go/Prometheus float text to number (`+Inf`, `-Inf`, `NaN` included). */
export function promFloat(text: string): number {
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  return Number(text);
}

/** Canonical key for a sample: `name{a="1",b="2"}` with labels sorted by name. */
export function sampleKey(name: string, labels: Record<string, string>): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((label) => `${label}=${JSON.stringify(labels[label])}`);
  return `${name}{${pairs.join(',')}}`;
}

interface OracleMetric {
  value?: string;
  labels?: Record<string, string>;
  timestamp_ms?: string;
}

interface OracleFamily {
  name: string;
  type: string;
  metrics: OracleMetric[];
}

/**
 * Samples of the counter, gauge and untyped families of a text exposition according to
 * parse-prometheus-text-format. Histogram and summary families are left out: that parser drops the
 * labels of their series and merges them (e.g. every `handler` of a labelled summary collapses
 * into one), so it cannot serve as an oracle for them; `skippedFamilies` names them.
 */
export function oracleSamples(text: string): { samples: OracleSample[]; skippedFamilies: string[] } {
  const families = parsePrometheusTextFormat(text) as OracleFamily[];
  const samples: OracleSample[] = [];
  const skippedFamilies: string[] = [];
  for (const family of families) {
    if (family.type === 'HISTOGRAM' || family.type === 'SUMMARY') {
      skippedFamilies.push(family.name);
      continue;
    }
    for (const metric of family.metrics) {
      if (metric.value === undefined) continue;
      samples.push({
        key: sampleKey(family.name, metric.labels ?? {}),
        value: promFloat(metric.value),
        timestampMs: metric.timestamp_ms === undefined ? null : Number(metric.timestamp_ms),
      });
    }
  }
  return { samples, skippedFamilies };
}
