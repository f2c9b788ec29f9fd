import type { PrometheusStatus } from '../../preload/contract/index.js';
import type { ApiClient } from '../cluster/api-client.js';
import type { ClusterCache } from '../cluster/cluster-cache.js';
import type { KubeObject } from '../cluster/objects.js';
import { findPrometheusServices, type ClusterObjects, type PrometheusService } from '../discovery/index.js';
import type { ForwardKey, PortForwards } from '../transport/port-forward.js';
import { ValueCell } from '../stream/value-cell.js';
import { AppError } from '../util/app-error.js';
import type { Disposable } from '../util/disposable.js';
import type { Logger } from '../util/log.js';
import { CachedPrometheusClient } from './cached-client.js';
import { HttpPrometheusClient, type PrometheusClient, type PrometheusTransport } from './client.js';
import { directTransport } from './direct-transport.js';
import { portForwardTransport } from './forward-transport.js';
import { serviceProxyTransport } from './proxy-transport.js';
import type { PrometheusEndpoint } from './settings.js';

/** What a cluster session lends the connection to find and reach an in-cluster Prometheus. */
export interface ClusterReach {
  client: ApiClient;
  forwards: PortForwards;
  cache: ClusterCache;
}

export interface PrometheusConnectionOptions {
  /** A user-given endpoint; without it, Prometheus is looked for in the cluster. */
  endpoint?: PrometheusEndpoint;
  cluster?: ClusterReach;
  log: Logger;
  /** How often a failed connection is tried again (ms); default one minute. */
  retryMs?: number;
  /** Deadline of the buildinfo check (ms); default 10 s. */
  checkTimeoutMs?: number;
  /** Deadline of queries (ms); default 60 s. */
  queryTimeoutMs?: number;
  /** Quiet time after service changes before looking again (ms); default 1 s. */
  debounceMs?: number;
}

/** At most this many found services are tried, most certain first. */
const MAX_CANDIDATES = 3;

const errorText = (error: unknown): string => (error instanceof AppError ? `${error.message}${error.hint ? ` ${error.hint}` : ''}` : String((error as Error)?.message ?? error));

/** Display form of a user URL: scheme, host and path, never a query string. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`;
  } catch {
    return url;
  }
}

/**
 * A ready pod behind `namespace/service` serving service port `port`, from the EndpointSlices (or
 * Endpoints on old clusters): the port-forward fallback needs a pod, not a service.
 */
export function readyPodOfService(cache: ClusterCache, namespace: string, service: string, port: number): ForwardKey | undefined {
  const svc = cache.services.get(`${namespace}/${service}`);
  const servicePort = ((svc?.spec?.ports ?? []) as { name?: string; port: number; targetPort?: number | string }[]).find((candidate) => candidate.port === port);
  const portName = servicePort?.name ?? '';
  const numericTarget = typeof servicePort?.targetPort === 'number' ? servicePort.targetPort : undefined;
  const key = `${namespace}/${service}`;
  if (cache.usesEndpointsFallback) {
    for (const endpoints of cache.endpoints.byIndex('service', key)) {
      for (const subset of (endpoints.subsets ?? []) as { addresses?: { targetRef?: { kind?: string; name?: string } }[]; ports?: { name?: string; port: number }[] }[]) {
        const subsetPort = subset.ports?.find((candidate) => (candidate.name ?? '') === portName)?.port ?? numericTarget ?? port;
        const address = subset.addresses?.find((candidate) => candidate.targetRef?.kind === 'Pod' && candidate.targetRef.name);
        if (address?.targetRef?.name) return { namespace, pod: address.targetRef.name, port: subsetPort };
      }
    }
    return undefined;
  }
  for (const slice of cache.endpointSlices.byIndex('service', key) as KubeObject[]) {
    const slicePort = ((slice.ports ?? []) as { name?: string; port?: number }[]).find((candidate) => (candidate.name ?? '') === portName)?.port ?? numericTarget ?? port;
    for (const endpoint of (slice.endpoints ?? []) as { conditions?: { ready?: boolean | null }; targetRef?: { kind?: string; name?: string } }[]) {
      if (endpoint.conditions?.ready === false || endpoint.targetRef?.kind !== 'Pod' || !endpoint.targetRef.name) continue;
      return { namespace, pod: endpoint.targetRef.name, port: slicePort };
    }
  }
  return undefined;
}

/**
 * Reports transport failures of a connected client so the connection can look again (a replaced
 * pod, a revoked permission); the user's own query mistakes (`bad-request`) are not failures.
 */
function watchFailures(inner: PrometheusClient, onFailure: (error: AppError) => void): PrometheusClient {
  const watch = <T>(promise: Promise<T>): Promise<T> =>
    promise.catch((error: unknown) => {
      if (error instanceof AppError && ['unreachable', 'unavailable', 'forbidden', 'unauthorized', 'dns', 'tls'].includes(error.code)) onFailure(error);
      throw error;
    });
  return {
    buildInfo: (signal) => watch(inner.buildInfo(signal)),
    query: (expr, atMs, signal) => watch(inner.query(expr, atMs, signal)),
    queryRange: (expr, startMs, endMs, stepMs, signal) => watch(inner.queryRange(expr, startMs, endMs, stepMs, signal)),
    labelNames: (scope, signal) => watch(inner.labelNames(scope, signal)),
    labelValues: (label, scope, signal) => watch(inner.labelValues(label, scope, signal)),
    series: (matchers, startMs, endMs, signal) => watch(inner.series(matchers, startMs, endMs, signal)),
    metadata: (metric, signal) => watch(inner.metadata(metric, signal)),
  };
}

interface Reached {
  transport: PrometheusTransport;
  headers: Record<string, string>;
  status: PrometheusStatus;
}

/**
 * The Prometheus of one session: a user-given endpoint, or one found in the cluster
 * (`findPrometheusServices`: operator, chart labels, image, common names) and reached through the
 * apiserver service proxy, falling back to a port-forward to a ready pod. `status` says how it was
 * found and reached, or why not, in words; `client()` is null until a buildinfo check passed.
 * Failed or absent connections are tried again when the cluster's services change and every
 * `retryMs`.
 */
export class PrometheusConnection implements Disposable {
  readonly status: ValueCell<PrometheusStatus>;
  readonly #options: PrometheusConnectionOptions;
  readonly #log: Logger;
  #client: PrometheusClient | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #candidatesKey: string | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #debounceTimer: NodeJS.Timeout | null = null;
  #waitTimer: NodeJS.Timeout | null = null;
  #subscription: Disposable | null = null;
  #lastFailureCheckMs = 0;
  #disposed = false;

  constructor(options: PrometheusConnectionOptions) {
    this.#options = options;
    this.#log = options.log.child('prometheus');
    this.status = new ValueCell<PrometheusStatus>({ state: 'checking', message: options.endpoint ? `Checking ${displayUrl(options.endpoint.url)}…` : 'Looking for a Prometheus…' });
  }

  /** The connected client (label lookups cached), or null. */
  client(): PrometheusClient | null {
    return this.#client;
  }

  /** Starts looking and resolves with the status after the first check. */
  async start(): Promise<PrometheusStatus> {
    const cache = this.#options.cluster?.cache;
    if (!this.#options.endpoint && cache) {
      this.#subscription = cache.onAnyChange((resource) => {
        if (resource === 'services' || resource === 'endpointslices' || resource === 'endpoints') this.#scheduleDetection();
      });
    }
    await this.recheck();
    return this.status.value;
  }

  /** Looks again now (coalesced with a check already running) and resolves with the new status. */
  async recheck(): Promise<PrometheusStatus> {
    if (this.#disposed) return this.status.value;
    if (this.#running) {
      this.#again = true;
      await this.#running;
      return this.status.value;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#check();
      } while (this.#again && !this.#disposed);
    })();
    try {
      await this.#running;
    } finally {
      this.#running = null;
    }
    return this.status.value;
  }

  dispose(): void {
    this.#disposed = true;
    this.#client = null;
    for (const timer of [this.#retryTimer, this.#debounceTimer, this.#waitTimer]) if (timer) clearTimeout(timer);
    void this.#subscription?.dispose();
  }

  #scheduleDetection(): void {
    if (this.#disposed || this.#debounceTimer) return;
    this.#debounceTimer = setTimeout(() => {
      this.#debounceTimer = null;
      const key = this.#candidatesKeyNow();
      // Connected and the services that matter did not change: nothing to do.
      if (key === this.#candidatesKey && this.status.value.state === 'connected') return;
      void this.recheck();
    }, this.#options.debounceMs ?? 1000);
  }

  #candidates(): PrometheusService[] {
    const cache = this.#options.cluster?.cache;
    if (!cache) return [];
    return findPrometheusServices({ services: cache.services.list(), pods: cache.pods.list() } as unknown as Pick<ClusterObjects, 'services' | 'pods'>);
  }

  #candidatesKeyNow(): string {
    return JSON.stringify(this.#candidates().map((candidate) => [candidate.namespace, candidate.service, candidate.port, this.#readyPod(candidate)?.pod ?? '']));
  }

  #readyPod(candidate: PrometheusService): ForwardKey | undefined {
    const cache = this.#options.cluster?.cache;
    return cache ? readyPodOfService(cache, candidate.namespace, candidate.service, candidate.port) : undefined;
  }

  #set(status: PrometheusStatus): void {
    if (this.#disposed) return;
    this.status.set({ ...status, checkedMs: Date.now() });
  }

  async #check(): Promise<void> {
    if (this.#retryTimer) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = null;
    }
    const endpoint = this.#options.endpoint;
    const cluster = this.#options.cluster;
    if (!endpoint && !cluster) {
      this.#client = null;
      this.#set({ state: 'none', message: 'This machine has no cluster to look for a Prometheus in; give a Prometheus URL to use one.' });
      return;
    }
    if (!endpoint && cluster && !cluster.cache.synced) {
      // Services are not listed yet; look once they are.
      this.#set({ state: 'checking', message: "Waiting for the cluster's services to be listed…" });
      if (!this.#waitTimer) {
        this.#waitTimer = setTimeout(() => {
          this.#waitTimer = null;
          void this.recheck();
        }, 500);
      }
      return;
    }
    const previous = this.status.value;
    if (previous.state !== 'connected') this.#set({ ...previous, state: 'checking' });
    const reached = endpoint ? await this.#reachEndpoint(endpoint) : await this.#detect();
    if (this.#disposed) return;
    if ('headers' in reached) {
      const http = new HttpPrometheusClient(reached.transport, { headers: reached.headers, timeoutMs: this.#options.queryTimeoutMs ?? 60_000 });
      this.#client = watchFailures(new CachedPrometheusClient(http, { maxAgeMs: 120_000 }), (error) => this.#onClientFailure(error));
      this.#set(reached.status);
      this.#log.info(`Prometheus connected: ${reached.status.source} (${reached.status.version ?? 'unknown version'})`);
    } else {
      this.#client = null;
      this.#set(reached);
      if (reached.state === 'error') this.#scheduleRetry();
    }
  }

  #scheduleRetry(): void {
    if (this.#disposed || this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      void this.recheck();
    }, this.#options.retryMs ?? 60_000);
  }

  #onClientFailure(error: AppError): void {
    // One look per 10 s at most: a burst of failing completions must not become a burst of checks.
    const now = Date.now();
    if (now - this.#lastFailureCheckMs < 10_000) return;
    this.#lastFailureCheckMs = now;
    this.#log.info(`a Prometheus request failed (${error.code}); checking the connection again`);
    void this.recheck();
  }

  /** Checks with buildinfo; Prometheus-compatible servers without it must at least answer a query. */
  async #probe(transport: PrometheusTransport, headers: Record<string, string>): Promise<{ version?: string; note?: string }> {
    const client = new HttpPrometheusClient(transport, { headers, timeoutMs: this.#options.checkTimeoutMs ?? 10_000 });
    try {
      return { version: (await client.buildInfo()).version };
    } catch (error) {
      if (!(error instanceof AppError) || !(error.code === 'not-found' || /HTTP 404/.test(error.message))) throw error;
      await client.query('vector(1)');
      return { note: 'It answers queries but has no build-info endpoint.' };
    }
  }

  async #reachEndpoint(endpoint: PrometheusEndpoint): Promise<Reached | PrometheusStatus> {
    const url = displayUrl(endpoint.url);
    const headers: Record<string, string> = {};
    if (endpoint.bearerToken) headers.Authorization = `Bearer ${endpoint.bearerToken}`;
    if (endpoint.orgId) headers['X-Scope-OrgID'] = endpoint.orgId;
    const base: PrometheusStatus = { state: 'error', source: 'configured URL', url, transport: 'direct' };
    try {
      const transport = directTransport(endpoint.url, { insecureSkipTlsVerify: endpoint.insecureSkipTlsVerify });
      const probe = await this.#probe(transport, headers);
      const status: PrometheusStatus = { ...base, state: 'connected', ...(probe.version ? { version: probe.version } : {}), ...(probe.note ? { message: probe.note } : {}) };
      return { transport, headers, status };
    } catch (error) {
      return { ...base, message: `${url} does not answer as a Prometheus API: ${errorText(error)}` };
    }
  }

  async #detect(): Promise<Reached | PrometheusStatus> {
    const cluster = this.#options.cluster!;
    const candidates = this.#candidates();
    this.#candidatesKey = this.#candidatesKeyNow();
    if (candidates.length === 0) {
      return {
        state: 'none',
        message:
          'No Prometheus found in this cluster (looked for the operator’s prometheus-operated service, the prometheus-community chart labels, app.kubernetes.io/name=prometheus, the prometheus image and common service names). Give a Prometheus URL to use one elsewhere.',
      };
    }
    const failures: string[] = [];
    for (const candidate of candidates.slice(0, MAX_CANDIDATES)) {
      const where = `service ${candidate.namespace}/${candidate.service}:${candidate.port}`;
      const source = `${where} (${candidate.reason})`;
      const proxied = serviceProxyTransport(cluster.client, candidate);
      let proxyFailure: string;
      try {
        const probe = await this.#probe(proxied, {});
        return {
          transport: proxied,
          headers: {},
          status: {
            state: 'connected',
            source,
            url: `apiserver service proxy /api/v1/namespaces/${candidate.namespace}/services/${candidate.service}:${candidate.port}/proxy`,
            transport: 'service-proxy',
            ...(probe.version ? { version: probe.version } : {}),
            ...(probe.note ? { message: probe.note } : {}),
          },
        };
      } catch (error) {
        proxyFailure = errorText(error);
      }
      if (this.#disposed) return { state: 'none' };
      const pod = this.#readyPod(candidate);
      if (!pod) {
        failures.push(`${where}: the service proxy failed (${proxyFailure}) and no ready pod backs it for a port-forward.`);
        continue;
      }
      const forwarded = portForwardTransport(cluster.forwards, () => this.#readyPod(candidate), where);
      try {
        const probe = await this.#probe(forwarded, {});
        return {
          transport: forwarded,
          headers: {},
          status: {
            state: 'connected',
            source,
            url: `port-forward to pod ${pod.namespace}/${pod.pod}:${pod.port}`,
            transport: 'port-forward',
            ...(probe.version ? { version: probe.version } : {}),
            message: `The service proxy failed (${proxyFailure}); using a port-forward to a ready pod instead.${probe.note ? ` ${probe.note}` : ''}`,
          },
        };
      } catch (error) {
        failures.push(`${where}: the service proxy failed (${proxyFailure}) and so did the port-forward to pod ${pod.pod} (${errorText(error)}).`);
      }
    }
    return { state: 'error', source: candidates.map((candidate) => `${candidate.namespace}/${candidate.service}`).join(', '), message: `Found a Prometheus but cannot reach it. ${failures.join(' ')}` };
  }
}
