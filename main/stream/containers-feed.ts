// The `containers.list` and `containers.series` topics: container rows and charts, recomputed from
// the session's store and cache when a kubelet cAdvisor (or kube-state-metrics) scrape lands or
// the pods change.
import type { ChartLine, ChartPanel, ContainerRow, ContainerSeriesPayload, ContainersPayload } from '../../preload/contract/index.js';
import { normalizeCgroupPath } from '../model/cgroup/names.js';
import { buildCgroupTree } from '../model/cgroup/tree.js';
import { chartTimes, rateColumn, ratioOfIncreases, sumColumns, valuesAt } from '../model/chart-columns.js';
import { containerRows, CONTAINER_FAMILIES, isUnstampedCadvisorFamily, ksmContainerFacts, type KsmContainerFacts } from '../model/containers.js';
import { podFacts, toPodMeta, type PodFacts } from '../model/pod-facts.js';
import { scrapedLabels } from '../model/scraped-labels.js';
import { readLatestSamples, readTargetWindows, windowSamples } from '../model/store-window.js';
import { controllerResolver } from '../model/workloads.js';
import type { ParsedSample } from '../scrape/exposition/samples.js';
import type { SeriesRef } from '../store/series-store.js';
import { DisposableStore, type Disposable } from '../util/disposable.js';
import type { Logger } from '../util/log.js';
import { followSessionFeed, Recompute, type FeedSession, type SessionSource } from './session-feed.js';

/** Rates in the table are averages over this window (at least two scrapes of a 15 s interval fit in it). */
export const CONTAINER_RATE_WINDOW_MS = 60_000;
/** Without a node or namespace, this many nodes at most are read (a note says so). */
const MAX_NODES = 50;
/** Rows sent at most (the table is windowed, the payload is not). */
const MAX_ROWS = 5_000;
/** Points per container chart. */
const MAX_CHART_POINTS = 300;

export const EMPTY_CONTAINERS: ContainersPayload = { rows: [], windowMs: CONTAINER_RATE_WINDOW_MS, tsMs: null, notes: [] };

interface CadvisorTarget {
  targetId: string;
  node: string;
  labels: Readonly<Record<string, string>>;
  health: string;
  lastError?: string;
}

/** The kubelet cAdvisor target of every node the session scrapes (this machine's cgroups for the local session). */
export function cadvisorTargets(session: FeedSession): Map<string, CadvisorTarget> {
  const summaries = new Map(session.targets.value.map((target) => [target.id, target]));
  const byNode = new Map<string, CadvisorTarget>();
  for (const node of new Set(session.targets.value.map((target) => target.node).filter((node): node is string => !!node))) {
    const found = session.targetsOfNode(node).find((target) => target.source === 'cadvisor');
    const summary = found ? summaries.get(found.targetId) : undefined;
    if (found && summary) byNode.set(node, { targetId: found.targetId, node, labels: summary.labels, health: summary.health, ...(summary.lastError ? { lastError: summary.lastError } : {}) });
  }
  return byNode;
}

/** Target id → target labels of the targets answering with kube-state-metrics. */
export function ksmTargets(session: FeedSession): Map<string, Readonly<Record<string, string>>> {
  return new Map(session.targets.value.filter((target) => target.source === 'kube-state-metrics' && target.health === 'up').map((target) => [target.id, target.labels]));
}

/** The targets the containers and workloads figures are read from: every node's cAdvisor and the kube-state-metrics that are up. */
export function containerSourceIds(session: FeedSession): Set<string> {
  return new Set([...[...cadvisorTargets(session).values()].map((target) => target.targetId), ...ksmTargets(session).keys()]);
}

/**
 * Triggers `recompute` when a scrape of a target in `watched()` lands, the target list changes or
 * the session's namespace filter moves (the triggers both the containers and workloads feeds need).
 */
export function recomputeOnSources(session: FeedSession, recompute: Recompute, watched: () => ReadonlySet<string>): Disposable {
  const disposables = new DisposableStore();
  disposables.add(session.store.onAppend((event) => watched().has(event.targetId) && recompute.trigger()));
  disposables.add(session.targets.subscribe(() => recompute.trigger()));
  let namespace = session.status.value.namespace;
  disposables.add(
    session.status.subscribe((status) => {
      if (status.namespace === namespace) return;
      namespace = status.namespace;
      recompute.trigger();
    }),
  );
  return disposables;
}

/** KSM requests/limits/restarts per container, when kube-state-metrics answers. */
export function readKsmContainers(session: FeedSession): Map<string, KsmContainerFacts> | undefined {
  const targets = ksmTargets(session);
  if (targets.size === 0) return undefined;
  return ksmContainerFacts(readLatestSamples(session.store, targets, ['kube_pod_container_resource_requests', 'kube_pod_container_resource_limits', 'kube_pod_container_status_restarts_total']));
}

export interface ContainerSelection {
  node?: string;
  namespace?: string;
}

/**
 * Container rows of the selected node, or of the nodes running the namespace's pods, or of every
 * node (up to MAX_NODES), with notes on what is missing.
 */
export function readContainerRows(session: FeedSession, selection: ContainerSelection, nowMs: number): ContainersPayload {
  const cadvisor = cadvisorTargets(session);
  const cache = session.cache;
  const notes: string[] = [];
  let pods: PodFacts[] = [];
  if (cache) {
    const objects = selection.node ? cache.pods.byIndex('node', selection.node) : cache.pods.list();
    pods = objects.filter((pod) => !selection.namespace || pod.metadata.namespace === selection.namespace).map(podFacts);
  }
  let nodes: string[];
  if (selection.node) nodes = [selection.node];
  else if (selection.namespace && cache) nodes = [...new Set(pods.map((pod) => pod.node).filter((node): node is string => !!node))];
  else nodes = [...new Set([...cadvisor.keys(), ...pods.map((pod) => pod.node).filter((node): node is string => !!node)])];
  nodes.sort();
  if (nodes.length > MAX_NODES) {
    notes.push(`Showing the containers of ${MAX_NODES} of ${nodes.length} nodes; pick a node or a namespace to see the others.`);
    nodes = nodes.slice(0, MAX_NODES);
  }
  const targetLabels = new Map<string, Readonly<Record<string, string>>>();
  for (const node of nodes) {
    const target = cadvisor.get(node);
    if (target) targetLabels.set(target.targetId, target.labels);
  }
  const windows = readTargetWindows(session.store, targetLabels, CONTAINER_FAMILIES, CONTAINER_RATE_WINDOW_MS, nowMs, { unstamped: isUnstampedCadvisorFamily });
  const ksm = readKsmContainers(session);
  const controllerOf = controllerResolver(cache?.replicaSets.list() ?? [], null);
  const podsByNode = new Map<string | null, PodFacts[]>();
  for (const pod of pods) {
    const list = podsByNode.get(pod.node);
    if (list) list.push(pod);
    else podsByNode.set(pod.node, [pod]);
  }
  let rows: ContainerRow[] = [];
  let tsMs: number | null = null;
  const unscraped: string[] = [];
  for (const node of nodes) {
    const target = cadvisor.get(node);
    const window = target ? windows.get(target.targetId) : undefined;
    if (window && (tsMs === null || window.current.tsMs > tsMs)) tsMs = window.current.tsMs;
    if (!window) unscraped.push(target?.lastError ? `${node} (${target.lastError})` : target ? `${node} (not scraped yet)` : `${node} (no kubelet cAdvisor target)`);
    rows.push(...containerRows({ node, window, pods: podsByNode.get(node) ?? [], ksm, controllerOf }));
  }
  // Pods not scheduled yet have containers too (waiting, unmeasured).
  if (!selection.node) rows.push(...containerRows({ node: null, pods: podsByNode.get(null) ?? [], ksm, controllerOf }));
  if (selection.namespace) rows = rows.filter((row) => row.namespace === selection.namespace);
  if (unscraped.length > 0) notes.push(`No kubelet cAdvisor figures from ${unscraped.join(', ')}.`);
  if (!cache && rows.length === 0) notes.push('This machine: containers are listed when its cgroups belong to Kubernetes pods whose names the kubelet labels; open a cluster context for the pods of a cluster.');
  if (rows.length > MAX_ROWS) {
    notes.push(`Showing ${MAX_ROWS} of ${rows.length} containers; pick a node or a namespace to narrow the list.`);
    rows = rows.slice(0, MAX_ROWS);
  }
  return { rows, windowMs: CONTAINER_RATE_WINDOW_MS, tsMs, notes };
}

/** `containers.list`: recomputed when a relevant scrape lands, the pods change or the namespace filter moves. */
export function startContainersFeed(session: FeedSession, params: ContainerSelection, emit: (payload: ContainersPayload) => void, log: Logger): Disposable {
  const disposables = new DisposableStore();
  const selection = (): ContainerSelection => {
    const namespace = params.namespace ?? session.status.value.namespace ?? undefined;
    return { ...(params.node ? { node: params.node } : {}), ...(namespace ? { namespace } : {}) };
  };
  let watched = new Set<string>();
  const recompute = disposables.add(
    new Recompute(
      () => {
        watched = containerSourceIds(session);
        emit(readContainerRows(session, selection(), Date.now()));
      },
      { onError: (error) => log.error('containers.list failed', error) },
    ),
  );
  disposables.add(recomputeOnSources(session, recompute, () => watched));
  if (session.cache) disposables.add(session.cache.onAnyChange((resource) => (resource === 'pods' || resource === 'replicasets') && recompute.trigger()));
  return disposables;
}

// ---------------------------------------------------------------------------------------------------
// containers.series

/** Families drawn in a container's charts. */
const CHART_FAMILIES = {
  cpu: 'container_cpu_usage_seconds_total',
  periods: 'container_cpu_cfs_periods_total',
  throttled: 'container_cpu_cfs_throttled_periods_total',
  memory: 'container_memory_working_set_bytes',
  reads: 'container_fs_reads_bytes_total',
  writes: 'container_fs_writes_bytes_total',
  rx: 'container_network_receive_bytes_total',
  tx: 'container_network_transmit_bytes_total',
} as const;

function podOf(labels: Readonly<Record<string, string>>): { pod: string | undefined; namespace: string | undefined } {
  return { pod: labels.pod ?? labels.pod_name, namespace: labels.namespace };
}

/**
 * Charts of one container over the store's retention: CPU with request and limit lines, memory
 * working set with request and limit lines, throttled share, the pod's network (sandbox) and block
 * IO. The container's cgroup is found with the cgroup tree (same rules as the rows).
 */
export function readContainerSeries(session: FeedSession, params: { namespace: string; pod: string; container: string }, nowMs: number): ContainerSeriesPayload {
  const base: ContainerSeriesPayload = { namespace: params.namespace, pod: params.pod, container: params.container, node: null, charts: [], note: null };
  const object = session.cache?.pods.get(`${params.namespace}/${params.pod}`);
  const facts = object ? podFacts(object) : undefined;
  const spec = facts?.containers.find((container) => container.name === params.container);
  const cadvisor = cadvisorTargets(session);
  // The pod's node from the cache; without one (this machine, a pod the cache lacks), any node whose cAdvisor names the pod.
  let target = facts?.node ? cadvisor.get(facts.node) : undefined;
  const inTarget = (ref: SeriesRef, targetId: string) => {
    if (ref.targetId !== targetId) return false;
    const { pod, namespace } = podOf(ref.labels);
    return pod === params.pod && (namespace === undefined || namespace === params.namespace);
  };
  if (!target) {
    const refs = session.store.select([{ name: '__name__', op: '=', value: CHART_FAMILIES.memory }]);
    target = [...cadvisor.values()].find((candidate) => refs.some((ref) => inTarget(ref, candidate.targetId)));
  }
  if (!target) return { ...base, node: facts?.node ?? null, note: facts?.node ? `No kubelet cAdvisor figures from ${facts.node}.` : 'No kubelet cAdvisor reports this pod.' };
  base.node = target.node;
  const fromMs = nowMs - session.store.retentionMs;

  // Series of the pod by family, and the latest samples to place them in the cgroup tree.
  const seriesByFamily = new Map<string, SeriesRef[]>();
  const latest: ParsedSample[] = [];
  for (const family of Object.values(CHART_FAMILIES)) {
    const refs = session.store.select([{ name: '__name__', op: '=', value: family }]).filter((ref) => inTarget(ref, target.targetId));
    seriesByFamily.set(family, refs);
    const values = session.store.instant(refs.map((ref) => ref.id));
    refs.forEach((ref, index) => {
      const sample = values[index];
      if (sample) latest.push({ name: family, labels: scrapedLabels(ref.labels, target.labels), value: sample.value, timestampMs: sample.tsMs });
    });
  }
  const tree = buildCgroupTree({ samples: latest, pods: facts ? [toPodMeta(facts)] : [] });
  const containers = [...tree.byPath.values()].filter((node) => node.kind === 'container' && node.container?.name === params.container);
  const cgroup = containers.find((node) => spec?.containerId && node.container?.id === spec.containerId) ?? containers.at(-1);
  const podCgroup = [...tree.byPath.values()].find((node) => node.kind === 'pod');
  const sandbox = podCgroup?.children.find((node) => node.kind === 'sandbox');
  if (!cgroup) return { ...base, note: `The kubelet on ${target.node} reports no cgroup for ${params.container} (not running, or not scraped yet).` };

  const columnsOf = (family: string, path: string | undefined, filter: (ref: SeriesRef) => boolean = () => true) => {
    const refs = (seriesByFamily.get(family) ?? []).filter((ref) => path !== undefined && normalizeCgroupPath(ref.labels.id ?? '') === path && filter(ref));
    return refs.map((ref) => windowSamples(session.store, ref.id, fromMs));
  };
  const charts: ChartPanel[] = [];
  const reference = (xs: readonly number[], value: number | null | undefined) => (value === null || value === undefined ? null : xs.map(() => value));
  const addChart = (id: string, title: string, unit: ChartPanel['unit'], xs: number[], lines: { line: ChartLine; column: (number | null)[] | null }[]) => {
    const present = lines.filter((entry) => entry.column !== null);
    if (xs.length === 0 || present.length === 0) return;
    charts.push({ id, title, unit, xs, lines: present.map((entry) => entry.line), ys: present.map((entry) => entry.column as (number | null)[]) });
  };
  const counterRate = (series: { ts: number[]; vs: number[] }[], xs: number[]) => rateColumn(xs, sumColumns(series.map((entry) => valuesAt(entry.ts, entry.vs, xs)), xs.length));

  // CPU: `cpu="total"` when present, else the per-CPU series summed (pre-1.16 kubelets).
  const cpuRefs = columnsOf(CHART_FAMILIES.cpu, cgroup.path, (ref) => ref.labels.cpu === 'total' || ref.labels.cpu === undefined);
  const cpuSeries = cpuRefs.length > 0 ? cpuRefs : columnsOf(CHART_FAMILIES.cpu, cgroup.path);
  const cpuXs = chartTimes(
    cpuSeries.map((entry) => entry.ts),
    MAX_CHART_POINTS,
  );
  addChart('cpu', 'CPU', 'cores', cpuXs, [
    { line: { label: 'used' }, column: counterRate(cpuSeries, cpuXs) },
    { line: { label: 'request', role: 'request' }, column: reference(cpuXs, spec?.cpuRequestCores) },
    { line: { label: 'limit', role: 'limit' }, column: reference(cpuXs, spec?.cpuLimitCores) },
  ]);

  const memory = columnsOf(CHART_FAMILIES.memory, cgroup.path);
  const memoryXs = chartTimes(
    memory.map((entry) => entry.ts),
    MAX_CHART_POINTS,
  );
  addChart('memory', 'Memory working set', 'bytes', memoryXs, [
    { line: { label: 'working set' }, column: sumColumns(memory.map((entry) => valuesAt(entry.ts, entry.vs, memoryXs)), memoryXs.length) },
    { line: { label: 'request', role: 'request' }, column: reference(memoryXs, spec?.memoryRequestBytes) },
    { line: { label: 'limit', role: 'limit' }, column: reference(memoryXs, spec?.memoryLimitBytes) },
  ]);

  const periods = columnsOf(CHART_FAMILIES.periods, cgroup.path);
  const throttled = columnsOf(CHART_FAMILIES.throttled, cgroup.path);
  const throttleXs = chartTimes(
    periods.map((entry) => entry.ts),
    MAX_CHART_POINTS,
  );
  const sumAt = (series: { ts: number[]; vs: number[] }[], xs: number[]) => sumColumns(series.map((entry) => valuesAt(entry.ts, entry.vs, xs)), xs.length);
  addChart('throttling', 'CPU throttled (share of CFS periods)', 'share', throttleXs, [{ line: { label: 'throttled' }, column: periods.length > 0 ? ratioOfIncreases(sumAt(throttled, throttleXs), sumAt(periods, throttleXs)) : null }]);

  let note: string | null = null;
  if (facts?.hostNetwork) note = 'Host network: the pod uses the node’s interfaces, so no pod network is charted.';
  else {
    // The sandbox owns the pod's network namespace; some runtimes report it on the pod cgroup instead.
    const networkPath = sandbox && columnsOf(CHART_FAMILIES.rx, sandbox.path).length > 0 ? sandbox.path : podCgroup?.path;
    const rx = columnsOf(CHART_FAMILIES.rx, networkPath);
    const tx = columnsOf(CHART_FAMILIES.tx, networkPath);
    const networkXs = chartTimes(
      rx.map((entry) => entry.ts),
      MAX_CHART_POINTS,
    );
    addChart('network', 'Pod network', 'bytesPerSecond', networkXs, [
      { line: { label: 'receive' }, column: rx.length > 0 ? counterRate(rx, networkXs) : null },
      { line: { label: 'transmit' }, column: tx.length > 0 ? counterRate(tx, networkXs) : null },
    ]);
  }

  const blockDevice = (ref: SeriesRef) => !!ref.labels.device?.startsWith('/dev/') && ref.labels.device !== '/dev/shm';
  const reads = columnsOf(CHART_FAMILIES.reads, cgroup.path, blockDevice);
  const writes = columnsOf(CHART_FAMILIES.writes, cgroup.path, blockDevice);
  const ioXs = chartTimes(
    [...reads, ...writes].map((entry) => entry.ts),
    MAX_CHART_POINTS,
  );
  addChart('io', 'Block IO', 'bytesPerSecond', ioXs, [
    { line: { label: 'read' }, column: reads.length > 0 ? counterRate(reads, ioXs) : null },
    { line: { label: 'write' }, column: writes.length > 0 ? counterRate(writes, ioXs) : null },
  ]);
  if (!note && periods.length === 0) note = 'No CPU limit, so no CFS quota: the container is never throttled.';
  return { ...base, charts, note };
}

/** `containers.series`: recomputed after each scrape of the pod's kubelet cAdvisor. */
export function startContainerSeriesFeed(session: FeedSession, params: { namespace: string; pod: string; container: string }, emit: (payload: ContainerSeriesPayload) => void, log: Logger): Disposable {
  const disposables = new DisposableStore();
  let watched = new Set<string>();
  const recompute = disposables.add(
    new Recompute(
      () => {
        watched = new Set([...cadvisorTargets(session).values()].map((target) => target.targetId));
        emit(readContainerSeries(session, params, Date.now()));
      },
      { onError: (error) => log.error('containers.series failed', error) },
    ),
  );
  disposables.add(session.store.onAppend((event) => watched.has(event.targetId) && recompute.trigger()));
  return disposables;
}

/** The `containers.list` topic provider: follows the open session. */
export function containersListTopic(current: SessionSource<FeedSession>, params: ContainerSelection, emit: (payload: ContainersPayload) => void, log: Logger): Disposable {
  return followSessionFeed<FeedSession, ContainersPayload>(current, (session, send) => startContainersFeed(session, params, send, log), EMPTY_CONTAINERS, emit);
}

/** The `containers.series` topic provider: follows the open session. */
export function containerSeriesTopic(current: SessionSource<FeedSession>, params: { namespace: string; pod: string; container: string }, emit: (payload: ContainerSeriesPayload) => void, log: Logger): Disposable {
  const empty: ContainerSeriesPayload = { ...params, node: null, charts: [], note: null };
  return followSessionFeed<FeedSession, ContainerSeriesPayload>(current, (session, send) => startContainerSeriesFeed(session, params, send, log), empty, emit);
}
