// The metric catalog behind the Explorer (issue 7 part 4; anchors.md §5 item 7): every metric family
// in the session's store, per target, grouped by the kind of target that exposes it, with HELP, TYPE,
// UNIT, series counts and label names; searchable by prefix or fuzzy text with a capped result
// (Prometheus #3321: a UI that renders 50k names at once hangs).
import type { CatalogFamily, CatalogFamilyDetail, CatalogGroup, CatalogGroupKind, CatalogLabel, CatalogPayload, CatalogQuery, PromMetricMetadata, TargetSource } from '../../preload/contract/index.js';
import type { FamilyMeta } from '../scrape/exposition/samples.js';
import type { LabelSet } from '../store/labels.js';
import type { SeriesRef } from '../store/series-store.js';

/** What the catalog reads from the store. */
export interface CatalogStore {
  select(matchers: readonly { name: string; op: '=' | '!=' | '=~' | '!~'; value: string }[]): SeriesRef[];
  metadata(targetId?: string): FamilyMeta[];
}

/** A target as the catalog needs it; `source` is never `local` (the core resolves this machine's targets to cadvisor/node-exporter). */
export interface CatalogTarget {
  id: string;
  source: Exclude<TargetSource, 'local'>;
  labels: Readonly<Record<string, string>>;
}

/** Metric names and metadata only the connected Prometheus has (recording rules, targets Slicewise does not scrape). */
export interface PrometheusNames {
  names: readonly string[];
  metadata: Readonly<Record<string, readonly PromMetricMetadata[]>>;
}

/** One family of one group, as built. */
export interface CatalogFamilyEntry {
  name: string;
  type: string;
  help: string;
  unit: string;
  seriesCount: number;
  labelNames: Set<string>;
  targets: Set<string>;
  seriesNames: Set<string>;
}

/** One group, as built. */
export interface CatalogGroupEntry {
  key: string;
  kind: CatalogGroupKind;
  title: string;
  selector: string;
  targetIds: Set<string>;
  families: Map<string, CatalogFamilyEntry>;
  /** Names only Prometheus knows have no series count. */
  remote: boolean;
}

/** A built catalog; search it with `searchCatalog`, detail a family with `familyDetail`. */
export interface Catalog {
  readonly groups: readonly CatalogGroupEntry[];
  readonly builtMs: number;
}

/** Display order and titles of the groups (applications sit in their own groups, by name). */
const KIND_ORDER: readonly CatalogGroupKind[] = ['cadvisor', 'node-exporter', 'kube-state-metrics', 'kubelet', 'prometheus', 'pushgateway', 'application', 'apiserver', 'scrape', 'prometheus-only'];
const KIND_TITLES: Record<CatalogGroupKind, string> = {
  cadvisor: 'Kubelet cAdvisor',
  'node-exporter': 'node-exporter',
  'kube-state-metrics': 'kube-state-metrics',
  kubelet: 'Kubelet',
  prometheus: 'Prometheus',
  pushgateway: 'Pushgateway',
  application: 'Applications',
  apiserver: 'API server',
  scrape: 'Scrape health (every target)',
  'prometheus-only': 'Only in the connected Prometheus',
};

/** Labels that name an application, most specific first (Kubernetes recommended labels, then older conventions). */
const APP_NAME_LABELS = ['app_kubernetes_io_name', 'app', 'k8s_app', 'kubernetes_io_name', 'app_kubernetes_io_instance', 'service', 'job'];
/** Labels a group selector may use: the ones discovery's relabeling gives every target of a kind. */
const SELECTOR_LABELS = ['job', 'app_kubernetes_io_name', 'app', 'k8s_app', 'kubernetes_io_name', 'service', 'namespace'];

/** The series the store writes for every scrape (Prometheus docs "Jobs and instances", automatically generated labels and time series). */
const SYNTHETIC: Record<string, { type: string; help: string; unit: string }> = {
  up: { type: 'gauge', help: '1 if the last scrape of the target succeeded, 0 if it failed (written by Slicewise, as Prometheus does).', unit: '' },
  scrape_duration_seconds: { type: 'gauge', help: 'How long the last scrape of the target took (written by Slicewise).', unit: 'seconds' },
  scrape_samples_scraped: { type: 'gauge', help: 'Samples the target exposed in its last scrape (written by Slicewise).', unit: '' },
};

/** Series-name suffixes per family type (OpenMetrics 1.0 §"Metric types"; text 0.0.4 histograms and summaries). */
const SUFFIXES: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count', '_created'],
  summary: ['_sum', '_count', '_created'],
  counter: ['_total', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  info: ['_info'],
};
const ALL_SUFFIXES = [...new Set(Object.values(SUFFIXES).flat())];

/** Quotes a label value as PromQL does (Go string escapes for `\`, `"` and newlines). */
export function quoteLabelValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function appName(labels: Readonly<Record<string, string>>): string {
  for (const name of APP_NAME_LABELS) if (labels[name]) return labels[name];
  return 'unnamed';
}

/** `a="1",b="2"` over the selector labels every target of the group shares with one value. */
function commonSelector(targets: readonly CatalogTarget[]): string {
  const parts: string[] = [];
  for (const name of SELECTOR_LABELS) {
    const value = targets[0]?.labels[name];
    if (value && targets.every((target) => target.labels[name] === value)) parts.push(`${name}=${quoteLabelValue(value)}`);
  }
  return parts.join(',');
}

/** Maps series names of one target to their family (`x_bucket` → `x` when `x` is a histogram). */
class FamilyResolver {
  readonly #families: Map<string, FamilyMeta>;
  readonly #cache = new Map<string, FamilyMeta | null>();

  constructor(families: readonly FamilyMeta[]) {
    this.#families = new Map(families.map((family) => [family.name, family]));
  }

  get families(): Iterable<FamilyMeta> {
    return this.#families.values();
  }

  resolve(seriesName: string): FamilyMeta | null {
    const cached = this.#cache.get(seriesName);
    if (cached !== undefined) return cached;
    let found: FamilyMeta | null = this.#families.get(seriesName) ?? null;
    if (!found) {
      for (const suffix of ALL_SUFFIXES) {
        if (!seriesName.endsWith(suffix)) continue;
        const family = this.#families.get(seriesName.slice(0, -suffix.length));
        if (family && (SUFFIXES[family.type] ?? []).includes(suffix)) {
          found = family;
          break;
        }
      }
    }
    this.#cache.set(seriesName, found);
    return found;
  }
}

function newFamily(name: string, type: string, help: string, unit: string): CatalogFamilyEntry {
  return { name, type, help, unit, seriesCount: 0, labelNames: new Set(), targets: new Set(), seriesNames: new Set() };
}

/**
 * Builds the catalog from the store's series and each target's HELP/TYPE/UNIT. Series of targets
 * not in `targets` (ended, waiting for eviction) are left out. `prometheus` adds the names only the
 * connected Prometheus knows, in a group of their own.
 */
export function buildCatalog(store: CatalogStore, targets: readonly CatalogTarget[], options: { nowMs: number; prometheus?: PrometheusNames }): Catalog {
  const groups = new Map<string, CatalogGroupEntry>();
  const groupTargets = new Map<string, CatalogTarget[]>();
  const groupOf = new Map<string, CatalogGroupEntry>();
  const resolvers = new Map<string, FamilyResolver>();
  const scrape: CatalogGroupEntry = { key: 'scrape', kind: 'scrape', title: KIND_TITLES.scrape, selector: '', targetIds: new Set(), families: new Map(), remote: false };

  for (const target of targets) {
    const kind: CatalogGroupKind = target.source;
    const name = kind === 'application' ? appName(target.labels) : '';
    const key = kind === 'application' ? `application:${name}` : kind;
    let group = groups.get(key);
    if (!group) {
      group = { key, kind, title: kind === 'application' ? `${name} (application)` : KIND_TITLES[kind], selector: '', targetIds: new Set(), families: new Map(), remote: false };
      groups.set(key, group);
      groupTargets.set(key, []);
    }
    group.targetIds.add(target.id);
    groupTargets.get(key)!.push(target);
    groupOf.set(target.id, group);
    scrape.targetIds.add(target.id);
    const resolver = new FamilyResolver(store.metadata(target.id));
    resolvers.set(target.id, resolver);
    // Families declared by HELP/TYPE are listed even before (or without) a sample.
    for (const family of resolver.families) {
      let entry = group.families.get(family.name);
      if (!entry) group.families.set(family.name, (entry = newFamily(family.name, family.type, family.help ?? '', family.unit ?? '')));
      entry.targets.add(target.id);
    }
  }
  for (const [key, group] of groups) group.selector = commonSelector(groupTargets.get(key)!);

  const localNames = new Set<string>();
  for (const ref of store.select([])) {
    const group = groupOf.get(ref.targetId);
    if (!group) continue;
    const seriesName = ref.labels.__name__ ?? '';
    localNames.add(seriesName);
    const meta = resolvers.get(ref.targetId)!.resolve(seriesName);
    let entry: CatalogFamilyEntry | undefined;
    if (meta) {
      entry = group.families.get(meta.name);
      if (!entry) group.families.set(meta.name, (entry = newFamily(meta.name, meta.type, meta.help ?? '', meta.unit ?? '')));
      localNames.add(meta.name);
    } else if (SYNTHETIC[seriesName]) {
      entry = scrape.families.get(seriesName);
      if (!entry) scrape.families.set(seriesName, (entry = newFamily(seriesName, SYNTHETIC[seriesName].type, SYNTHETIC[seriesName].help, SYNTHETIC[seriesName].unit)));
    } else {
      // No HELP/TYPE for it (untyped text without metadata): list it under its own name.
      entry = group.families.get(seriesName);
      if (!entry) group.families.set(seriesName, (entry = newFamily(seriesName, 'unknown', '', '')));
    }
    entry.seriesCount++;
    entry.targets.add(ref.targetId);
    entry.seriesNames.add(seriesName);
    for (const label in ref.labels) if (label !== '__name__') entry.labelNames.add(label);
  }

  const ordered = [...groups.values()].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.title.localeCompare(b.title));
  if (scrape.families.size > 0) ordered.push(scrape);
  if (options.prometheus) {
    const remote: CatalogGroupEntry = { key: 'prometheus-only', kind: 'prometheus-only', title: KIND_TITLES['prometheus-only'], selector: '', targetIds: new Set(), families: new Map(), remote: true };
    for (const name of options.prometheus.names) {
      if (localNames.has(name) || SYNTHETIC[name] || name.startsWith('__')) continue;
      const suffix = ALL_SUFFIXES.find((candidate) => name.endsWith(candidate) && localNames.has(name.slice(0, -candidate.length)));
      if (suffix) continue;
      const meta = options.prometheus.metadata[name]?.[0];
      remote.families.set(name, newFamily(name, meta?.type ?? 'unknown', meta?.help ?? '', meta?.unit ?? ''));
    }
    if (remote.families.size > 0) ordered.push(remote);
  }
  return { groups: ordered, builtMs: options.nowMs };
}

/** Score of one lower-case word against a lower-case name; null when it does not match. */
function wordScore(word: string, name: string): number | null {
  if (name === word) return 1000;
  if (name.startsWith(word)) return 900 - Math.min(100, name.length - word.length);
  const at = name.indexOf(word);
  if (at >= 0) return (name[at - 1] === '_' || name[at - 1] === ':' ? 700 : 600) - Math.min(100, at);
  // Subsequence ("cputhr" → container_cpu_cfs_throttled_…) only for words long enough to mean something.
  if (word.length < 3) return null;
  let score = 100;
  let position = 0;
  let run = 0;
  for (const char of word) {
    const found = name.indexOf(char, position);
    if (found < 0) return null;
    if (found === position && position > 0) {
      run++;
      score += 5 * run;
    } else {
      run = 0;
      score -= Math.min(10, found - position);
    }
    if (found === 0 || name[found - 1] === '_' || name[found - 1] === ':') score += 15;
    position = found + 1;
  }
  return Math.max(1, Math.min(500, score));
}

/**
 * How well `text` matches a metric: every blank-separated word must match the name (exact >
 * prefix > substring at a `_` boundary > substring > subsequence) or, weakly, the HELP text. Null
 * when a word matches neither; 0 for empty text.
 */
export function matchScore(text: string, name: string, help = ''): number | null {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return 0;
  const lowerName = name.toLowerCase();
  let lowerHelp: string | undefined;
  let total = 0;
  for (const word of words) {
    const score = wordScore(word, lowerName);
    if (score !== null) {
      total += score;
      continue;
    }
    lowerHelp ??= help.toLowerCase();
    if (lowerHelp.includes(word)) {
      total += 10;
      continue;
    }
    return null;
  }
  return total;
}

export const DEFAULT_CATALOG_LIMIT = 200;
export const MAX_CATALOG_LIMIT = 2000;

function toFamily(entry: CatalogFamilyEntry, remote: boolean): CatalogFamily {
  return {
    name: entry.name,
    type: entry.type,
    help: entry.help,
    unit: entry.unit,
    seriesCount: remote ? null : entry.seriesCount,
    labelNames: [...entry.labelNames].sort(),
    targetCount: entry.targets.size,
    seriesNames: remote ? [entry.name] : [...entry.seriesNames].sort(),
  };
}

/**
 * Searches the catalog. With text, the `limit` best matches over all groups are sent, best first
 * inside each group; without, each group sends its first families by name, an equal share of
 * `limit` (at least 20), so no group is crowded out by a big one.
 */
export function searchCatalog(catalog: Catalog, query: CatalogQuery = {}): CatalogPayload {
  const limit = Math.max(1, Math.min(MAX_CATALOG_LIMIT, Math.floor(query.limit ?? DEFAULT_CATALOG_LIMIT)));
  const text = (query.text ?? '').trim();
  const matches: { group: number; entry: CatalogFamilyEntry; score: number }[] = [];
  const matchCounts = catalog.groups.map(() => 0);
  let total = 0;
  catalog.groups.forEach((group, index) => {
    for (const entry of group.families.values()) {
      total++;
      const score = matchScore(text, entry.name, entry.help);
      if (score === null) continue;
      matches.push({ group: index, entry, score });
      matchCounts[index]++;
    }
  });
  let chosen: typeof matches;
  if (text) {
    chosen = matches.sort((a, b) => b.score - a.score || (a.entry.name < b.entry.name ? -1 : a.entry.name > b.entry.name ? 1 : 0)).slice(0, limit);
  } else {
    const share = Math.max(20, Math.floor(limit / Math.max(1, catalog.groups.length)));
    const taken = catalog.groups.map(() => 0);
    chosen = [];
    matches.sort((a, b) => a.group - b.group || (a.entry.name < b.entry.name ? -1 : a.entry.name > b.entry.name ? 1 : 0));
    for (const match of matches) {
      if (taken[match.group] >= share) continue;
      taken[match.group]++;
      chosen.push(match);
    }
  }
  const perGroup = catalog.groups.map((): CatalogFamily[] => []);
  for (const match of chosen) perGroup[match.group].push(toFamily(match.entry, catalog.groups[match.group].remote));
  const groups: CatalogGroup[] = [];
  catalog.groups.forEach((group, index) => {
    if (text && matchCounts[index] === 0) return;
    groups.push({
      key: group.key,
      kind: group.kind,
      title: group.title,
      selector: group.selector,
      targetCount: group.targetIds.size,
      familyCount: group.families.size,
      matchCount: matchCounts[index],
      families: perGroup[index],
    });
  });
  return { groups, totalFamilies: total, matched: matches.length, shown: chosen.length, builtMs: catalog.builtMs };
}

/** Label statistics over label sets: each label's distinct values, the most common first (at most `maxValues`). */
export function summarizeLabels(labelSets: Iterable<LabelSet>, maxValues = 50): CatalogLabel[] {
  const counts = new Map<string, Map<string, number>>();
  for (const labels of labelSets) {
    for (const name in labels) {
      if (name === '__name__') continue;
      let values = counts.get(name);
      if (!values) counts.set(name, (values = new Map()));
      values.set(labels[name], (values.get(labels[name]) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, values]) => ({
      name,
      valueCount: values.size,
      values: [...values.entries()]
        .sort(([va, ca], [vb, cb]) => cb - ca || (va < vb ? -1 : va > vb ? 1 : 0))
        .slice(0, maxValues)
        .map(([value, series]) => ({ value, series })),
    }));
}

/**
 * Everything the Explorer shows for family `name`: HELP/TYPE/UNIT, the groups exposing it, label
 * values over its series in the store, and example label sets. Undefined when no local group has it.
 */
export function familyDetail(store: CatalogStore, catalog: Catalog, name: string): CatalogFamilyDetail | undefined {
  const holders = catalog.groups.filter((group) => !group.remote && group.families.has(name));
  if (holders.length === 0) return undefined;
  const first = holders[0].families.get(name)!;
  const seriesNames = new Set<string>();
  const targetIds = new Set<string>();
  for (const group of holders) {
    const entry = group.families.get(name)!;
    for (const seriesName of entry.seriesNames) seriesNames.add(seriesName);
    for (const id of entry.targets) targetIds.add(id);
  }
  const refs: SeriesRef[] = [];
  for (const seriesName of [...seriesNames].sort()) {
    for (const ref of store.select([{ name: '__name__', op: '=', value: seriesName }])) if (targetIds.has(ref.targetId)) refs.push(ref);
  }
  return {
    name,
    type: first.type,
    help: first.help,
    unit: first.unit,
    seriesCount: refs.length,
    seriesNames: [...seriesNames].sort(),
    groups: holders.map((group) => ({ key: group.key, title: group.title, selector: group.selector, seriesCount: group.families.get(name)!.seriesCount })),
    labels: summarizeLabels(refs.map((ref) => ref.labels)),
    examples: refs.slice(0, 5).map((ref) => ({ ...ref.labels })),
  };
}
