// The in-memory store of recent samples (the retention window, 15 minutes by default).
//
// Layout (architecture-study.md principle 7, "columnar data end to end, in uPlot's shape"):
// - every sample of one scrape shares the scrape's timestamp, so each target has ONE timestamp
//   ring, and each of its series has one Float64 ring with the same slot numbering: slot k of every
//   series of a target belongs to the target's scrape k. A chart of series from one target is
//   already uPlot's AlignedData `[xs, ys…]`.
// - the rings of a target's series live in blocks of rows (64, 128, 256, then 512 rows: small
//   targets waste little, big ones have few typed-array objects), and each block's ring in segments
//   of 8 slots (slot-major: slot k of all rows of the block are adjacent), so a series costs 8 bytes
//   per sample plus a small constant. The ring grows by one segment at a time
//   while the retention window is not yet covered: no copying and no big allocation at once, which
//   kept the main thread free (growing contiguous rings for 30k series took hundreds of ms).
// - a slot holds a value, a stale marker or an "absent" marker (markers.ts). Every scrape writes
//   every row of its target: the sample, or a stale marker where the series vanished (or the
//   scrape failed), or absent. Stale markers become gaps in every query. Slots written before a
//   row existed are recognised by scrape sequence numbers (`slotSeq` vs `rowFirstSeq`), so new
//   memory never needs filling.
// - honoured explicit timestamps (cAdvisor) are kept as an Int32 offset from the scrape time, in a
//   second block allocated only for blocks that need one (4 more bytes per sample there).
// - series that stayed stale or absent for longer than the retention window are evicted.
//
// The store implements the scrape step's `ScrapeAppender` seam; the scrape pool writes into it.
import type { AppendResult, ScrapeAppender, ScrapeBatch } from '../scrape/appender.js';
import type { AnnouncedSeries } from '../scrape/exposition/decoder.js';
import type { FamilyMeta } from '../scrape/exposition/samples.js';
import { toDisposable, type Disposable } from '../util/disposable.js';
import { nullSink, Logger } from '../util/log.js';
import { extrapolatedRate, instantRate } from './functions.js';
import {
  canonicalLabels,
  hashLabels,
  LabelInterner,
  prepareTargetLabels,
  sameLabels,
  seriesLabels,
  stringHash,
  type IndexedSeries,
  type LabelSet,
  type TargetLabelSet,
} from './labels.js';
import { SLOT_ABSENT, SLOT_STALE, SLOT_VALUE, slotKind, writeAbsent, writeStale } from './markers.js';
import { compileMatcher, type LabelMatcher } from './matchers.js';

/** A stored series. `labels` includes `__name__` and the target labels; empty-valued labels are not kept (Prometheus semantics). */
export interface SeriesRef {
  id: number;
  labels: LabelSet;
  targetId: string;
}

/** uPlot-shaped columns: `xs` in epoch ms, one `ys` column per requested id, `null` for gaps. */
export interface AlignedColumns {
  xs: number[];
  ys: (number | null)[][];
}

/** The latest sample of a series at a time. */
export interface InstantSample {
  tsMs: number;
  value: number;
}

/** An evaluation grid: `startMs`, `startMs + stepMs`, … up to `endMs` inclusive. */
export interface RangeSpec {
  startMs: number;
  endMs: number;
  stepMs: number;
}

/** Told after every append. */
export interface AppendEvent {
  targetId: string;
  tsMs: number;
  /** Samples written in this append (including the synthetic up/scrape_* ones). */
  samples: number;
}

export interface SeriesStoreOptions {
  /** How long samples are kept; default 15 minutes. Can be changed with `setRetention`. */
  retentionMs?: number;
  /**
   * How far back `instant` and stepped `range` look for a sample (Prometheus
   * `--query.lookback-delta`, default 5 minutes). Stale markers end a series earlier.
   */
  lookbackMs?: number;
  log?: Logger;
}

/** Default retention: 15 minutes. */
export const DEFAULT_RETENTION_MS = 15 * 60_000;
/** Default lookback: 5 minutes, as Prometheus. */
export const DEFAULT_LOOKBACK_MS = 5 * 60_000;

/** Rows of the first block; blocks double up to MAX_BLOCK_ROWS. */
const FIRST_BLOCK_ROWS = 64;
const MAX_BLOCK_ROWS = 512;
/** Rows in blocks 0…3 (64 + 128 + 256 + 512); from there every block has 512 rows. */
const DOUBLING_ROWS = 960;
const SEGMENT_SHIFT = 3;
const SEGMENT_SLOTS = 1 << SEGMENT_SHIFT;
const SEGMENT_MASK = SEGMENT_SLOTS - 1;

/** Block holding `row`. */
function blockOf(row: number): number {
  return row < DOUBLING_ROWS ? 31 - Math.clz32((row >> 6) + 1) : 4 + ((row - DOUBLING_ROWS) >> 9);
}

/** First row of block `block`. */
function blockStart(block: number): number {
  return block < 4 ? FIRST_BLOCK_ROWS * ((1 << block) - 1) : DOUBLING_ROWS + (block - 4) * MAX_BLOCK_ROWS;
}

/** Rows in block `block`. */
function blockRows(block: number): number {
  return block < 4 ? FIRST_BLOCK_ROWS << block : MAX_BLOCK_ROWS;
}
/** Upper bound on slots per target (e.g. 15 min at 50 ms); protects memory from a runaway interval. */
const MAX_SLOTS = 20_000;
/** Largest honoured offset between an explicit timestamp and the scrape time (Int32 ms, ~24 days). */
const MAX_OFFSET_MS = 0x7fffffff;

const ROW_FREE = 0;
/** Allocated, no sample yet or only absent/stale since. */
const ROW_EMPTY = 1;
/** Its last written slot holds a value. */
const ROW_LIVE = 2;
/** Its last written event is a stale marker. */
const ROW_STALE = 3;

const SYNTHETIC = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped'] as const;

class TargetData {
  labels: Readonly<Record<string, string>> = {};
  preparedLabels: TargetLabelSet = { names: [], values: [], nameHashes: [], valueHashes: [], nameSet: new Set() };
  families: FamilyMeta[] = [];
  ended = false;
  seq = 0;
  lastTsMs = -Infinity;

  // The ring: `count` scrapes, oldest at `start`.
  capacity = 0;
  start = 0;
  count = 0;
  times = new Float64Array(0);
  /** Scrape sequence number of each slot. */
  slotSeq = new Float64Array(0);
  /** [block][segment] value rings, the same memory as 32-bit words, and honoured-timestamp offsets (allocated on first use). */
  blocks: Float64Array[][] = [];
  words: Uint32Array[][] = [];
  offsets: (Int32Array | null)[][] = [];

  // Rows (one per series of this target).
  rowCount = 0;
  rowSeries = new Int32Array(0);
  rowState = new Uint8Array(0);
  rowLastTs = new Float64Array(0);
  rowLastSeq = new Int32Array(0);
  /** Time of the last scrape that had the series (with or without a usable sample); drives eviction. */
  rowLastSeenMs = new Float64Array(0);
  /** Sequence number of the first scrape a row took part in; older slots are not its data. */
  rowFirstSeq = new Float64Array(0);
  freeRows: number[] = [];

  // Decoder refs → series ids, and the mirror of the decoder's string table (interned strings and
  // their hashes), valid for `epoch`.
  epoch = '';
  refMap = new Int32Array(0);
  strings: string[] = [];
  stringHashes: number[] = [];
  byHash = new Map<number, number | number[]>();
  syntheticIds = [-1, -1, -1];

  constructor(readonly id: string) {}

  /** Ring index of the j-th slot, oldest first. */
  slot(j: number): number {
    const k = this.start + j;
    return k >= this.capacity ? k - this.capacity : k;
  }
}

/**
 * Recent samples of every scraped series. Single-threaded; every method is synchronous. See the
 * file comment for the layout and `SeriesRef`, `range`, `rate` for query semantics.
 */
export class SeriesStore implements ScrapeAppender, Disposable {
  #retentionMs: number;
  readonly #lookbackMs: number;
  readonly #log: Logger;
  readonly #interner = new LabelInterner();
  readonly #targets = new Map<string, TargetData>();
  // Series table, indexed by series id (ids are never reused).
  readonly #labels: (LabelSet | undefined)[] = [];
  readonly #seriesTarget: (TargetData | undefined)[] = [];
  #seriesRow = new Int32Array(1024);
  readonly #byName = new Map<string, Set<number>>();
  readonly #listeners = new Set<(event: AppendEvent) => void>();
  #liveSeries = 0;
  #evictedSinceCompaction = 0;
  #latestTsMs = -Infinity;
  #disposed = false;

  constructor(options: SeriesStoreOptions = {}) {
    this.#retentionMs = positive(options.retentionMs ?? DEFAULT_RETENTION_MS, 'retentionMs');
    this.#lookbackMs = positive(options.lookbackMs ?? DEFAULT_LOOKBACK_MS, 'lookbackMs');
    this.#log = options.log ?? new Logger(nullSink);
  }

  /** The retention window in ms. */
  get retentionMs(): number {
    return this.#retentionMs;
  }

  /** Number of series currently stored. */
  get seriesCount(): number {
    return this.#liveSeries;
  }

  /**
   * Changes the retention window for this session. Shrinking drops the older samples at once;
   * growing lets rings grow as new scrapes arrive.
   */
  setRetention(retentionMs: number): void {
    this.#retentionMs = positive(retentionMs, 'retentionMs');
    for (const target of this.#targets.values()) {
      if (target.count === 0) continue;
      const newest = target.times[target.slot(target.count - 1)];
      let keep = 0;
      while (keep < target.count && target.times[target.slot(target.count - 1 - keep)] >= newest - retentionMs) keep++;
      if (keep < target.count) this.#rebuild(target, roundToSegments(Math.max(keep, 1)), keep);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Ingestion (ScrapeAppender)

  /** Appends one scrape; see `ScrapeBatch`. A failed scrape (`decoded` null) marks the target's series stale. */
  appendScrape(batch: ScrapeBatch): AppendResult {
    this.#assertOpen();
    let target = this.#targets.get(batch.targetId);
    if (!target) {
      target = new TargetData(batch.targetId);
      this.#targets.set(batch.targetId, target);
    }
    target.ended = false;
    if (!sameRecord(target.labels, batch.targetLabels)) {
      target.labels = { ...batch.targetLabels };
      target.preparedLabels = prepareTargetLabels(target.labels, this.#interner);
      target.syntheticIds = [-1, -1, -1];
      target.epoch = '';
    }
    // Scrape times of one target must increase: the ring is ordered by them.
    const tsMs = Math.max(batch.tsMs, target.lastTsMs + 1);
    const seq = ++target.seq;
    const decoded = batch.decoded;
    if (decoded) {
      if (decoded.epoch !== target.epoch) {
        target.epoch = decoded.epoch;
        target.refMap.fill(-1);
        target.strings = [];
        target.stringHashes = [];
      }
      if (decoded.families) target.families = decoded.families;
      this.#announce(target, decoded.announced);
    }

    const k = this.#advance(target, tsMs, seq);
    const retentionStart = tsMs - this.#retentionMs;
    let written = 0;
    let unknownRefs = 0;

    if (decoded) {
      const { refs, values, timestampsMs, count } = decoded;
      const refMap = target.refMap;
      const honor = batch.honorTimestamps;
      for (let i = 0; i < count; i++) {
        const ref = refs[i];
        const id = ref < refMap.length ? refMap[ref] : -1;
        if (id < 0 || this.#seriesTarget[id] !== target) {
          unknownRefs++;
          continue;
        }
        const row = this.#seriesRow[id];
        if (target.rowLastSeq[row] === seq) continue;
        const explicit = honor ? timestampsMs[i] : NaN;
        if (this.#write(target, row, k, tsMs, values[i], explicit, retentionStart)) written++;
        target.rowLastSeq[row] = seq;
        target.rowLastSeenMs[row] = tsMs;
      }
    }
    const report = batch.report;
    const reportValues = [report.up, report.durationSeconds, report.samplesScraped];
    for (let s = 0; s < SYNTHETIC.length; s++) {
      let id: number = target.syntheticIds[s];
      if (id < 0 || this.#seriesTarget[id] !== target) {
        const built = canonicalLabels({ ...target.labels, __name__: SYNTHETIC[s] }, this.#interner);
        id = this.#seriesFor(target, built.labels, built.hash);
        target.syntheticIds[s] = id;
      }
      const row = this.#seriesRow[id];
      if (this.#write(target, row, k, tsMs, reportValues[s], NaN, retentionStart)) written++;
      target.rowLastSeq[row] = seq;
      target.rowLastSeenMs[row] = tsMs;
    }
    this.#sweep(target, k, seq, tsMs, retentionStart);
    this.#afterAppend(target, tsMs, written);
    return { unknownRefs };
  }

  /** Marks every series of a removed target stale at `tsMs`; they are evicted after the retention window. */
  endTarget(targetId: string, tsMs: number): void {
    this.#assertOpen();
    const target = this.#targets.get(targetId);
    if (!target || target.ended) return;
    const at = Math.max(tsMs, target.lastTsMs + 1);
    const seq = ++target.seq;
    const k = this.#advance(target, at, seq);
    this.#sweep(target, k, seq, at, at - this.#retentionMs);
    target.ended = true;
    this.#afterAppend(target, at, 0);
  }

  // -----------------------------------------------------------------------------------------------
  // Queries

  /** Series matching all matchers (an empty list selects every series). */
  select(matchers: readonly LabelMatcher[]): SeriesRef[] {
    const compiled = matchers.map(compileMatcher);
    const nameMatcher = matchers.find((matcher) => matcher.name === '__name__' && matcher.op === '=');
    const result: SeriesRef[] = [];
    const consider = (id: number) => {
      const labels = this.#labels[id];
      if (labels === undefined) return;
      for (const test of compiled) if (!test(labels)) return;
      result.push({ id, labels, targetId: this.#seriesTarget[id]!.id });
    };
    if (nameMatcher) {
      for (const id of this.#byName.get(nameMatcher.value) ?? []) consider(id);
    } else {
      for (const ids of this.#byName.values()) for (const id of ids) consider(id);
    }
    result.sort((a, b) => a.id - b.id);
    return result;
  }

  /** One series by id, or undefined once evicted. */
  series(id: number): SeriesRef | undefined {
    const labels = this.#labels[id];
    return labels === undefined ? undefined : { id, labels, targetId: this.#seriesTarget[id]!.id };
  }

  /** Ids of the targets that have data. */
  targetIds(): string[] {
    return [...this.#targets.keys()];
  }

  /**
   * Family metadata (HELP/TYPE/UNIT) from the last successful scrape of `targetId`; without a
   * target, the union over targets (the first target to declare a family wins).
   */
  metadata(targetId?: string): FamilyMeta[] {
    if (targetId !== undefined) return [...(this.#targets.get(targetId)?.families ?? [])];
    const seen = new Map<string, FamilyMeta>();
    for (const target of this.#targets.values()) for (const family of target.families) if (!seen.has(family.name)) seen.set(family.name, family);
    return [...seen.values()];
  }

  /**
   * Samples of `ids` between `startMs` and `endMs` (inclusive) as aligned columns.
   *
   * Without `stepMs`, `xs` are the union of the series' sample times (for series of one target,
   * its scrape times) and each column has the value at that exact time or null; a stale marker adds
   * its time with null so that a chart breaks the line there. With `stepMs`, `xs` is the grid
   * start, start+step, … and each cell holds the latest sample at or before x within the lookback,
   * or null when there is none or a stale marker came after it (Prometheus range-query semantics).
   * NaN sample values come out as null too (a chart cannot draw them). Unknown ids give null
   * columns.
   */
  range(ids: readonly number[], startMs: number, endMs: number, stepMs?: number): AlignedColumns {
    if (stepMs !== undefined) {
      const xs = grid(startMs, endMs, stepMs);
      const lookback = this.#lookbackMs;
      return {
        xs,
        ys: ids.map((id) => {
          const events = this.#events(id, startMs - lookback, endMs, true);
          const column: (number | null)[] = new Array(xs.length).fill(null);
          let e = -1;
          for (let x = 0; x < xs.length; x++) {
            while (e + 1 < events.count && events.ts[e + 1] <= xs[x]) e++;
            if (e < 0 || events.stale[e] || xs[x] - events.ts[e] > lookback) continue;
            const value = events.vs[e];
            column[x] = value === value ? value : null;
          }
          return column;
        }),
      };
    }
    const perSeries = ids.map((id) => this.#events(id, startMs, endMs, true));
    const all: number[] = [];
    for (const events of perSeries) for (let i = 0; i < events.count; i++) all.push(events.ts[i]);
    all.sort((a, b) => a - b);
    const xs: number[] = [];
    for (const t of all) if (xs.length === 0 || xs[xs.length - 1] !== t) xs.push(t);
    const ys = perSeries.map((events) => {
      const column: (number | null)[] = new Array(xs.length).fill(null);
      let x = 0;
      for (let i = 0; i < events.count; i++) {
        while (xs[x] < events.ts[i]) x++;
        const value = events.vs[i];
        column[x] = events.stale[i] || value !== value ? null : value;
      }
      return column;
    });
    return { xs, ys };
  }

  /**
   * The latest sample of each id at `atMs` (default: the newest scrape time in the store) within
   * the lookback, or null when there is none or it went stale — aligned with `ids`.
   */
  instant(ids: readonly number[], atMs?: number): (InstantSample | null)[] {
    const at = atMs ?? this.#latestTsMs;
    return ids.map((id) => {
      const events = this.#events(id, at - this.#lookbackMs, at, true);
      const last = events.count - 1;
      if (last < 0 || events.stale[last]) return null;
      return { tsMs: events.ts[last], value: events.vs[last] };
    });
  }

  /**
   * `rate(x[windowMs])` per id: at `atMs` (default: newest scrape time) as values aligned with
   * `ids`, or over a `RangeSpec` grid as aligned columns. Null where fewer than two samples fall
   * in the window. Semantics in functions.ts (Prometheus 2.x extrapolation, counter resets).
   */
  rate(ids: readonly number[], windowMs: number, atMs?: number): (number | null)[];
  rate(ids: readonly number[], windowMs: number, range: RangeSpec): AlignedColumns;
  rate(ids: readonly number[], windowMs: number, at?: number | RangeSpec): (number | null)[] | AlignedColumns {
    return this.#windowFunction(ids, windowMs, at, (ts, vs, n, start, end) => extrapolatedRate(ts, vs, n, start, end, true));
  }

  /** `increase(x[windowMs])`, like `rate` but not divided by the window. */
  increase(ids: readonly number[], windowMs: number, atMs?: number): (number | null)[];
  increase(ids: readonly number[], windowMs: number, range: RangeSpec): AlignedColumns;
  increase(ids: readonly number[], windowMs: number, at?: number | RangeSpec): (number | null)[] | AlignedColumns {
    return this.#windowFunction(ids, windowMs, at, (ts, vs, n, start, end) => extrapolatedRate(ts, vs, n, start, end, false));
  }

  /** `irate(x[windowMs])`: per-second rate between the last two samples in the window. */
  irate(ids: readonly number[], windowMs: number, atMs?: number): (number | null)[];
  irate(ids: readonly number[], windowMs: number, range: RangeSpec): AlignedColumns;
  irate(ids: readonly number[], windowMs: number, at?: number | RangeSpec): (number | null)[] | AlignedColumns {
    return this.#windowFunction(ids, windowMs, at, (ts, vs, n) => instantRate(ts, vs, n));
  }

  /** Calls `listener` after every append, synchronously. Dispose the result to stop. */
  onAppend(listener: (event: AppendEvent) => void): Disposable {
    this.#listeners.add(listener);
    return toDisposable(() => {
      this.#listeners.delete(listener);
    });
  }

  /** Drops everything and refuses further use. */
  dispose(): void {
    this.#disposed = true;
    this.#targets.clear();
    this.#labels.length = 0;
    this.#seriesTarget.length = 0;
    this.#byName.clear();
    this.#listeners.clear();
    this.#liveSeries = 0;
  }

  // -----------------------------------------------------------------------------------------------
  // Internals

  #assertOpen(): void {
    if (this.#disposed) throw new Error('SeriesStore used after dispose()');
  }

  /** Mirrors the announced strings and creates (or finds) the announced series. Out of step: ignored, their refs stay unknown. */
  #announce(target: TargetData, announced: AnnouncedSeries): void {
    if (announced.stringBase !== target.strings.length) return;
    for (const value of announced.strings) {
      const kept = this.#interner.intern(value);
      target.strings.push(kept);
      target.stringHashes.push(stringHash(kept));
    }
    const series: IndexedSeries = { table: target.strings, hashes: target.stringHashes, layout: announced.layout, nameIndex: 0, offset: 0, labelCount: 0 };
    const layout = announced.layout;
    let i = 0;
    for (let n = 0; n < announced.count; n++) {
      const ref = layout[i];
      series.nameIndex = layout[i + 1];
      series.labelCount = layout[i + 2];
      series.offset = i + 3;
      i += 3 + 2 * series.labelCount;
      const built = seriesLabels(series, target.preparedLabels, this.#interner);
      const id = this.#seriesFor(target, built.labels, built.hash);
      if (ref >= target.refMap.length) target.refMap = growInt32(target.refMap, ref + 1, -1);
      target.refMap[ref] = id;
    }
  }

  #seriesFor(target: TargetData, labels: LabelSet, hash: number): number {
    const found = target.byHash.get(hash);
    if (found !== undefined) {
      if (typeof found === 'number') {
        const existing = this.#labels[found];
        if (existing !== undefined && sameLabels(existing, labels)) return found;
      } else {
        for (const id of found) {
          const existing = this.#labels[id];
          if (existing !== undefined && sameLabels(existing, labels)) return id;
        }
      }
    }
    const id = this.#labels.length;
    this.#labels.push(labels);
    this.#seriesTarget.push(target);
    if (id >= this.#seriesRow.length) this.#seriesRow = growInt32(this.#seriesRow, id + 1, -1);
    this.#seriesRow[id] = this.#allocRow(target, id);
    if (found === undefined) target.byHash.set(hash, id);
    else if (typeof found === 'number') target.byHash.set(hash, [found, id]);
    else found.push(id);
    const name = labels.__name__ ?? '';
    let ids = this.#byName.get(name);
    if (!ids) this.#byName.set(name, (ids = new Set()));
    ids.add(id);
    this.#liveSeries++;
    return id;
  }

  #allocRow(target: TargetData, id: number): number {
    let row = target.freeRows.pop();
    if (row === undefined) {
      row = target.rowCount++;
      if (row >= target.rowSeries.length) {
        const size = Math.max(FIRST_BLOCK_ROWS, target.rowSeries.length * 2);
        target.rowSeries = growInt32(target.rowSeries, size, -1);
        target.rowState = growUint8(target.rowState, size);
        target.rowLastTs = growFloat64(target.rowLastTs, size);
        target.rowLastSeq = growInt32(target.rowLastSeq, size, 0);
        target.rowFirstSeq = growFloat64(target.rowFirstSeq, size);
        target.rowLastSeenMs = growFloat64(target.rowLastSeenMs, size);
      }
      if (blockOf(row) >= target.blocks.length) this.#addBlock(target);
    }
    // Its slots from earlier scrapes (zeros, or a previous series' data) are not its samples.
    target.rowFirstSeq[row] = target.seq;
    target.rowSeries[row] = id;
    target.rowState[row] = ROW_EMPTY;
    target.rowLastTs[row] = -Infinity;
    target.rowLastSeq[row] = 0;
    target.rowLastSeenMs[row] = target.lastTsMs;
    return row;
  }

  #addBlock(target: TargetData): void {
    const values: Float64Array[] = [];
    const words: Uint32Array[] = [];
    const size = SEGMENT_SLOTS * blockRows(target.blocks.length);
    for (let segment = 0; segment < target.capacity >> SEGMENT_SHIFT; segment++) {
      const memory = new Float64Array(size);
      values.push(memory);
      words.push(new Uint32Array(memory.buffer));
    }
    target.blocks.push(values);
    target.words.push(words);
    target.offsets.push(values.map(() => null));
  }

  /** Reserves the slot for a new scrape at `tsMs` (growing the ring while it is shorter than the retention window) and returns its index. */
  #advance(target: TargetData, tsMs: number, seq: number): number {
    if (target.count === target.capacity && target.capacity < MAX_SLOTS) {
      const oldest = target.count === 0 ? tsMs : target.times[target.start];
      if (oldest >= tsMs - this.#retentionMs) {
        if (target.start !== 0) this.#linearize(target);
        this.#addSegment(target);
      }
    }
    let k: number;
    if (target.count < target.capacity) {
      k = target.slot(target.count);
      target.count++;
    } else {
      k = target.start;
      target.start = k + 1 === target.capacity ? 0 : k + 1;
    }
    target.times[k] = tsMs;
    target.slotSeq[k] = seq;
    target.lastTsMs = tsMs;
    return k;
  }

  /** Adds one segment (8 slots) at the end of a ring that has not wrapped (start 0). */
  #addSegment(target: TargetData): void {
    const capacity = target.capacity + SEGMENT_SLOTS;
    target.times = growFloat64(target.times, capacity);
    target.slotSeq = growFloat64(target.slotSeq, capacity);
    for (let b = 0; b < target.blocks.length; b++) {
      const memory = new Float64Array(SEGMENT_SLOTS * blockRows(b));
      target.blocks[b].push(memory);
      target.words[b].push(new Uint32Array(memory.buffer));
      target.offsets[b].push(null);
    }
    target.capacity = capacity;
  }

  /** Makes the oldest slot index 0; a wrapped ring at a segment boundary is rotated by reference. */
  #linearize(target: TargetData): void {
    const start = target.start;
    if (start === 0) return;
    if ((start & SEGMENT_MASK) !== 0) {
      this.#rebuild(target, target.capacity, target.count);
      return;
    }
    const by = start >> SEGMENT_SHIFT;
    const rotate = <T>(list: T[]) => [...list.slice(by), ...list.slice(0, by)];
    target.blocks = target.blocks.map(rotate);
    target.words = target.words.map(rotate);
    target.offsets = target.offsets.map(rotate);
    const times = new Float64Array(target.capacity);
    const slotSeq = new Float64Array(target.capacity);
    for (let j = 0; j < target.capacity; j++) {
      times[j] = target.times[target.slot(j)];
      slotSeq[j] = target.slotSeq[target.slot(j)];
    }
    target.times = times;
    target.slotSeq = slotSeq;
    target.start = 0;
  }

  /**
   * Copies the newest `keep` scrapes into fresh segments for a ring of `capacity` slots (a multiple
   * of 8). Used only when retention shrinks or a wrapped ring must grow off a segment boundary.
   */
  #rebuild(target: TargetData, capacity: number, keep: number): void {
    const kept = Math.min(keep, target.count, capacity);
    const first = target.count - kept;
    const times = new Float64Array(capacity);
    const slotSeq = new Float64Array(capacity);
    for (let j = 0; j < kept; j++) {
      times[j] = target.times[target.slot(first + j)];
      slotSeq[j] = target.slotSeq[target.slot(first + j)];
    }
    const segments = capacity >> SEGMENT_SHIFT;
    for (let b = 0; b < target.blocks.length; b++) {
      const rows = blockRows(b);
      const values: Float64Array[] = [];
      const words: Uint32Array[] = [];
      const offsets: (Int32Array | null)[] = [];
      const hasOffsets = target.offsets[b].some((segment) => segment !== null);
      for (let segment = 0; segment < segments; segment++) {
        const memory = new Float64Array(SEGMENT_SLOTS * rows);
        values.push(memory);
        words.push(new Uint32Array(memory.buffer));
        offsets.push(hasOffsets ? new Int32Array(SEGMENT_SLOTS * rows) : null);
      }
      for (let j = 0; j < kept; j++) {
        const from = target.slot(first + j);
        const source = (from & SEGMENT_MASK) * rows;
        const dest = (j & SEGMENT_MASK) * rows;
        // 32-bit word copies keep the markers' NaN payloads exact.
        words[j >> SEGMENT_SHIFT].set(target.words[b][from >> SEGMENT_SHIFT].subarray(2 * source, 2 * (source + rows)), 2 * dest);
        const oldOffsets = target.offsets[b][from >> SEGMENT_SHIFT];
        if (oldOffsets) offsets[j >> SEGMENT_SHIFT]!.set(oldOffsets.subarray(source, source + rows), dest);
      }
      target.blocks[b] = values;
      target.words[b] = words;
      target.offsets[b] = offsets;
    }
    target.capacity = capacity;
    target.times = times;
    target.slotSeq = slotSeq;
    target.start = 0;
    target.count = kept;
  }

  /** Writes one sample into slot `k` of `row`; returns false when an honoured timestamp made it unusable (then the slot is absent). */
  #write(target: TargetData, row: number, k: number, tsMs: number, value: number, explicitMs: number, retentionStart: number): boolean {
    const block = blockOf(row);
    const segment = k >> SEGMENT_SHIFT;
    const index = (k & SEGMENT_MASK) * blockRows(block) + row - blockStart(block);
    const sampleMs = explicitMs === explicitMs ? explicitMs : tsMs;
    const offset = sampleMs - tsMs;
    // Out of order (at or before the previous sample or stale marker), older than the window, or
    // too far from the scrape time: Prometheus rejects these too (out of order / out of bounds).
    // This is also what keeps an honoured timestamp from reaching back past a stale marker.
    if (sampleMs <= target.rowLastTs[row] || sampleMs < retentionStart || offset > MAX_OFFSET_MS || -offset > MAX_OFFSET_MS) {
      writeAbsent(target.words[block][segment], index);
      return false;
    }
    if (offset !== 0) {
      let offsets = target.offsets[block][segment];
      if (offsets === null) offsets = target.offsets[block][segment] = new Int32Array(SEGMENT_SLOTS * blockRows(block));
      offsets[index] = offset;
    } else {
      const offsets = target.offsets[block][segment];
      if (offsets !== null) offsets[index] = 0;
    }
    target.rowLastTs[row] = sampleMs;
    target.blocks[block][segment][index] = value;
    target.rowState[row] = ROW_LIVE;
    return true;
  }

  /** Marks rows not in scrape `seq` stale (if they were live) or absent, and evicts those gone from the scrapes for longer than the window. */
  #sweep(target: TargetData, k: number, seq: number, tsMs: number, retentionStart: number): void {
    const segment = k >> SEGMENT_SHIFT;
    const slot = k & SEGMENT_MASK;
    for (let block = 0, start = 0; start < target.rowCount; start += blockRows(block), block++) {
      const rows = blockRows(block);
      const words = target.words[block][segment];
      const base = slot * rows - start;
      const end = Math.min(start + rows, target.rowCount);
      for (let row = start; row < end; row++) {
        const state = target.rowState[row];
        if (state === ROW_FREE || target.rowLastSeq[row] === seq) continue;
        if (state === ROW_LIVE) {
          writeStale(words, base + row);
          target.rowState[row] = ROW_STALE;
          target.rowLastTs[row] = tsMs;
        } else {
          writeAbsent(words, base + row);
          // Gone from the scrapes for longer than the window. (Not "no sample for that long": a
          // series whose explicit timestamps are all too old is still there and must keep its id.)
          if (target.rowLastSeenMs[row] < retentionStart) this.#evict(target, row);
        }
      }
    }
  }

  #evict(target: TargetData, row: number): void {
    const id = target.rowSeries[row];
    const labels = this.#labels[id];
    if (labels !== undefined) {
      this.#labels[id] = undefined;
      this.#seriesTarget[id] = undefined;
      const hash = hashLabels(labels);
      const found = target.byHash.get(hash);
      if (typeof found === 'number') target.byHash.delete(hash);
      else if (found) {
        const rest = found.filter((other) => other !== id);
        if (rest.length === 1) target.byHash.set(hash, rest[0]);
        else target.byHash.set(hash, rest);
      }
      const ids = this.#byName.get(labels.__name__ ?? '');
      ids?.delete(id);
      if (ids?.size === 0) this.#byName.delete(labels.__name__ ?? '');
      this.#liveSeries--;
      this.#evictedSinceCompaction++;
    }
    target.rowSeries[row] = -1;
    target.rowState[row] = ROW_FREE;
    target.freeRows.push(row);
  }

  #afterAppend(target: TargetData, tsMs: number, written: number): void {
    if (tsMs > this.#latestTsMs) this.#latestTsMs = tsMs;
    // Targets that ended get no more appends to sweep them; drop them once their last scrape left the window.
    for (const other of this.#targets.values()) {
      if (other.ended && other.lastTsMs < tsMs - this.#retentionMs) {
        for (let row = 0; row < other.rowCount; row++) if (other.rowState[row] !== ROW_FREE) this.#evict(other, row);
        this.#targets.delete(other.id);
      }
    }
    if (this.#evictedSinceCompaction > 10_000 && this.#evictedSinceCompaction > this.#liveSeries) {
      this.#evictedSinceCompaction = 0;
      this.#interner.retainOnly(this.#labels.filter((labels): labels is LabelSet => labels !== undefined));
    }
    const event: AppendEvent = { targetId: target.id, tsMs, samples: written };
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#log.error('an append listener failed', error);
      }
    }
  }

  /**
   * Events (samples and, when `withStale`, stale markers) of series `id` with times in
   * [fromMs, toMs], oldest first.
   */
  #events(id: number, fromMs: number, toMs: number, withStale: boolean): { ts: number[]; vs: number[]; stale: boolean[]; count: number } {
    const out = { ts: [] as number[], vs: [] as number[], stale: [] as boolean[], count: 0 };
    const target = this.#seriesTarget[id];
    if (!target) return out;
    const row = this.#seriesRow[id];
    const block = blockOf(row);
    const rows = blockRows(block);
    const column = row - blockStart(block);
    const firstSeq = target.rowFirstSeq[row];
    const values = target.blocks[block];
    const words = target.words[block];
    const offsets = target.offsets[block];
    // Slots may still hold scrapes older than the window until the ring wraps; they are not returned.
    const from = Math.max(fromMs, target.lastTsMs - this.#retentionMs);
    for (let j = 0; j < target.count; j++) {
      const k = target.slot(j);
      if (target.slotSeq[k] < firstSeq) continue;
      const segment = k >> SEGMENT_SHIFT;
      const index = (k & SEGMENT_MASK) * rows + column;
      const kind = slotKind(values[segment], words[segment], index);
      if (kind === SLOT_ABSENT) continue;
      if (kind === SLOT_STALE && !withStale) continue;
      const segmentOffsets = offsets[segment];
      const t = target.times[k] + (kind === SLOT_VALUE && segmentOffsets ? segmentOffsets[index] : 0);
      if (t < from || t > toMs) continue;
      out.ts.push(t);
      out.vs.push(kind === SLOT_VALUE ? values[segment][index] : NaN);
      out.stale.push(kind === SLOT_STALE);
      out.count++;
    }
    return out;
  }

  #windowFunction(
    ids: readonly number[],
    windowMs: number,
    at: number | RangeSpec | undefined,
    fn: (ts: number[], vs: number[], count: number, startMs: number, endMs: number) => number | null,
  ): (number | null)[] | AlignedColumns {
    positive(windowMs, 'windowMs');
    if (at === undefined || typeof at === 'number') {
      const end = at ?? this.#latestTsMs;
      return ids.map((id) => {
        const events = this.#events(id, end - windowMs, end, false);
        return fn(events.ts, events.vs, events.count, end - windowMs, end);
      });
    }
    const xs = grid(at.startMs, at.endMs, at.stepMs);
    const ys = ids.map((id) => {
      const events = this.#events(id, at.startMs - windowMs, at.endMs, false);
      let first = 0;
      let last = 0;
      return xs.map((x) => {
        while (first < events.count && events.ts[first] < x - windowMs) first++;
        while (last < events.count && events.ts[last] <= x) last++;
        const value = fn(events.ts.slice(first, last), events.vs.slice(first, last), last - first, x - windowMs, x);
        return value === null || value !== value ? null : value;
      });
    });
    return { xs, ys };
  }
}

function positive(value: number, name: string): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number of ms, got ${value}`);
  return value;
}

function grid(startMs: number, endMs: number, stepMs: number): number[] {
  positive(stepMs, 'stepMs');
  const xs: number[] = [];
  for (let x = startMs; x <= endMs; x += stepMs) xs.push(x);
  return xs;
}

/** Slots rounded up to whole segments. */
function roundToSegments(slots: number): number {
  return Math.ceil(slots / SEGMENT_SLOTS) * SEGMENT_SLOTS;
}

function growInt32(from: Int32Array, size: number, fill: number): Int32Array<ArrayBuffer> {
  const to = new Int32Array(Math.max(size, from.length * 2));
  to.fill(fill, from.length);
  to.set(from);
  return to;
}

function growUint8(from: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  const to = new Uint8Array(size);
  to.set(from);
  return to;
}

function growFloat64(from: Float64Array, size: number): Float64Array<ArrayBuffer> {
  const to = new Float64Array(size);
  to.set(from);
  return to;
}

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}
