// Convenience readers over the cursor parser, for tools, tests and the cgroup model. The scrape
// loop does not use these (it decodes into columns through decoder.ts); they allocate one object
// per sample and are meant for small inputs and one-off reads.
import { OpenMetricsChecker, type SampleIdentity } from './openmetrics-rules.js';
import { TextFamilies } from './families.js';
import {
  ENTRY_END,
  ENTRY_HELP,
  ENTRY_SERIES,
  ENTRY_TYPE,
  ENTRY_UNIT,
  ExpositionParser,
  type ExpositionFormat,
} from './parser.js';
import { decodeExpositionBytes } from './text-decoding.js';

/** One sample as written in the exposition. `labels` excludes `__name__`, in input order. */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Explicit timestamp in epoch ms (OpenMetrics seconds converted, truncated), or null. */
  timestampMs: number | null;
}

/** HELP/TYPE/UNIT of one metric family. Text 0.0.4 families without TYPE are `untyped`, OpenMetrics ones `unknown`. */
export interface FamilyMeta {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped' | 'unknown' | 'info' | 'stateset' | 'gaugehistogram';
  help?: string;
  unit?: string;
}

/** Reading options. */
export interface ReadOptions {
  /**
   * OpenMetrics only: also enforce the family-level rules of the specification (types, grouping,
   * histogram structure, exemplar placement), as the conformance suite expects. Off by default,
   * like Prometheus, which ingests expositions that break them.
   */
  strict?: boolean;
}

/** Every sample of an exposition, duplicates included, in input order; throws `ParseError`. */
export function readSamples(input: string | Uint8Array, format: ExpositionFormat, options: ReadOptions = {}): ParsedSample[] {
  const samples: ParsedSample[] = [];
  walk(input, format, options, (parser) => {
    samples.push({
      name: parser.metricName(),
      labels: parser.labels(),
      value: parser.value,
      timestampMs: Number.isNaN(parser.timestampMs) ? null : parser.timestampMs,
    });
  });
  return samples;
}

/**
 * The metric families of an exposition: those declared by HELP/TYPE/UNIT lines (even without
 * samples) and, after them, those whose samples came without metadata. Throws `ParseError`.
 */
export function readFamilies(input: string | Uint8Array, format: ExpositionFormat, options: ReadOptions = {}): FamilyMeta[] {
  return walk(input, format, options, () => undefined);
}

/**
 * The exposition format for an HTTP Content-Type, as Prometheus 2.x chooses its parser:
 * `application/openmetrics-text` is OpenMetrics, anything else (including a missing header) is
 * text 0.0.4.
 */
export function formatFromContentType(contentType: string | undefined): ExpositionFormat {
  if (!contentType) return 'text';
  const mediaType = contentType.split(';', 1)[0].trim().toLowerCase();
  return mediaType === 'application/openmetrics-text' ? 'openmetrics' : 'text';
}

function walk(
  input: string | Uint8Array,
  format: ExpositionFormat,
  options: ReadOptions,
  onSample: (parser: ExpositionParser) => void,
): FamilyMeta[] {
  const text = typeof input === 'string' ? input : decodeExpositionBytes(input);
  const parser = new ExpositionParser(text, format);
  if (format === 'openmetrics') {
    const checker = new OpenMetricsChecker(parser, { strict: options.strict === true });
    for (let kind = parser.next(); kind !== ENTRY_END; kind = parser.next()) {
      if (kind === ENTRY_SERIES) {
        const identity: SampleIdentity = {
          name: parser.metricName(),
          labelNames: parser.labelNames.slice(0, parser.labelCount),
          labelValues: parser.labelValues.slice(0, parser.labelCount),
        };
        checker.sample(identity, parser.value, parser.timestampMs, parser.hasExemplar, parser.lineStart);
        onSample(parser);
      } else if (kind === ENTRY_HELP || kind === ENTRY_TYPE || kind === ENTRY_UNIT) {
        checker.metadata(kind, parser.metaName, parser.metaText, parser.lineStart);
      }
    }
    checker.end(parser.position);
    return checker.families;
  }
  const families = new TextFamilies();
  for (let kind = parser.next(); kind !== ENTRY_END; kind = parser.next()) {
    if (kind === ENTRY_SERIES) {
      families.sampleName(parser.metricName());
      onSample(parser);
    } else if (kind === ENTRY_HELP || kind === ENTRY_TYPE) {
      families.metadata(kind, parser.metaName, parser.metaText);
    }
  }
  return families.finish();
}
