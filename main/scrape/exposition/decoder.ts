// Decodes one target's scrapes into columns, with a series-key cache (Prometheus scrapeCache,
// scrape/scrape.go: "the scrape cache is keyed by the raw series bytes, so a known series skips
// label parsing").
//
// Each distinct raw series text ("name{labels}" exactly as written) gets a small integer `ref` the
// first time it is seen; its labels are parsed and validated once and announced (see
// `AnnouncedSeries`: a string table plus integer layout, so 30,000 new series cross the worker
// boundary as a few thousand strings and one Int32Array, not 500,000 strings in 60,000 objects).
// On later scrapes the line is matched against the series that came at the same position in the
// previous scrape (exporters print series in a stable order), with one `startsWith`; only the value
// and timestamp are parsed. When the order changes, the raw text is looked up in a Map instead.
// The output is columnar (ref, value, timestamp per sample) so it can cross a worker boundary as
// transferable typed arrays.
import { DEFAULT_LIMITS, LimitError, type ResolvedLimits } from '../limits.js';
import { TextFamilies } from './families.js';
import { OpenMetricsChecker, type SampleIdentity } from './openmetrics-rules.js';
import {
  ENTRY_END,
  ENTRY_HELP,
  ENTRY_SERIES,
  ENTRY_TYPE,
  ENTRY_UNIT,
  ExpositionParser,
  type ExpositionFormat,
} from './parser.js';
import type { FamilyMeta } from './samples.js';
import { StringInterner, detachString, utf8ByteLength } from './strings.js';
import { decodeExpositionBytes } from './text-decoding.js';

/** A series the decoder has not announced before: `labels` is flat `[name0, value0, name1, value1, …]` in input order, without `__name__`. */
export interface NewSeries {
  ref: number;
  name: string;
  labels: string[];
}

/**
 * The series first used in one result, compactly. The decoder keeps a string table per epoch (every
 * metric name, label name and label value it announced, once); `strings` are the entries added by
 * this result, starting at index `stringBase`. `layout` holds, per series, its ref, the string index
 * of its metric name, its label count n, then n pairs of string indices (name, value), in input order.
 * A receiver mirrors the table (see `readAnnounced`) and must see every result of an epoch in order.
 */
export interface AnnouncedSeries {
  count: number;
  stringBase: number;
  strings: string[];
  layout: Int32Array;
}

/**
 * Appends `announced.strings` to `table` (the receiver's mirror of the decoder's string table for
 * this epoch) and returns the announced series as objects. Returns null when the mirror is out of
 * step (a result was missed): the receiver should then ask for a decoder reset.
 */
export function readAnnounced(announced: AnnouncedSeries, table: string[]): NewSeries[] | null {
  if (announced.stringBase !== table.length) return null;
  for (const value of announced.strings) table.push(value);
  const series: NewSeries[] = [];
  const layout = announced.layout;
  let i = 0;
  for (let n = 0; n < announced.count; n++) {
    const ref = layout[i++];
    const name = table[layout[i++]];
    const labelCount = layout[i++];
    const labels: string[] = [];
    for (let l = 0; l < 2 * labelCount; l++) labels.push(table[layout[i++]]);
    series.push({ ref, name, labels });
  }
  return series;
}
/**
 * One decoded scrape. The first `count` entries of `refs`, `values` and `timestampsMs` are the
 * samples, in exposition order, at most one per series (later duplicates are dropped and counted,
 * as Prometheus drops a second sample for the same series and timestamp). `timestampsMs` is NaN
 * where the line had no timestamp.
 */
export interface DecodedScrape {
  /** Identifies the ref space: when it changes, refs from earlier results mean nothing. */
  epoch: string;
  count: number;
  refs: Int32Array;
  values: Float64Array;
  timestampsMs: Float64Array;
  /** Definitions of the refs first used in this result. */
  announced: AnnouncedSeries;
  /** Family metadata, or null when unchanged since this decoder's previous result. */
  families: FamilyMeta[] | null;
  /** Sample lines, duplicates included (Prometheus `scrape_samples_scraped`). */
  samplesScraped: number;
  duplicates: number;
  /** Wall time spent decoding and parsing, in ms. */
  parseMs: number;
}

/** Options for one decoder (one target). */
export interface DecoderOptions {
  limits?: ResolvedLimits;
  /** Target labels that will be added to every series; they count towards the label limit. */
  targetLabelCount?: number;
  /** OpenMetrics: enforce the specification's family rules (see `ReadOptions.strict`). Default false, as Prometheus. */
  strict?: boolean;
}

class NameInfo {
  seen = 0;
  constructor(readonly name: string) {}
}

class SeriesEntry implements SampleIdentity {
  lastSeen = 0;
  /** Index in the order of the scrape it was last seen in (used to resynchronise the prediction). */
  orderIndex = -1;
  omGroupExclude?: string;
  omGroupKey?: string;

  constructor(
    readonly key: string,
    readonly ref: number,
    readonly nameInfo: NameInfo,
    readonly labelNames: string[],
    readonly labelValues: string[],
  ) {}

  get name(): string {
    return this.nameInfo.name;
  }
}

let epochCounter = 0;
const NO_LABELS: string[] = [];

/**
 * Decodes the scrapes of one target. Keep one per target for the cache to pay off; it is not
 * shared between targets. Throws `ParseError` or `LimitError`; a failed decode leaves the cache as
 * it was before it.
 */
export class ScrapeDecoder {
  readonly #limits: ResolvedLimits;
  readonly #targetLabelCount: number;
  readonly #strict: boolean;
  readonly #cache = new Map<string, SeriesEntry>();
  readonly #names = new Map<string, NameInfo>();
  readonly #strings = new StringInterner();
  /** The announced string table of this epoch: string → index, and the strings in index order. */
  readonly #tableIndex = new Map<string, number>();
  #table: string[] = [];
  #order: SeriesEntry[] = [];
  #seq = 0;
  #nextRef = 0;
  #epoch = '';
  #familiesSignature = '';
  #resetPending = false;
  #format: ExpositionFormat | null = null;

  constructor(options: DecoderOptions = {}) {
    this.#limits = options.limits ?? DEFAULT_LIMITS;
    this.#targetLabelCount = options.targetLabelCount ?? 0;
    this.#strict = options.strict === true;
    this.reset();
  }

  /** Series currently in the cache. */
  get cachedSeries(): number {
    return this.#cache.size;
  }

  /** Forgets every series; the next result has a new epoch and announces all its series again. */
  reset(): void {
    this.#cache.clear();
    this.#names.clear();
    this.#strings.clear();
    this.#tableIndex.clear();
    this.#table = [];
    this.#order = [];
    this.#nextRef = 0;
    this.#familiesSignature = '';
    this.#epoch = `${++epochCounter}.${Math.random().toString(36).slice(2, 10)}`;
    this.#resetPending = false;
  }

  decode(input: string | Uint8Array, format: ExpositionFormat): DecodedScrape {
    const started = performance.now();
    // Entries keep what their format's rules need; a target that switches format starts afresh.
    if (this.#resetPending || (this.#format !== null && this.#format !== format)) this.reset();
    this.#format = format;
    const text = typeof input === 'string' ? input : decodeExpositionBytes(input);
    const parser = new ExpositionParser(text, format);
    const seq = ++this.#seq;
    const checker = format === 'openmetrics' ? new OpenMetricsChecker(parser, { strict: this.#strict }) : null;
    const textFamilies = checker ? null : new TextFamilies();
    const prev = this.#order;
    const prevLength = prev.length;
    const order: SeriesEntry[] = [];
    const created: SeriesEntry[] = [];
    const tableBefore = this.#table.length;
    const layout: number[] = [];
    const sampleLimit = this.#limits.samples;

    let capacity = Math.max(256, prevLength + (prevLength >> 3) + 16);
    let refs = new Int32Array(capacity);
    let values = new Float64Array(capacity);
    let timestamps = new Float64Array(capacity);
    let count = 0;
    let samples = 0;
    let duplicates = 0;
    let predict = 0;

    try {
      for (;;) {
        let entry: SeriesEntry | undefined;
        if (predict < prevLength && parser.tryKnownSeries(prev[predict].key)) {
          entry = prev[predict++];
        } else {
          const kind = parser.next();
          if (kind === ENTRY_END) break;
          if (kind !== ENTRY_SERIES) {
            if (kind === ENTRY_HELP || kind === ENTRY_TYPE || kind === ENTRY_UNIT) {
              if (checker) checker.metadata(kind, parser.metaName, parser.metaText, parser.lineStart);
              else textFamilies!.metadata(kind, parser.metaName, parser.metaText);
            }
            continue;
          }
          const key = parser.seriesKey();
          entry = this.#cache.get(key);
          if (entry === undefined) {
            entry = this.#create(parser, layout);
            created.push(entry);
          } else if (entry.orderIndex < prevLength && prev[entry.orderIndex] === entry) {
            predict = entry.orderIndex + 1;
          }
        }
        if (++samples > sampleLimit && sampleLimit > 0) {
          throw new LimitError('sample_limit', `the target exposes more than ${sampleLimit} samples (sample_limit)`);
        }
        const value = parser.value;
        const timestampMs = parser.timestampMs;
        if (checker) {
          checker.sample(entry, value, timestampMs, parser.hasExemplar, parser.lineStart);
        } else if (entry.nameInfo.seen !== seq) {
          entry.nameInfo.seen = seq;
          textFamilies!.sampleName(entry.nameInfo.name);
        }
        if (entry.lastSeen === seq) {
          duplicates++;
          continue;
        }
        entry.lastSeen = seq;
        entry.orderIndex = order.length;
        order.push(entry);
        if (count === capacity) {
          capacity *= 2;
          refs = grow(refs, new Int32Array(capacity));
          values = grow(values, new Float64Array(capacity));
          timestamps = grow(timestamps, new Float64Array(capacity));
        }
        refs[count] = entry.ref;
        values[count] = value;
        timestamps[count] = timestampMs;
        count++;
      }
      if (checker) checker.end(parser.position);
    } catch (error) {
      for (const entry of created) this.#cache.delete(entry.key);
      for (let i = tableBefore; i < this.#table.length; i++) this.#tableIndex.delete(this.#table[i]);
      this.#table.length = tableBefore;
      throw error;
    }

    this.#order = order;
    const familyList = checker ? checker.families : textFamilies!.finish();
    const signature = familiesSignature(familyList);
    const families = signature === this.#familiesSignature ? null : familyList;
    this.#familiesSignature = signature;
    this.#evict(seq, order.length);

    return {
      epoch: this.#epoch,
      count,
      refs,
      values,
      timestampsMs: timestamps,
      announced: { count: created.length, stringBase: tableBefore, strings: this.#table.slice(tableBefore), layout: Int32Array.from(layout) },
      families,
      samplesScraped: samples,
      duplicates,
      parseMs: performance.now() - started,
    };
  }

  /** Parses, validates against the label limits and caches the parser's current series; appends its announcement to `layout`. */
  #create(parser: ExpositionParser, layout: number[]): SeriesEntry {
    const limits = this.#limits;
    const labelCount = parser.labelCount;
    const name = parser.metricName();
    if (limits.labels > 0 && labelCount + 1 + this.#targetLabelCount > limits.labels) {
      throw new LimitError(
        'label_limit',
        `series "${name}" has ${labelCount + 1 + this.#targetLabelCount} labels, more than the label_limit of ${limits.labels}`,
      );
    }
    // Text expositions need the labels only once, for the announcement; OpenMetrics keeps them
    // on the entry for the family rules of later scrapes.
    const flat: string[] = new Array(2 * labelCount);
    for (let i = 0; i < labelCount; i++) {
      const labelName = parser.labelNames[i];
      const labelValue = parser.labelValues[i];
      if (limits.labelNameLengthBytes > 0 && labelName.length > limits.labelNameLengthBytes) {
        throw new LimitError(
          'label_name_length_limit',
          `label name "${labelName.slice(0, 40)}…" of "${name}" is longer than the label_name_length_limit of ${limits.labelNameLengthBytes} bytes`,
        );
      }
      if (
        limits.labelValueLengthBytes > 0 &&
        labelValue.length > limits.labelValueLengthBytes / 3 &&
        utf8ByteLength(labelValue) > limits.labelValueLengthBytes
      ) {
        throw new LimitError(
          'label_value_length_limit',
          `the value of label "${labelName}" of "${name}" is ${utf8ByteLength(labelValue)} bytes, more than the label_value_length_limit of ${limits.labelValueLengthBytes}`,
        );
      }
      flat[2 * i] = this.#strings.intern(labelName);
      flat[2 * i + 1] = this.#strings.intern(labelValue);
    }
    let nameInfo = this.#names.get(name);
    if (nameInfo === undefined) {
      nameInfo = new NameInfo(detachString(name));
      this.#names.set(nameInfo.name, nameInfo);
    }
    const key = detachString(parser.seriesKey());
    let names = NO_LABELS;
    let values = NO_LABELS;
    if (parser.isOpenMetrics && labelCount > 0) {
      names = new Array(labelCount);
      values = new Array(labelCount);
      for (let i = 0; i < labelCount; i++) {
        names[i] = flat[2 * i];
        values[i] = flat[2 * i + 1];
      }
    }
    const entry = new SeriesEntry(key, this.#nextRef++, nameInfo, names, values);
    this.#cache.set(key, entry);
    layout.push(entry.ref, this.#tableEntry(nameInfo.name), labelCount);
    for (let i = 0; i < 2 * labelCount; i++) layout.push(this.#tableEntry(flat[i]));
    return entry;
  }

  /** Index of `value` in this epoch's string table, adding it if new. */
  #tableEntry(value: string): number {
    let index = this.#tableIndex.get(value);
    if (index === undefined) {
      index = this.#table.length;
      this.#table.push(value);
      this.#tableIndex.set(value, index);
    }
    return index;
  }

  /**
   * Drops series not seen in this or the previous scrape once the cache holds many more than a
   * scrape does, and schedules a full reset when refs or the string table have run far ahead of the
   * live series (so whoever mirrors them keeps dense tables).
   */
  #evict(seq: number, live: number): void {
    if (this.#cache.size > 2 * live + 1024) {
      for (const [key, entry] of this.#cache) {
        if (entry.lastSeen < seq - 1) this.#cache.delete(key);
      }
      this.#strings.clear();
    }
    if (this.#nextRef > 4 * live + 100_000 || this.#table.length > 8 * live + 100_000) this.#resetPending = true;
  }
}

function grow<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

function familiesSignature(families: FamilyMeta[]): string {
  let signature = '';
  for (const family of families) signature += `${family.name}\u0000${family.type}\u0000${family.help ?? ''}\u0000${family.unit ?? ''}\u0001`;
  return signature;
}
