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

/** Target labels prepared once per target for `seriesLabels`: internal (`__`) ones dropped, strings interned and hashed. */
export interface TargetLabelSet {
  names: string[];
  values: string[];
  nameHashes: number[];
  valueHashes: number[];
  nameSet: Set<string>;
}

/** Prepares target labels for `seriesLabels`. */
export function prepareTargetLabels(targetLabels: Readonly<Record<string, string>>, interner: LabelInterner): TargetLabelSet {
  const prepared: TargetLabelSet = { names: [], values: [], nameHashes: [], valueHashes: [], nameSet: new Set() };
  for (const name of Object.keys(targetLabels)) {
    if (name.startsWith('__')) continue;
    const value = targetLabels[name];
    prepared.names.push(interner.intern(name));
    prepared.values.push(interner.intern(value));
    prepared.nameHashes.push(stringHash(name));
    prepared.valueHashes.push(stringHash(value));
    prepared.nameSet.add(name);
  }
  return prepared;
}

/**
 * A scraped series as indices into a string table (the receiver's mirror of a decoder's table,
 * with interned strings and their `stringHash`es): metric name `table[nameIndex]`, labels as
 * `labelCount` (name, value) index pairs at `layout[offset…]`.
 */
export interface IndexedSeries {
  table: readonly string[];
  hashes: readonly number[];
  layout: Int32Array;
  nameIndex: number;
  offset: number;
  labelCount: number;
}

/**
 * Builds a series' label set from a scraped series plus the target labels, following Prometheus
 * `honor_labels: false` (scrape/scrape.go mutateSampleLabels, resolveConflictingExposedLabels): a
 * non-empty scraped label that a target label would overwrite is kept as `exported_<name>`
 * (prefixed again while that name is taken); target labels win. Target labels starting with `__`
 * are internal (Prometheus drops them after relabelling) and are not added. Runs once per new
 * series: no per-character work for strings already in the table.
 */
export function seriesLabels(series: IndexedSeries, target: TargetLabelSet, interner: LabelInterner): BuiltLabels {
  const { table, hashes, layout } = series;
  resetScratch();
  for (let l = 0, i = series.offset; l < series.labelCount; l++, i += 2) {
    const valueIndex = layout[i + 1];
    const value = table[valueIndex];
    if (value === '') continue;
    let label = table[layout[i]];
    let labelHash = hashes[layout[i]];
    if (target.nameSet.has(label)) {
      label = EXPORTED_PREFIX + label;
      while (target.nameSet.has(label) || scrapedHas(series, label)) label = EXPORTED_PREFIX + label;
      label = interner.intern(label);
      labelHash = stringHash(label);
    }
    pushScratch(label, labelHash, value, hashes[valueIndex]);
  }
  for (let i = 0; i < target.names.length; i++) {
    if (target.values[i] !== '') pushScratch(target.names[i], target.nameHashes[i], target.values[i], target.valueHashes[i]);
  }
  return buildLabelSet(table[series.nameIndex], hashes[series.nameIndex]);
}

function scrapedHas(series: IndexedSeries, label: string): boolean {
  for (let l = 0, i = series.offset; l < series.labelCount; l++, i += 2) {
    if (series.table[series.layout[i]] === label && series.table[series.layout[i + 1]] !== '') return true;
  }
  return false;
}

/** `__name__` first, then the other non-empty labels sorted by name; interned. */
export function canonicalLabels(labels: Readonly<Record<string, string>>, interner: LabelInterner): BuiltLabels {
  resetScratch();
  for (const label of Object.keys(labels)) {
    const value = labels[label];
    if (label === '__name__' || value === '') continue;
    pushScratch(interner.intern(label), stringHash(label), interner.intern(value), stringHash(value));
  }
  const name = labels.__name__ ?? '';
  return buildLabelSet(interner.intern(name), stringHash(name));
}

/** A label set and its `hashLabels` value, computed while building it. */
export interface BuiltLabels {
  labels: LabelSet;
  hash: number;
}

// Scratch pairs for building one label set (single-threaded, not re-entrant): no arrays per series.
const scratchNames: string[] = [];
const scratchValues: string[] = [];
const scratchNameHashes: number[] = [];
const scratchValueHashes: number[] = [];

function resetScratch(): void {
  scratchNames.length = scratchValues.length = scratchNameHashes.length = scratchValueHashes.length = 0;
}

function pushScratch(name: string, nameHash: number, value: string, valueHash: number): void {
  scratchNames.push(name);
  scratchValues.push(value);
  scratchNameHashes.push(nameHash);
  scratchValueHashes.push(valueHash);
}

/** Sorts the scratch pairs by name (insertion sort: label sets are small and usually sorted) and builds the object and its hash. */
function buildLabelSet(name: string, nameHash: number): BuiltLabels {
  const names = scratchNames;
  const values = scratchValues;
  const nameHashes = scratchNameHashes;
  const valueHashes = scratchValueHashes;
  for (let i = 1; i < names.length; i++) {
    if (names[i - 1] <= names[i]) continue;
    const n = names[i];
    const v = values[i];
    const nh = nameHashes[i];
    const vh = valueHashes[i];
    let j = i - 1;
    while (j >= 0 && names[j] > n) {
      names[j + 1] = names[j];
      values[j + 1] = values[j];
      nameHashes[j + 1] = nameHashes[j];
      valueHashes[j + 1] = valueHashes[j];
      j--;
    }
    names[j + 1] = n;
    values[j + 1] = v;
    nameHashes[j + 1] = nh;
    valueHashes[j + 1] = vh;
  }
  const result: Record<string, string> = {};
  let hash = FNV_OFFSET;
  if (name !== '') {
    result.__name__ = name;
    hash = combine(combine(hash, NAME_LABEL_HASH), nameHash);
  }
  for (let i = 0; i < names.length; i++) {
    result[names[i]] = values[i];
    hash = combine(combine(hash, nameHashes[i]), valueHashes[i]);
  }
  return { labels: result, hash: hash >>> 0 };
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a of a string's UTF-16 code units. */
export function stringHash(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return hash >>> 0;
}

const NAME_LABEL_HASH = stringHash('__name__');

function combine(hash: number, part: number): number {
  return Math.imul(hash ^ part, FNV_PRIME);
}

/** Hash of a label set from its string hashes, in stored (canonical) order; equals `BuiltLabels.hash`. */
export function hashLabels(labels: LabelSet): number {
  let hash = FNV_OFFSET;
  for (const name in labels) hash = combine(combine(hash, stringHash(name)), stringHash(labels[name]));
  return hash >>> 0;
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
