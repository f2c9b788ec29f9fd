import { arch, cpus, hostname, release, totalmem } from 'node:os';
import type { NodeSummary, SessionStatus, TargetSummary } from '../../preload/contract/index.js';
import { ScrapePool, type TargetHealth } from '../scrape/pool.js';
import { SeriesStore } from '../store/series-store.js';
import { ValueCell } from '../stream/value-cell.js';
import { LocalCgroupReader } from '../transport/local-host/cgroup-reader.js';
import { readLocalNodeExposition } from '../transport/local-host/node-reader.js';
import { localRequester } from '../transport/local-requester.js';
import { DisposableStore } from '../util/disposable.js';
import type { Logger } from '../util/log.js';
import type { Session } from './session.js';

export interface LocalSessionOptions {
  log: Logger;
  intervalMs?: number;
  retentionMs?: number;
  cgroupRoot?: string;
  procRoot?: string;
  sysRoot?: string;
}

/** Display name of the local machine in the context picker and the views. */
export const LOCAL_SESSION_NAME = 'This machine';

/**
 * "This machine": /sys/fs/cgroup read as a kubelet cAdvisor would serve it and /proc as a
 * node-exporter would, scraped by the same pool into the same store, so every node view works
 * without a cluster. The node is named after the host.
 */
export class LocalSession implements Session {
  readonly kind = 'local' as const;
  readonly name = LOCAL_SESSION_NAME;
  readonly node = hostname();
  readonly status: ValueCell<SessionStatus>;
  readonly store: SeriesStore;
  readonly targets = new ValueCell<TargetSummary[]>([]);
  readonly nodes = new ValueCell<NodeSummary[]>([]);
  readonly #pool: ScrapePool;
  readonly #reader: LocalCgroupReader;
  readonly #options: LocalSessionOptions;
  readonly #disposables = new DisposableStore();
  readonly #intervalMs: number;
  #disposed = false;

  constructor(options: LocalSessionOptions) {
    this.#options = options;
    this.#intervalMs = options.intervalMs ?? 5_000;
    this.status = new ValueCell<SessionStatus>({ state: 'ready', kind: 'local', context: LOCAL_SESSION_NAME, sinceMs: Date.now() });
    this.store = new SeriesStore({ retentionMs: options.retentionMs, log: options.log.child('store') });
    this.#pool = new ScrapePool(this.store, { log: options.log.child('scrape'), firstScrape: 'immediate' });
    this.#reader = new LocalCgroupReader(options.cgroupRoot ?? '/sys/fs/cgroup', { procRoot: options.procRoot });
    this.#disposables.add(this.#pool.onHealthChange(() => this.#publishTargets()));
    // The machine as a "node" so the node views can address it; usage comes from the scrapes.
    this.nodes.set([
      {
        name: this.node,
        roles: [],
        ready: true,
        unschedulable: false,
        kubeletVersion: '',
        containerRuntime: '',
        osImage: '',
        kernelVersion: release(),
        architecture: arch(),
        cpuCapacityCores: cpus().length,
        memoryCapacityBytes: totalmem(),
        cpuAllocatableCores: null,
        memoryAllocatableBytes: null,
        podCount: 0,
        conditions: [],
        createdMs: null,
        cpuUsedCores: null,
        memoryWorkingSetBytes: null,
      },
    ]);
  }

  static readonly CGROUPS_TARGET = 'local-cgroups';
  static readonly NODE_TARGET = 'local-node';

  async start(): Promise<SessionStatus> {
    const labels = { instance: this.node, node: this.node };
    await this.#pool.sync([
      {
        id: LocalSession.CGROUPS_TARGET,
        labels: { job: 'local-cgroups', ...labels },
        intervalMs: this.#intervalMs,
        timeoutMs: this.#intervalMs - 500,
        honorTimestamps: true,
        requester: localRequester(`${this.#options.cgroupRoot ?? '/sys/fs/cgroup'} on ${this.node}`, () => this.#reader.readExposition()),
      },
      {
        id: LocalSession.NODE_TARGET,
        labels: { job: 'local-node', ...labels },
        intervalMs: this.#intervalMs,
        timeoutMs: this.#intervalMs - 500,
        honorTimestamps: true,
        requester: localRequester(`${this.#options.procRoot ?? '/proc'} on ${this.node}`, () => readLocalNodeExposition(this.#options.procRoot, this.#options.sysRoot)),
      },
    ]);
    this.#publishTargets();
    return this.status.value;
  }

  setNamespace(): void {
    // The local machine has no namespaces.
  }

  targetsOfNode(node: string): { targetId: string; source: TargetSummary['source'] }[] {
    if (node !== this.node) return [];
    return [
      { targetId: LocalSession.CGROUPS_TARGET, source: 'cadvisor' },
      { targetId: LocalSession.NODE_TARGET, source: 'node-exporter' },
    ];
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#disposables.dispose();
    await this.#pool.dispose();
    this.#reader.dispose();
    this.store.dispose();
    this.status.set({ state: 'idle', kind: 'local', sinceMs: Date.now() });
  }

  #publishTargets(): void {
    if (this.#disposed) return;
    const health = new Map<string, TargetHealth>(this.#pool.health().map((entry) => [entry.targetId, entry]));
    const make = (id: string, source: 'cadvisor' | 'node-exporter', what: string): TargetSummary => {
      const status = health.get(id);
      return {
        id,
        job: id,
        role: 'local',
        source: 'local',
        reason: `${what} of this machine, read directly (no cluster)`,
        transport: 'local',
        endpoint: source === 'cadvisor' ? `${this.#options.cgroupRoot ?? '/sys/fs/cgroup'} (as kubelet cAdvisor)` : `${this.#options.procRoot ?? '/proc'} (as node-exporter)`,
        node: this.node,
        health: status?.health ?? 'unknown',
        intervalMs: this.#intervalMs,
        labels: { job: id, instance: this.node },
        ...(status?.lastError ? { lastError: status.lastError } : {}),
        ...(status?.lastScrapeMs !== undefined ? { lastScrapeMs: status.lastScrapeMs } : {}),
        ...(status?.lastDurationMs !== undefined ? { lastDurationMs: status.lastDurationMs } : {}),
        ...(status?.lastSizeBytes !== undefined ? { lastSizeBytes: status.lastSizeBytes } : {}),
        ...(status?.lastSamples !== undefined ? { lastSamples: status.lastSamples } : {}),
      };
    };
    this.targets.set([make(LocalSession.CGROUPS_TARGET, 'cadvisor', 'The cgroups'), make(LocalSession.NODE_TARGET, 'node-exporter', 'The /proc and /sys figures')]);
  }
}
