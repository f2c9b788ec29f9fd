// Label sets as the store keeps them: `__name__` first, the rest sorted by name (bytewise, as
// Prometheus sorts), empty values dropped (in Prometheus an empty label is the same as no label,
// so `a{x=""}` and `a` are one series), strings interned so that thousands of series share one
// "kube-system".

/** A label set including `__name__`. Shared with the store: never mutate it. */
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

/** Target labels prepared once per target for `seriesLabels`: internal (`__`) ones dropped. */
export interface TargetLabelSet {
  names: string[];
  values: string[];
  nameSet: Set<string>;
}

/** Prepares target labels for `seriesLabels`. */
export function prepareTargetLabels(targetLabels: Readonly<Record<string, string>>, interner: LabelInterner): TargetLabelSet {
  const names: string[] = [];
  const values: string[] = [];
  for (const name of Object.keys(targetLabels)) {
    if (name.startsWith('__')) continue;
    names.push(interner.intern(name));
    values.push(interner.intern(targetLabels[name]));
  }
  return { names, values, nameSet: new Set(names) };
}

/**
 * Builds a series' label set from a scraped metric name and flat `[name, value, …]` labels plus the
 * target labels, following Prometheus `honor_labels: false` (scrape/scrape.go mutateSampleLabels,
 * resolveConflictingExposedLabels): a non-empty scraped label that a target label would overwrite
 * is kept as `exported_<name>` (prefixed again while that name is taken); target labels win.
 * Target labels starting with `__` are internal (Prometheus drops them after relabelling) and are
 * not added. Runs once per new series, so it avoids intermediate collections.
 */
export function seriesLabels(name: string, scraped: readonly string[], target: TargetLabelSet, interner: LabelInterner): BuiltLabels {
  const names = scratchNames;
  const values = scratchValues;
  names.length = 0;
  values.length = 0;
  for (let i = 0; i < scraped.length; i += 2) {
    const value = scraped[i + 1];
    if (value === '') continue;
    let label = scraped[i];
    if (target.nameSet.has(label)) {
      label = EXPORTED_PREFIX + label;
      while (target.nameSet.has(label) || scrapedHas(scraped, label)) label = EXPORTED_PREFIX + label;
    }
    names.push(label);
    values.push(value);
  }
  for (let i = 0; i < target.names.length; i++) {
    if (target.values[i] === '') continue;
    names.push(target.names[i]);
    values.push(target.values[i]);
  }
  return buildLabelSet(name, names, values, interner);
}

function scrapedHas(scraped: readonly string[], label: string): boolean {
  for (let i = 0; i < scraped.length; i += 2) if (scraped[i] === label && scraped[i + 1] !== '') return true;
  return false;
}

/** `__name__` first, then the other non-empty labels sorted by name; interned. */
export function canonicalLabels(labels: Readonly<Record<string, string>>, interner: LabelInterner): BuiltLabels {
  const names = scratchNames;
  const values = scratchValues;
  names.length = 0;
  values.length = 0;
  for (const label of Object.keys(labels)) {
    if (label === '__name__' || labels[label] === '') continue;
    names.push(label);
    values.push(labels[label]);
  }
  return buildLabelSet(labels.__name__ ?? '', names, values, interner);
}

/** A label set and its `hashLabels` value, computed while building it. */
export interface BuiltLabels {
  labels: LabelSet;
  hash: number;
}

// Reused by seriesLabels/canonicalLabels (single-threaded, not re-entrant): one pair of arrays
// instead of two per new series.
const scratchNames: string[] = [];
const scratchValues: string[] = [];

/** Sorts the pairs by name (insertion sort: label sets are small) and builds the object and its hash. */
function buildLabelSet(name: string, names: string[], values: string[], interner: LabelInterner): BuiltLabels {
  for (let i = 1; i < names.length; i++) {
    const n = names[i];
    const v = values[i];
    let j = i - 1;
    while (j >= 0 && names[j] > n) {
      names[j + 1] = names[j];
      values[j + 1] = values[j];
      j--;
    }
    names[j + 1] = n;
    values[j + 1] = v;
  }
  const result: Record<string, string> = {};
  let hash = FNV_OFFSET;
  if (name !== '') {
    result.__name__ = interner.intern(name);
    hash = hashPair(hash, '__name__', name);
  }
  for (let i = 0; i < names.length; i++) {
    result[interner.intern(names[i])] = interner.intern(values[i]);
    hash = hashPair(hash, names[i], values[i]);
  }
  return { labels: result, hash: hash >>> 0 };
}

const FNV_OFFSET = 0x811c9dc5;

function hashPair(seed: number, name: string, value: string): number {
  let hash = fnv(seed, name);
  hash = Math.imul(hash ^ 0xff, 0x01000193);
  hash = fnv(hash, value);
  return Math.imul(hash ^ 0xfe, 0x01000193);
}

/** 32-bit FNV-1a over the label pairs in stored (canonical) order; equals `BuiltLabels.hash`. */
export function hashLabels(labels: LabelSet): number {
  let hash = FNV_OFFSET;
  for (const name in labels) hash = hashPair(hash, name, labels[name]);
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
