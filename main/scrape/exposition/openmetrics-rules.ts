// Family-level rules of OpenMetrics 1.0 that a line-by-line grammar cannot see: metadata placement
// and repetition, name clashes, which sample names a type allows, per-type value and label rules,
// metric grouping and timestamp order, histogram bucket structure and where exemplars may appear.
// Sources: OpenMetrics.md (specification 1.0, "Metric types" and "Text format"), and the behaviour
// of the reference parser that the conformance suite in OpenObservability/OpenMetrics
// tests/testdata/parsers/ was written against (prometheus/client_python openmetrics/parser.py).
import { ENTRY_HELP, ENTRY_TYPE, type ExpositionParser, type ParseError } from './parser.js';
import { parseNumber } from './number.js';
import type { FamilyMeta } from './samples.js';

/**
 * What the checker needs to know about a sample's series. Cache entries implement it so repeat
 * scrapes reuse the parsed labels; the `om*` fields are the checker's memo, owned by it.
 */
export interface SampleIdentity {
  readonly name: string;
  readonly labelNames: readonly string[];
  readonly labelValues: readonly string[];
  omGroupExclude?: string;
  omGroupKey?: string;
}

type OpenMetricsType = Exclude<FamilyMeta['type'], 'untyped'>;

/** Sample name suffixes each type allows (OpenMetrics.md "Metric types"). */
const ALLOWED_SUFFIXES: Record<OpenMetricsType, readonly string[]> = {
  counter: ['_total', '_created'],
  gauge: [''],
  unknown: [''],
  stateset: [''],
  info: ['_info'],
  summary: ['', '_count', '_sum', '_created'],
  histogram: ['_bucket', '_count', '_sum', '_created'],
  gaugehistogram: ['_bucket', '_gcount', '_gsum'],
};

interface HistogramChunk {
  offset: number;
  lastLe: number | null;
  lastBucketValue: number;
  count: number | null;
  hasSum: boolean;
  hasGsum: boolean;
  hasNegativeBuckets: boolean;
  hasNegativeGsum: boolean;
}

interface FamilyState {
  meta: FamilyMeta & { type: OpenMetricsType };
  hasType: boolean;
  hasHelp: boolean;
  hasUnit: boolean;
  hasSamples: boolean;
  seenGroups: Set<string>;
  group: string | null;
  groupTimestampMs: number;
  chunk: HistogramChunk | null;
}

/**
 * Follows the metric families of a stream of entries from an `ExpositionParser`; `families` holds
 * them in order. In strict mode it also applies the OpenMetrics family rules and throws
 * `ParseError` at the offending line. Lenient mode only tracks families: real exporters break some
 * of these rules (client_golang writes `_sum` on histograms with negative buckets, Prometheus'
 * own test data has one) and Prometheus ingests them anyway, so a scrape must not fail on them.
 */
export class OpenMetricsChecker {
  readonly families: FamilyMeta[] = [];
  readonly #parser: ExpositionParser;
  readonly #strict: boolean;
  /** Lenient mode: families by name, so a family that shows up twice is reported once. */
  readonly #byName = new Map<string, FamilyMeta & { type: OpenMetricsType }>();
  #lenientFamily: (FamilyMeta & { type: OpenMetricsType }) | null = null;
  /** Family and sample names already taken, each mapped to the family that took it. */
  readonly #claimed = new Map<string, string>();
  #family: FamilyState | null = null;

  constructor(parser: ExpositionParser, options: { strict: boolean }) {
    this.#parser = parser;
    this.#strict = options.strict;
  }

  /** A `# HELP`, `# TYPE` or `# UNIT` line (`kind` is the parser's ENTRY_* constant). */
  metadata(kind: number, name: string, text: string, offset: number): void {
    if (!this.#strict) {
      const meta = this.#lenientFamilyNamed(name);
      if (kind === ENTRY_HELP) {
        if (text !== '') meta.help = text;
      } else if (kind === ENTRY_TYPE) {
        meta.type = text as OpenMetricsType;
      } else if (text !== '') {
        meta.unit = text;
      }
      return;
    }
    let family = this.#family;
    if (!family || family.meta.name !== name) family = this.#startFamily(name, offset);
    const what = kind === ENTRY_HELP ? 'HELP' : kind === ENTRY_TYPE ? 'TYPE' : 'UNIT';
    if (family.hasSamples) throw this.#error(offset, `# ${what} for "${name}" comes after its samples; metadata must come first`);
    if (kind === ENTRY_HELP) {
      if (family.hasHelp) throw this.#error(offset, `second # HELP for "${name}"`);
      family.hasHelp = true;
      if (text !== '') family.meta.help = text;
    } else if (kind === ENTRY_TYPE) {
      if (family.hasType) throw this.#error(offset, `second # TYPE for "${name}"`);
      family.hasType = true;
      family.meta.type = text as OpenMetricsType;
      for (const suffix of ALLOWED_SUFFIXES[family.meta.type]) {
        if (suffix !== '') this.#claim(name + suffix, family.meta, offset);
      }
      this.#checkUnit(family, offset);
    } else {
      if (family.hasUnit) throw this.#error(offset, `second # UNIT for "${name}"`);
      family.hasUnit = true;
      if (text !== '') {
        if (!name.endsWith(`_${text}`)) throw this.#error(offset, `unit "${text}" must be the suffix of the metric name "${name}"`);
        family.meta.unit = text;
      }
      this.#checkUnit(family, offset);
    }
  }

  /** One sample line; `timestampMs` is NaN when absent. */
  sample(identity: SampleIdentity, value: number, timestampMs: number, hasExemplar: boolean, offset: number): void {
    const name = identity.name;
    if (!this.#strict) {
      const current = this.#lenientFamily;
      if (!current || !belongsTo(name, current)) this.#lenientFamilyNamed(name);
      return;
    }
    let family = this.#family;
    if (!family || !belongsTo(name, family.meta)) {
      const owner = this.#claimed.get(name);
      if (family && owner !== undefined && owner === family.meta.name) {
        const allowed = ALLOWED_SUFFIXES[family.meta.type].map((suffix) => `"${owner}${suffix}"`).join(', ');
        throw this.#error(offset, `sample "${name}" does not fit the ${family.meta.type} family "${owner}" (its samples are named ${allowed})`);
      }
      family = this.#startFamily(name, offset);
    }
    family.hasSamples = true;
    const type = family.meta.type;
    const suffix = name.slice(family.meta.name.length);

    let excluded = '';
    if (type === 'histogram' || type === 'gaugehistogram') excluded = 'le';
    else if (type === 'summary') excluded = 'quantile';
    else if (type === 'stateset') excluded = family.meta.name;
    const group = groupKey(identity, excluded);

    if (group !== family.group) {
      this.#finishGroup(family);
      if (family.seenGroups.has(group)) {
        throw this.#error(offset, `samples of one "${family.meta.name}" metric are split up by other samples; they must be contiguous`);
      }
      family.seenGroups.add(group);
      family.group = group;
      family.groupTimestampMs = timestampMs;
    } else {
      const hadTimestamp = !Number.isNaN(family.groupTimestampMs);
      if (hadTimestamp !== !Number.isNaN(timestampMs)) {
        throw this.#error(offset, `samples of one "${family.meta.name}" metric mix lines with and without timestamps`);
      }
      if (hadTimestamp && timestampMs < family.groupTimestampMs && type !== 'info') {
        throw this.#error(offset, `timestamps of one "${family.meta.name}" metric go backwards`);
      }
      if (family.chunk && timestampMs !== family.groupTimestampMs && hadTimestamp) this.#finishChunk(family);
      family.groupTimestampMs = timestampMs;
    }

    const exemplarAllowed =
      (type === 'counter' && suffix === '_total') || ((type === 'histogram' || type === 'gaugehistogram') && suffix === '_bucket');
    if (hasExemplar && !exemplarAllowed) {
      throw this.#error(offset, `exemplars are allowed only on counter _total and histogram _bucket samples, not on "${name}"`);
    }

    switch (type) {
      case 'counter':
        if (suffix === '_total') this.#requireCounterValue(name, value, offset);
        break;
      case 'histogram':
      case 'gaugehistogram':
        this.#histogramSample(family, identity, suffix, value, offset);
        break;
      case 'summary':
        if (suffix === '') {
          const raw = labelValue(identity, 'quantile');
          const quantile = raw === undefined ? undefined : parseNumber(raw, 0, raw.length);
          if (quantile === undefined || Number.isNaN(quantile) || quantile < 0 || quantile > 1) {
            throw this.#error(offset, `summary quantile samples need a quantile label between 0 and 1, got ${raw === undefined ? 'none' : `"${raw}"`}`);
          }
          if (value < 0) throw this.#error(offset, `summary quantile value ${value} is negative`);
        } else if (suffix === '_sum' || suffix === '_count') {
          this.#requireCounterValue(name, value, offset);
        }
        break;
      case 'info':
        if (value !== 1) throw this.#error(offset, `info samples must have the value 1, got ${value}`);
        break;
      case 'stateset':
        if (labelValue(identity, family.meta.name) === undefined) {
          throw this.#error(offset, `stateset samples need a label named "${family.meta.name}"`);
        }
        if (value !== 0 && value !== 1) throw this.#error(offset, `stateset samples must be 0 or 1, got ${value}`);
        break;
      default:
        break;
    }
  }

  /** End of input (after `# EOF`): closes the last family. */
  end(_offset: number): void {
    if (this.#family) this.#finishGroup(this.#family);
    this.#family = null;
  }

  #lenientFamilyNamed(name: string): FamilyMeta & { type: OpenMetricsType } {
    let meta = this.#byName.get(name);
    if (!meta) {
      meta = { name, type: 'unknown' };
      this.#byName.set(name, meta);
      this.families.push(meta);
    }
    this.#lenientFamily = meta;
    return meta;
  }

  #startFamily(name: string, offset: number): FamilyState {
    if (this.#family) this.#finishGroup(this.#family);
    const owner = this.#claimed.get(name);
    if (owner !== undefined) {
      throw this.#error(
        offset,
        owner === name
          ? `metric family "${name}" appears again after other families; each family must be in one block`
          : `"${name}" clashes with metric family "${owner}"`,
      );
    }
    this.#claimed.set(name, name);
    const family: FamilyState = {
      meta: { name, type: 'unknown' },
      hasType: false,
      hasHelp: false,
      hasUnit: false,
      hasSamples: false,
      seenGroups: new Set(),
      group: null,
      groupTimestampMs: NaN,
      chunk: null,
    };
    this.#family = family;
    this.families.push(family.meta);
    return family;
  }

  #claim(sampleName: string, family: FamilyMeta, offset: number): void {
    const owner = this.#claimed.get(sampleName);
    if (owner !== undefined && owner !== family.name) {
      throw this.#error(offset, `the ${family.type} family "${family.name}" would have samples named "${sampleName}", which belongs to the earlier family "${owner}"`);
    }
    this.#claimed.set(sampleName, family.name);
  }

  #checkUnit(family: FamilyState, offset: number): void {
    if (family.meta.unit !== undefined && (family.meta.type === 'info' || family.meta.type === 'stateset')) {
      throw this.#error(offset, `${family.meta.type} families cannot have a unit`);
    }
  }

  #requireCounterValue(name: string, value: number, offset: number): void {
    if (Number.isNaN(value) || value < 0) throw this.#error(offset, `"${name}" must not be NaN or negative, got ${value}`);
  }

  #histogramSample(family: FamilyState, identity: SampleIdentity, suffix: string, value: number, offset: number): void {
    const chunk = (family.chunk ??= {
      offset,
      lastLe: null,
      lastBucketValue: 0,
      count: null,
      hasSum: false,
      hasGsum: false,
      hasNegativeBuckets: false,
      hasNegativeGsum: false,
    });
    if (suffix === '_bucket') {
      const raw = labelValue(identity, 'le');
      const le = raw === undefined ? undefined : parseNumber(raw, 0, raw.length);
      if (le === undefined || Number.isNaN(le)) {
        throw this.#error(offset, `histogram buckets need a numeric le label, got ${raw === undefined ? 'none' : `"${raw}"`}`);
      }
      if ((le === Infinity && raw !== '+Inf') || (le === -Infinity && raw !== '-Inf')) {
        throw this.#error(offset, `le="${raw}" is not canonical; write "+Inf"`);
      }
      this.#requireCounterValue(identity.name, value, offset);
      if (chunk.lastLe !== null && le <= chunk.lastLe) throw this.#error(offset, 'histogram buckets must be sorted by le, ascending');
      if (value < chunk.lastBucketValue) throw this.#error(offset, 'histogram bucket counts must not decrease as le grows');
      if (le < 0) chunk.hasNegativeBuckets = true;
      chunk.lastLe = le;
      chunk.lastBucketValue = value;
    } else if (suffix === '_count' || suffix === '_gcount') {
      this.#requireCounterValue(identity.name, value, offset);
      chunk.count = value;
    } else if (suffix === '_sum') {
      this.#requireCounterValue(identity.name, value, offset);
      chunk.hasSum = true;
    } else if (suffix === '_gsum') {
      if (Number.isNaN(value)) throw this.#error(offset, `"${identity.name}" must not be NaN`);
      chunk.hasGsum = true;
      if (value < 0) chunk.hasNegativeGsum = true;
    }
  }

  #finishGroup(family: FamilyState): void {
    if (family.chunk) this.#finishChunk(family);
  }

  /** Checks one histogram metric (one label set and timestamp) once all its samples were seen. */
  #finishChunk(family: FamilyState): void {
    const chunk = family.chunk;
    family.chunk = null;
    if (!chunk) return;
    const name = family.meta.name;
    const fail = (message: string) => {
      throw this.#error(chunk.offset, `histogram "${name}": ${message}`);
    };
    if (chunk.lastLe !== Infinity) fail('the le="+Inf" bucket is missing');
    if (chunk.count !== null && chunk.count !== chunk.lastBucketValue) fail('the count does not match the le="+Inf" bucket');
    if (chunk.hasSum && chunk.count === null) fail('_count must be present when _sum is');
    if (chunk.hasGsum && chunk.count === null) fail('_gcount must be present when _gsum is');
    if (!(chunk.hasSum || chunk.hasGsum) && chunk.count !== null) fail('_sum must be present when the count is');
    if (chunk.hasNegativeBuckets && chunk.hasSum) fail('a histogram with negative buckets cannot have _sum');
    if (!chunk.hasNegativeBuckets && chunk.hasNegativeGsum) fail('_gsum is negative but no bucket is');
  }

  #error(offset: number, message: string): ParseError {
    return this.#parser.errorAt(offset, message);
  }
}

function belongsTo(name: string, family: FamilyMeta & { type: OpenMetricsType }): boolean {
  if (!name.startsWith(family.name)) return false;
  const suffix = name.length === family.name.length ? '' : name.slice(family.name.length);
  return ALLOWED_SUFFIXES[family.type].includes(suffix);
}

function labelValue(identity: SampleIdentity, name: string): string | undefined {
  const names = identity.labelNames;
  for (let i = 0; i < names.length; i++) if (names[i] === name) return identity.labelValues[i];
  return undefined;
}

/** Label set minus `excluded`, order-independent; memoised on the identity. */
function groupKey(identity: SampleIdentity, excluded: string): string {
  if (identity.omGroupKey !== undefined && identity.omGroupExclude === excluded) return identity.omGroupKey;
  const pairs: string[] = [];
  const names = identity.labelNames;
  for (let i = 0; i < names.length; i++) {
    if (names[i] !== excluded) pairs.push(`${names[i]}\u0000${identity.labelValues[i]}`);
  }
  pairs.sort();
  const key = pairs.join('\u0001');
  identity.omGroupExclude = excluded;
  identity.omGroupKey = key;
  return key;
}
