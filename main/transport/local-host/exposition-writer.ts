/**
 * Writes metric families in the Prometheus text format 0.0.4 (prometheus/docs
 * docs/instrumenting/exposition_formats.md): `# HELP`, `# TYPE`, then one line per sample with
 * label values escaped (`\\`, `\"`, `\n`) and an optional millisecond timestamp. The local reader
 * uses it so "this machine" enters the pipeline exactly like a scraped exporter.
 */

export interface LocalSample {
  /** Label names in the order to write them (the readers keep them sorted by name, like client_golang). */
  labels: Record<string, string>;
  value: number;
  timestampMs?: number | null;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'untyped';
  samples: LocalSample[];
}

function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (char) => (char === '\\' ? '\\\\' : char === '"' ? '\\"' : '\\n'));
}

function escapeHelp(help: string): string {
  return help.replace(/[\\\n]/g, (char) => (char === '\\' ? '\\\\' : '\\n'));
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** Formats families as exposition text; families without samples are left out. */
export function formatExposition(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  // Readers share one label object per cgroup across families: write each one once.
  const written = new WeakMap<Record<string, string>, string>();
  for (const family of families) {
    if (family.samples.length === 0) continue;
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      let labels = written.get(sample.labels);
      if (labels === undefined) {
        const pairs = Object.entries(sample.labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
        labels = pairs.length > 0 ? `{${pairs.join(',')}}` : '';
        written.set(sample.labels, labels);
      }
      const series = `${family.name}${labels}`;
      const timestamp = sample.timestampMs === undefined || sample.timestampMs === null ? '' : ` ${Math.round(sample.timestampMs)}`;
      lines.push(`${series} ${formatValue(sample.value)}${timestamp}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** Flattens families into parser-shaped samples (`{name, labels, value, timestampMs}`), skipping the text round trip. */
export function familiesToSamples(families: readonly MetricFamily[]): { name: string; labels: Record<string, string>; value: number; timestampMs: number | null }[] {
  const samples: { name: string; labels: Record<string, string>; value: number; timestampMs: number | null }[] = [];
  for (const family of families) {
    for (const sample of family.samples) {
      samples.push({ name: family.name, labels: sample.labels, value: sample.value, timestampMs: sample.timestampMs ?? null });
    }
  }
  return samples;
}
