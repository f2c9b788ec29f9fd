// Label sets as the store keeps them: `__name__` first, the rest sorted by name (bytewise, as
// Prometheus sorts), empty values dropped (in Prometheus an empty label is the same as no label,
// so `a{x=""}` and `a` are one series), strings interned so that thousands of series share one
// "kube-system".

/** A label set including `__name__`. Frozen; never mutate. */
export type LabelSet = Readonly<Record<string, string>>;

/** Prometheus' prefix for scraped labels that collide with target labels (`honor_labels: false`). */
const EXPORTED_PREFIX = 'exported_';

/** Shares equal strings between label sets. */
export class LabelInterner {
  readonly #strings = new Map<string, string>();

  intern(value: string): string {
    const kept = this.#strings.get(value);
    if (kept !== undefined) return kept;
    this.#strings.set(value, value);
    return value;
  }

  /** Drops strings no longer used by any live label set (`live` visits each live set). */
  retainOnly(live: Iterable<LabelSet>): void {
    const used = new Set<string>();
    for (const labels of live) {
      for (const name in labels) {
        used.add(name);
        used.add(labels[name]);
      }
    }
    for (const value of this.#strings.keys()) if (!used.has(value)) this.#strings.delete(value);
  }

  get size(): number {
    return this.#strings.size;
  }
}

/**
 * Builds a series' label set from a scraped metric name and flat `[name, value, …]` labels plus the
 * target labels, following Prometheus `honor_labels: false` (scrape/scrape.go mutateSampleLabels,
 * resolveConflictingExposedLabels): a scraped label that a non-empty target label would overwrite
 * is kept as `exported_<name>` (prefixed again while that name is taken); target labels win.
 * Target labels starting with `__` are internal (Prometheus drops them after relabelling) and are
 * not added.
 */
export function seriesLabels(
  name: string,
  scraped: readonly string[],
  targetLabels: Readonly<Record<string, string>>,
  interner: LabelInterner,
): LabelSet {
  const merged = new Map<string, string>();
  for (let i = 0; i < scraped.length; i += 2) merged.set(scraped[i], scraped[i + 1]);
  const taken = new Set(merged.keys());
  for (const target of Object.keys(targetLabels)) if (!target.startsWith('__')) taken.add(target);
  for (const target of Object.keys(targetLabels)) {
    if (target.startsWith('__')) continue;
    const existing = merged.get(target);
    if (existing !== undefined && existing !== '') {
      let exported = EXPORTED_PREFIX + target;
      while (taken.has(exported)) exported = EXPORTED_PREFIX + exported;
      taken.add(exported);
      merged.set(exported, existing);
    }
    merged.set(target, targetLabels[target]);
  }
  merged.set('__name__', name);
  return canonicalLabels(merged, interner);
}

/** `__name__` first, then the other non-empty labels sorted by name; interned and frozen. */
export function canonicalLabels(labels: Map<string, string> | Readonly<Record<string, string>>, interner: LabelInterner): LabelSet {
  const entries = labels instanceof Map ? [...labels] : Object.entries(labels);
  const result: Record<string, string> = {};
  const name = labels instanceof Map ? labels.get('__name__') : labels.__name__;
  if (name !== undefined && name !== '') result.__name__ = interner.intern(name);
  const rest = entries.filter(([label, value]) => label !== '__name__' && value !== '');
  rest.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [label, value] of rest) result[interner.intern(label)] = interner.intern(value);
  return Object.freeze(result);
}

/** 32-bit FNV-1a over the label pairs (order as stored, i.e. canonical). */
export function hashLabels(labels: LabelSet): number {
  let hash = 0x811c9dc5;
  for (const name in labels) {
    hash = fnv(hash, name);
    hash = Math.imul(hash ^ 0xff, 0x01000193);
    hash = fnv(hash, labels[name]);
    hash = Math.imul(hash ^ 0xfe, 0x01000193);
  }
  return hash >>> 0;
}

function fnv(seed: number, text: string): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

/** Whether two canonical label sets are equal. */
export function sameLabels(a: LabelSet, b: LabelSet): boolean {
  if (a === b) return true;
  let count = 0;
  for (const name in a) {
    if (a[name] !== b[name]) return false;
    count++;
  }
  for (const _ in b) count--;
  return count === 0;
}
