import type { ChartLine, ChartPanel, ChartUnit, CgroupKind } from '../../../preload/contract/index.js';
import type { ParsedSample } from '../../scrape/exposition/samples.js';
import type { SeriesRef, SeriesStore } from '../../store/series-store.js';
import { scrapedLabels } from '../scraped-labels.js';
import { computeCgroupFigures, type CadvisorSnapshot, type CgroupFigures } from './figures.js';
import { normalizeCgroupPath, parentCgroupPath } from './names.js';
import { CGROUP_FAMILIES } from './snapshots.js';
import { buildCgroupTree, type CgroupTree, type PodMeta } from './tree.js';

/** One cgroup's figures at each of its readings in the store, oldest first (rates need the reading before, so the first has none). */
export interface CgroupHistory {
  xs: number[];
  figures: (CgroupFigures | null)[];
}

interface SeriesEvents {
  name: string;
  labels: Record<string, string>;
  ts: number[];
  vs: number[];
  /** Carries cAdvisor's own timestamps (not stored at the target's scrape times). */
  stamped: boolean;
}

/** The target's scrape times (its `up` series), which tell stored-at-scrape-time samples from stamped ones. */
export function scrapeTimesOf(store: SeriesStore, targetId: string): Set<number> {
  const up = store.select([{ name: '__name__', op: '=', value: 'up' }]).find((ref) => ref.targetId === targetId);
  return new Set(up ? store.range([up.id], Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY).xs : []);
}

function readEvents(store: SeriesStore, ref: SeriesRef, targetLabels: Readonly<Record<string, string>>, scrapeTimes: ReadonlySet<number>): SeriesEvents | undefined {
  const { xs, ys } = store.range([ref.id], Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  const column = ys[0];
  const ts: number[] = [];
  const vs: number[] = [];
  let stamped = false;
  for (let i = 0; i < xs.length; i++) {
    const value = column[i];
    if (value === null) continue;
    ts.push(xs[i]);
    vs.push(value);
    if (!scrapeTimes.has(xs[i])) stamped = true;
  }
  if (ts.length === 0) return undefined;
  return { name: ref.labels.__name__ ?? '', labels: scrapedLabels(ref.labels, targetLabels), ts, vs, stamped };
}

/**
 * The figures of cgroup `path` at each reading the store holds for it, computed by the cgroup
 * model itself (`computeCgroupFigures` between consecutive readings), so the charts follow the
 * table's rules exactly: user/system cores, throttled share, block-device IO only, unlimited
 * memory as null. A reading is one of cAdvisor's collection times for the cgroup; families
 * without timestamps (spec, machine) are held at their latest value at or before it.
 * The cgroup is matched on the `id` label, which no discovery role adds to a target.
 */
export function cgroupHistory(
  store: SeriesStore,
  targetId: string,
  targetLabels: Readonly<Record<string, string>>,
  path: string,
  scrapeTimes: ReadonlySet<number> = scrapeTimesOf(store, targetId),
): CgroupHistory {
  const series: SeriesEvents[] = [];
  for (const family of CGROUP_FAMILIES) {
    const machine = family.startsWith('machine_');
    if (family === 'container_last_seen') continue;
    for (const ref of store.select([{ name: '__name__', op: '=', value: family }])) {
      if (ref.targetId !== targetId) continue;
      if (!machine) {
        const id = ref.labels.id;
        if (id === undefined || (id !== path && normalizeCgroupPath(id) !== path)) continue;
      }
      const events = readEvents(store, ref, targetLabels, scrapeTimes);
      if (events) series.push(events);
    }
  }
  const stampedTimes = new Set<number>();
  for (const entry of series) if (entry.stamped) for (const t of entry.ts) stampedTimes.add(t);
  // Sources without timestamps (kubelet 1.15, some local readers) have readings at scrape times only.
  if (stampedTimes.size === 0) for (const entry of series) if (!entry.name.startsWith('machine_')) for (const t of entry.ts) stampedTimes.add(t);
  const xs = [...stampedTimes].sort((a, b) => a - b);

  const cursors = series.map(() => 0);
  const snapshots: CadvisorSnapshot[] = xs.map((x) => {
    const samples: ParsedSample[] = [];
    series.forEach((entry, s) => {
      if (entry.stamped) {
        let i = cursors[s];
        while (i < entry.ts.length && entry.ts[i] < x) i++;
        cursors[s] = i;
        if (i < entry.ts.length && entry.ts[i] === x) samples.push({ name: entry.name, labels: entry.labels, value: entry.vs[i], timestampMs: x });
        return;
      }
      // Held: the latest value at or before x; before its first sample, the first one (a spec
      // value stored at the first scrape time, a little after cAdvisor's first collection).
      let i = cursors[s];
      while (i + 1 < entry.ts.length && entry.ts[i + 1] <= x) i++;
      cursors[s] = i;
      samples.push({ name: entry.name, labels: entry.labels, value: entry.vs[i], timestampMs: null });
    });
    return { tsMs: x, samples };
  });
  const figures = snapshots.map((snapshot, i) => computeCgroupFigures(snapshot, i > 0 ? snapshots[i - 1] : undefined).get(path) ?? null);
  return { xs, figures };
}

/** Families whose series name every cgroup with its pod and container labels (`container_last_seen`: all of them, protocols.md §6.2). */
const NAMING_FAMILIES = ['container_last_seen', 'container_cpu_usage_seconds_total', 'container_memory_working_set_bytes'];

/**
 * The tree of a target's newest scrape, from the naming families alone (with the labels that
 * name pods and containers): enough to name a cgroup and find a pod's sandbox without reading
 * every family.
 */
export function cgroupTreeOfTarget(store: SeriesStore, targetId: string, targetLabels: Readonly<Record<string, string>>, pods?: readonly PodMeta[]): CgroupTree {
  const samples: ParsedSample[] = [];
  for (const family of NAMING_FAMILIES) {
    const refs = store.select([{ name: '__name__', op: '=', value: family }]).filter((ref) => ref.targetId === targetId);
    const latest = store.instant(refs.map((ref) => ref.id));
    refs.forEach((ref, i) => {
      if (latest[i]) samples.push({ name: family, labels: scrapedLabels(ref.labels, targetLabels), value: latest[i].value, timestampMs: null });
    });
  }
  return buildCgroupTree({ samples, pods });
}

/**
 * Whose network figures a cgroup's chart shows: the sandbox owns a pod's network namespace
 * (protocols.md §6.3), so a pod, its containers and its sandbox all show the sandbox's; any other
 * cgroup shows its own (the root's are the host's interfaces).
 */
export function networkPathOf(tree: CgroupTree, path: string): string {
  const node = tree.byPath.get(path);
  if (!node) return path;
  const pod = node.kind === 'pod' ? node : node.kind === 'container' || node.kind === 'sandbox' ? tree.byPath.get(parentCgroupPath(path) ?? '/') : undefined;
  if (!pod || pod.kind !== 'pod') return path;
  return pod.children.find((child) => child.kind === 'sandbox')?.path ?? path;
}

function panel(id: string, title: string, unit: ChartUnit, history: CgroupHistory, lines: { line: ChartLine; pick: (figures: CgroupFigures) => number | null }[]): ChartPanel | undefined {
  const kept = lines.filter(({ pick }) => history.figures.some((figures) => figures !== null && pick(figures) !== null));
  if (!kept.some(({ line }) => (line.role ?? 'data') === 'data')) return undefined;
  return {
    id,
    title,
    unit,
    lines: kept.map(({ line }) => line),
    xs: history.xs,
    ys: kept.map(({ pick }) => history.figures.map((figures) => (figures ? pick(figures) : null))),
  };
}

/**
 * The charts of one cgroup: CPU (user and system cores, with the CFS limit dashed), memory
 * (working set, RSS, cache, with the limit), throttled share, network receive/transmit (from
 * `network`, the sandbox's history for pods and containers) and block IO read/write. Panels whose
 * data lines are all absent are left out (a cgroup without a CPU quota has no throttling panel).
 */
export function cgroupPanels(history: CgroupHistory, network: CgroupHistory): ChartPanel[] {
  const hasUserSystem = history.figures.some((figures) => figures !== null && (figures.cpuUserCores !== null || figures.cpuSystemCores !== null));
  const panels = [
    panel('cpu', 'CPU', 'cores', history, [
      ...(hasUserSystem
        ? [
            { line: { label: 'user' }, pick: (f: CgroupFigures) => f.cpuUserCores },
            { line: { label: 'system' }, pick: (f: CgroupFigures) => f.cpuSystemCores },
          ]
        : [{ line: { label: 'total' }, pick: (f: CgroupFigures) => f.cpuCores }]),
      { line: { label: 'limit', role: 'limit' }, pick: (f) => f.cpuLimitCores },
    ]),
    panel('memory', 'Memory', 'bytes', history, [
      { line: { label: 'working set' }, pick: (f) => f.memoryWorkingSetBytes },
      { line: { label: 'RSS' }, pick: (f) => f.memoryRssBytes },
      { line: { label: 'cache' }, pick: (f) => f.memoryCacheBytes },
      { line: { label: 'limit', role: 'limit' }, pick: (f) => f.memoryLimitBytes },
    ]),
    panel('throttling', 'CPU throttled (share of periods)', 'share', history, [{ line: { label: 'throttled' }, pick: (f) => f.throttledShare }]),
    panel('network', 'Network', 'bytesPerSecond', network, [
      { line: { label: 'receive' }, pick: (f) => f.networkRxBytesPerSec },
      { line: { label: 'transmit' }, pick: (f) => f.networkTxBytesPerSec },
    ]),
    panel('io', 'Block IO', 'bytesPerSecond', history, [
      { line: { label: 'read' }, pick: (f) => f.ioReadBytesPerSec },
      { line: { label: 'write' }, pick: (f) => f.ioWriteBytesPerSec },
    ]),
  ];
  return panels.filter((entry): entry is ChartPanel => entry !== undefined);
}

/** What `cgroup.series` needs to know of the cgroup besides its charts. */
export interface CgroupCharts {
  name: string | null;
  kind: CgroupKind | null;
  panels: ChartPanel[];
}

/** Name, kind and charts of cgroup `path` of a cAdvisor target. */
export function cgroupCharts(store: SeriesStore, targetId: string, targetLabels: Readonly<Record<string, string>>, path: string, pods?: readonly PodMeta[]): CgroupCharts {
  const tree = cgroupTreeOfTarget(store, targetId, targetLabels, pods);
  const node = tree.byPath.get(path);
  const scrapeTimes = scrapeTimesOf(store, targetId);
  const history = cgroupHistory(store, targetId, targetLabels, path, scrapeTimes);
  const networkPath = networkPathOf(tree, path);
  const network = networkPath === path ? history : cgroupHistory(store, targetId, targetLabels, networkPath, scrapeTimes);
  return { name: node?.name ?? null, kind: node?.kind ?? null, panels: cgroupPanels(history, network) };
}
