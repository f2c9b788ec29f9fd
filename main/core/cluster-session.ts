import type { NodeSummary, SessionStatus, TargetSummary } from '../../preload/contract/index.js';
import { ApiClient } from '../cluster/api-client.js';
import { toClientNodeConfig } from '../cluster/client-node-config.js';
import { ClusterCache } from '../cluster/cluster-cache.js';
import type { ListWatchClient, WatchEvent } from '../cluster/list-watch.js';
import type { KubeObject } from '../cluster/objects.js';
import { discoverTargets, type ClusterObjects, type DiscoveredTarget } from '../discovery/index.js';
import type { ResolvedContext } from '../kubeconfig/load.js';
import { summarizeNode, type NodeUsage } from '../model/nodes.js';
import { ScrapePool, type ScrapeTarget, type TargetHealth } from '../scrape/pool.js';
import { SeriesStore } from '../store/series-store.js';
import { ValueCell } from '../stream/value-cell.js';
import { chooseTransport, type TargetTransport } from '../transport/choose.js';
import { PortForwards } from '../transport/port-forward.js';
import { AppError } from '../util/app-error.js';
import { DisposableStore } from '../util/disposable.js';
import type { Logger } from '../util/log.js';
import type { Session } from './session.js';

export interface ClusterSessionOptions {
  context: ResolvedContext;
  log: Logger;
  /** Default scrape interval (ms); `scrape-slow` targets use `slowIntervalMs`. */
  intervalMs?: number;
  slowIntervalMs?: number;
  retentionMs?: number;
  /** Quiet time after cache changes before discovery runs again (ms). */
  discoveryDebounceMs?: number;
  namespace?: string;
  /** 'immediate' scrapes every new target at once (the CLI); 'offset' spreads them (default). */
  firstScrape?: 'offset' | 'immediate';
}

const DEFAULT_INTERVAL_MS = 15_000;
const DEFAULT_SLOW_INTERVAL_MS = 5 * 60_000;

/** ListWatchClient over the ApiClient: one list page as JSON, a watch as decoded lines. */
function listWatchClient(client: ApiClient): ListWatchClient {
  return {
    list: (path, query, signal) => client.get(path, { query, signal }),
    watch: (path, query, signal) => client.stream<WatchEvent>(path, { query, signal }),
  };
}

function describeEndpoint(target: DiscoveredTarget): string {
  const endpoint = target.endpoint;
  const query = new URLSearchParams(target.params).toString();
  const path = `${target.path}${query ? `?${query}` : ''}`;
  switch (endpoint.kind) {
    case 'node':
      return target.source === 'apiserver' ? `apiserver ${path}` : `node ${endpoint.node} ${path}`;
    case 'pod':
      return `pod ${endpoint.namespace}/${endpoint.pod}:${endpoint.port} ${path}`;
    case 'service':
      return target.source === 'apiserver' ? `apiserver ${path}` : `service ${endpoint.namespace}/${endpoint.service}:${endpoint.port} ${path}`;
  }
}

/**
 * One kubeconfig context, open: apiserver client → watch cache → discovery (debounced, after the first
 * sync) → transports → scrape pool → store, plus the summaries the Cluster and Targets views show.
 */
export class ClusterSession implements Session {
  readonly kind = 'cluster' as const;
  readonly name: string;
  readonly status: ValueCell<SessionStatus>;
  readonly store: SeriesStore;
  readonly targets = new ValueCell<TargetSummary[]>([]);
  readonly nodes = new ValueCell<NodeSummary[]>([]);
  readonly cache: ClusterCache;
  readonly client: ApiClient;
  readonly forwards: PortForwards;
  readonly #options: ClusterSessionOptions;
  readonly #log: Logger;
  readonly #pool: ScrapePool;
  readonly #disposables = new DisposableStore();
  readonly #transports = new Map<string, { endpoint: string; transport: TargetTransport }>();
  #discovered: DiscoveredTarget[] = [];
  #discoveryTimer: NodeJS.Timeout | null = null;
  /** How long the last discovery took; the next one waits at least twice that (150k-pod clusters). */
  #lastDiscoveryMs = 0;
  #summaryTimer: NodeJS.Timeout | null = null;
  #namespace: string | undefined;
  #probeError: AppError | null = null;
  #disposed = false;

  constructor(options: ClusterSessionOptions) {
    this.#options = options;
    this.name = options.context.name;
    this.#log = options.log.child(`session:${options.context.name}`);
    this.#namespace = options.namespace;
    this.status = new ValueCell<SessionStatus>({ state: 'connecting', kind: 'cluster', context: this.name, namespace: this.#namespace ?? null, message: `Connecting to ${options.context.server}…`, sinceMs: Date.now() });
    this.client = new ApiClient(options.context, { log: this.#log.child('api') });
    this.store = new SeriesStore({ retentionMs: options.retentionMs, log: this.#log.child('store') });
    this.cache = new ClusterCache(listWatchClient(this.client), {
      log: this.#log.child('cache'),
      namespace: options.context.namespace,
      onStatus: () => this.#updateStatus(),
    });
    this.forwards = new PortForwards({ kubeConfig: () => toClientNodeConfig(options.context), log: this.#log });
    this.#pool = new ScrapePool(this.store, { log: this.#log.child('scrape'), firstScrape: options.firstScrape });
    this.#disposables.add(this.#pool.onHealthChange(() => this.#scheduleSummaries()));
    this.#disposables.add(this.cache.onAnyChange(() => this.#scheduleDiscovery()));
    this.#disposables.add(this.store.onAppend(() => this.#scheduleSummaries()));
  }

  /**
   * Checks that the apiserver answers (so DNS, TLS and 401 failures are reported at once, in words)
   * and then starts the watches. Resolves when the first check is done, not when the cache synced.
   */
  async start(): Promise<SessionStatus> {
    try {
      const version = await this.client.get<{ gitVersion?: string }>('/version', { timeoutMs: 15_000 });
      this.#log.info(`connected to ${this.#options.context.server} (${version.gitVersion ?? 'unknown version'})`);
    } catch (error) {
      this.#probeError = error instanceof AppError ? error : new AppError('unreachable', `Cannot reach ${this.#options.context.server}: ${(error as Error).message}`);
      this.status.set({ ...this.status.value, state: 'error', message: this.#probeError.message + (this.#probeError.hint ? ` ${this.#probeError.hint}` : ''), sinceMs: Date.now() });
      return this.status.value;
    }
    if (this.#disposed) return this.status.value;
    this.cache.start();
    this.#updateStatus();
    return this.status.value;
  }

  setNamespace(namespace: string | undefined): void {
    this.#namespace = namespace;
    this.#updateStatus();
  }

  get namespace(): string | undefined {
    return this.#namespace;
  }

  targetsOfNode(node: string): { targetId: string; source: TargetSummary['source'] }[] {
    return this.#discovered.filter((target) => target.nodeName === node).map((target) => ({ targetId: target.id, source: target.source }));
  }

  /** The discovered targets of the last discovery run (for models that need labels and endpoints). */
  get discovered(): readonly DiscoveredTarget[] {
    return this.#discovered;
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#discoveryTimer) clearTimeout(this.#discoveryTimer);
    if (this.#summaryTimer) clearTimeout(this.#summaryTimer);
    await this.#disposables.dispose();
    await this.#pool.dispose();
    await this.cache.dispose();
    await this.forwards.dispose();
    this.client.dispose();
    this.store.dispose();
    this.status.set({ ...this.status.value, state: 'idle', message: undefined, resources: undefined, sinceMs: Date.now() });
  }

  #updateStatus(): void {
    if (this.#disposed || this.#probeError) return;
    const resources = this.cache.statuses().map((status) => ({
      resource: status.resource,
      state: status.state,
      synced: status.synced,
      objectCount: status.objectCount,
      ...(status.note ? { note: status.note } : {}),
      ...(status.lastError ? { lastError: status.lastError } : {}),
    }));
    const failing = resources.filter((resource) => resource.lastError && !resource.synced);
    const requiredFailing = failing.filter((resource) => resource.resource === 'nodes' || resource.resource === 'pods');
    let state: SessionStatus['state'] = this.cache.synced ? 'ready' : 'connecting';
    let message: string | undefined = this.cache.synced ? undefined : `Listing the objects of ${this.name}…`;
    if (requiredFailing.length > 0) {
      state = 'error';
      message = requiredFailing.map((resource) => resource.lastError).join(' ');
    } else if (this.cache.synced && failing.length > 0) {
      state = 'degraded';
      message = `Some views are incomplete: ${failing.map((resource) => `${resource.resource}: ${resource.lastError}`).join('; ')}`;
    }
    const namespaces = [...new Set(this.cache.pods.list().map((pod) => pod.metadata.namespace ?? ''))].filter(Boolean).sort();
    const previous = this.status.value;
    this.status.set({
      state,
      kind: 'cluster',
      context: this.name,
      namespace: this.#namespace ?? null,
      namespaces,
      resources,
      message,
      sinceMs: previous.state === state ? previous.sinceMs : Date.now(),
    });
    if (this.cache.synced) this.#scheduleDiscovery();
  }

  #scheduleDiscovery(): void {
    if (this.#disposed || !this.cache.synced || this.#discoveryTimer) return;
    // Pod status churn on big clusters would otherwise re-run discovery back to back; leave the
    // event loop at least half of the time.
    const delayMs = Math.max(this.#options.discoveryDebounceMs ?? 500, 2 * this.#lastDiscoveryMs);
    this.#discoveryTimer = setTimeout(() => {
      this.#discoveryTimer = null;
      void this.#discover();
    }, delayMs);
  }

  async #discover(): Promise<void> {
    if (this.#disposed) return;
    const objects: ClusterObjects = {
      nodes: this.cache.nodes.list(),
      pods: this.cache.pods.list(),
      services: this.cache.services.list(),
      ...(this.cache.usesEndpointsFallback ? { endpoints: this.cache.endpoints.list() } : { endpointSlices: this.cache.endpointSlices.list() }),
    } as ClusterObjects;
    let discovered: DiscoveredTarget[];
    const startedMs = performance.now();
    try {
      discovered = discoverTargets(objects, { apiserverUrl: this.#options.context.server });
    } catch (error) {
      this.#log.error('discovery failed', error);
      return;
    } finally {
      this.#lastDiscoveryMs = performance.now() - startedMs;
    }
    this.#discovered = discovered;
    const scrapeTargets: ScrapeTarget[] = [];
    const live = new Set<string>();
    for (const target of discovered) {
      live.add(target.id);
      const endpoint = describeEndpoint(target);
      let entry = this.#transports.get(target.id);
      if (!entry || entry.endpoint !== endpoint) {
        entry = { endpoint, transport: chooseTransport(target, { client: this.client, forwards: this.forwards, podForService: (ns, svc, port) => this.#podForService(ns, svc, port) }) };
        this.#transports.set(target.id, entry);
      }
      const intervalMs = target.slow ? (this.#options.slowIntervalMs ?? DEFAULT_SLOW_INTERVAL_MS) : (this.#options.intervalMs ?? DEFAULT_INTERVAL_MS);
      scrapeTargets.push({
        id: target.id,
        labels: target.labels,
        intervalMs,
        timeoutMs: target.slow ? 30_000 : Math.min(10_000, intervalMs),
        honorTimestamps: true,
        requester: entry.transport.requester,
      });
    }
    for (const id of [...this.#transports.keys()]) if (!live.has(id)) this.#transports.delete(id);
    try {
      await this.#pool.sync(scrapeTargets);
    } catch (error) {
      if (!this.#disposed) this.#log.error('syncing scrape loops failed', error);
    }
    this.#scheduleSummaries();
  }

  /** A ready pod behind a service port, for the port-forward fallback of service targets. */
  #podForService(namespace: string, service: string, port: number): { namespace: string; pod: string; port: number } | undefined {
    const svc = this.cache.services.get(`${namespace}/${service}`);
    const servicePort = (svc?.spec?.ports ?? []).find((candidate: { port: number }) => candidate.port === port);
    for (const slice of this.cache.endpointSlices.byIndex('service', `${namespace}/${service}`)) {
      const slicePort = (slice.ports ?? []).find((candidate: { name?: string }) => (candidate.name ?? '') === (servicePort?.name ?? ''));
      for (const endpoint of slice.endpoints ?? []) {
        if (endpoint.conditions?.ready === false || endpoint.targetRef?.kind !== 'Pod') continue;
        return { namespace, pod: endpoint.targetRef.name, port: slicePort?.port ?? port };
      }
    }
    return undefined;
  }

  #scheduleSummaries(): void {
    if (this.#disposed || this.#summaryTimer) return;
    this.#summaryTimer = setTimeout(() => {
      this.#summaryTimer = null;
      this.#publishSummaries();
    }, 250);
  }

  #publishSummaries(): void {
    if (this.#disposed) return;
    const health = new Map<string, TargetHealth>(this.#pool.health().map((entry) => [entry.targetId, entry]));
    this.targets.set(
      this.#discovered.map((target) => {
        const entry = this.#transports.get(target.id);
        const status = health.get(target.id);
        const endpoint = target.endpoint;
        const summary: TargetSummary = {
          id: target.id,
          job: target.job,
          role: target.role,
          source: target.source,
          reason: target.reason,
          transport: entry?.transport.kind() ?? 'direct',
          endpoint: describeEndpoint(target),
          health: status?.health ?? 'unknown',
          intervalMs: target.slow ? (this.#options.slowIntervalMs ?? DEFAULT_SLOW_INTERVAL_MS) : (this.#options.intervalMs ?? DEFAULT_INTERVAL_MS),
          labels: target.labels,
        };
        const note = entry?.transport.note();
        if (note) summary.transportNote = note;
        if (target.nodeName) summary.node = target.nodeName;
        if (endpoint.kind === 'pod') {
          summary.namespace = endpoint.namespace;
          summary.pod = endpoint.pod;
        } else if (endpoint.kind === 'service') summary.namespace = endpoint.namespace;
        if (status?.lastError) summary.lastError = status.lastError;
        if (status?.lastScrapeMs !== undefined) summary.lastScrapeMs = status.lastScrapeMs;
        if (status?.lastDurationMs !== undefined) summary.lastDurationMs = status.lastDurationMs;
        if (status?.lastSizeBytes !== undefined) summary.lastSizeBytes = status.lastSizeBytes;
        if (status?.lastSamples !== undefined) summary.lastSamples = status.lastSamples;
        return summary;
      }),
    );
    this.nodes.set(this.cache.nodes.list().map((node: KubeObject) => summarizeNode(node, this.cache.pods.byIndex('node', node.metadata.name).length, this.#nodeUsage(node.metadata.name))));
  }

  /** Root-cgroup CPU (1 min rate) and working set of a node, from its kubelet cAdvisor target. */
  #nodeUsage(node: string): NodeUsage | undefined {
    const cadvisor = this.#discovered.find((target) => target.source === 'cadvisor' && target.nodeName === node);
    if (!cadvisor) return undefined;
    const series = (name: string) =>
      this.store.select([
        { name: '__name__', op: '=', value: name },
        { name: 'id', op: '=', value: '/' },
      ]).filter((ref) => ref.targetId === cadvisor.id);
    const cpu = series('container_cpu_usage_seconds_total');
    const memory = series('container_memory_working_set_bytes');
    const cpuRates = cpu.length ? this.store.rate([cpu[0].id], 60_000) : [];
    const memoryNow = memory.length ? this.store.instant([memory[0].id]) : [];
    return { cpuUsedCores: cpuRates[0] ?? null, memoryWorkingSetBytes: memoryNow[0]?.value ?? null };
  }
}

