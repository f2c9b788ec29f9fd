import { expect } from 'vitest';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { parseLabels } from '../sim/metrics/exposition-template.js';

// Reading generated expositions back in tests of the simulator's payloads: samples by series key,
// family types by an independent parser, and the invariants every scrape must keep.

/** `name{a="1",b="2"}` → value, labels re-sorted so lookups need not know the writer's order. */
export function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels = parseLabels(match[2] ?? '').sort(([a], [b]) => (a < b ? -1 : 1));
    out.set(`${match[1]}{${labels.map(([k, v]) => `${k}=${v}`).join(',')}}`, Number(match[3] === '+Inf' ? Infinity : match[3]));
  }
  return out;
}

export const key = (name: string, labels: Record<string, string> = {}) => `${name}{${Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',')}}`;

/** Families and types as the npm parser (an independent implementation) reads them. */
export function familyTypes(text: string): Record<string, string> {
  return Object.fromEntries((parsePrometheusTextFormat(text) as Array<{ name: string; type: string }>).map((family) => [family.name, family.type]));
}

/** Every counter and histogram sample of `later` is ≥ the same sample of `earlier`. */
export function expectMonotonic(earlier: string, later: string, counterNames: (name: string) => boolean): void {
  const a = samples(earlier);
  const b = samples(later);
  for (const [name, value] of a) {
    if (!counterNames(name.slice(0, name.indexOf('{')))) continue;
    expect(b.get(name), name).toBeGreaterThanOrEqual(value);
  }
}

/** Cumulative buckets never decrease with `le`, and `+Inf` equals `_count`. */
export function expectHistogramsConsistent(text: string): void {
  const bySeries = new Map<string, Array<{ le: number; value: number }>>();
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const bucket = /^(\w+)_bucket\{(.*)\} (\S+)$/.exec(line);
    if (bucket) {
      const labels = parseLabels(`{${bucket[2]}}`);
      const le = labels.find(([k]) => k === 'le')?.[1] as string;
      const series = `${bucket[1]}{${labels.filter(([k]) => k !== 'le').map(([k, v]) => `${k}=${v}`).join(',')}}`;
      const list = bySeries.get(series) ?? [];
      list.push({ le: le === '+Inf' ? Infinity : Number(le), value: Number(bucket[3]) });
      bySeries.set(series, list);
      continue;
    }
    const count = /^(\w+)_count(?:\{(.*)\})? (\S+)$/.exec(line);
    if (count) counts.set(`${count[1]}{${parseLabels(count[2] ? `{${count[2]}}` : '').map(([k, v]) => `${k}=${v}`).join(',')}}`, Number(count[3]));
  }
  expect(bySeries.size).toBeGreaterThan(0);
  for (const [series, buckets] of bySeries) {
    for (let i = 1; i < buckets.length; i++) {
      expect(buckets[i].le, series).toBeGreaterThan(buckets[i - 1].le);
      expect(buckets[i].value, series).toBeGreaterThanOrEqual(buckets[i - 1].value);
    }
    expect(buckets.at(-1)?.le).toBe(Infinity);
    expect(buckets.at(-1)?.value, series).toBe(counts.get(series));
  }
}
