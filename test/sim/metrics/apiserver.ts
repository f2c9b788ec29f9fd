import { readdirSync, readFileSync } from 'node:fs';
import { ExpositionWriter } from './exposition-writer.js';

/**
 * The apiserver's own `GET /metrics`, counting the requests the simulator really answered. A
 * subset of kube-apiserver 1.32's families, with its names, label sets and HELP texts
 * (k8s.io/apiserver pkg/endpoints/metrics/metrics.go: `apiserver_request_total` [STABLE]
 * {verb, dry_run, group, version, resource, subresource, scope, component, code},
 * `apiserver_longrunning_requests` [STABLE]; pkg/server/filters/maxinflight.go:
 * `apiserver_current_inflight_requests{request_kind}` [STABLE]; pkg/storage/... object counts:
 * `apiserver_storage_objects{resource}` [STABLE]) plus the standard `process_*` collector, whose
 * values are this simulator process's own (it is the apiserver here). No `etcd_*` families.
 *
 * Label values follow the apiserver's conventions: verbs upper-case with LIST for collection GETs,
 * WATCH for watches and CONNECT for the proxy and portforward subresources; scope `resource` for
 * a named object, `namespace` or `cluster` for collections; non-resource URLs have empty
 * group/version/resource/scope, the path in `subresource` and an empty `component`.
 * Differences, on purpose: a watch is counted when it starts (the apiserver counts it when it
 * ends), and requests that fail authentication (401) are not counted.
 */

export interface RequestLabels {
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource: string;
  readonly scope: string;
  readonly component: string;
}

export type RequestKind = 'readOnly' | 'mutating';

interface InflightGauge {
  current: number;
  /** Highest `current` seen in the window that started at `windowStartMs`. */
  peak: number;
  windowStartMs: number;
}

/** `apiserver_current_inflight_requests` reports the peak of the last second, not the instant. */
const INFLIGHT_WINDOW_MS = 1000;

/** The labels of a request to a non-resource URL (`/version`, `/metrics`, `/healthz`). */
export function nonResourceLabels(method: string, path: string): RequestLabels {
  return { verb: method === 'HEAD' ? 'GET' : method, group: '', version: '', resource: '', subresource: path, scope: '', component: '' };
}

/** Long-running requests are not in-flight ones (apiserver `BasicLongRunningRequestCheck`: watch, proxy, portforward, exec, attach, log). */
export function isLongRunning(labels: RequestLabels): boolean {
  return labels.verb === 'WATCH' || labels.verb === 'CONNECT';
}

function keyOf(labels: RequestLabels, code?: number): string {
  return [labels.verb, labels.group, labels.version, labels.resource, labels.subresource, labels.scope, labels.component, code ?? ''].join('\u0000');
}

export class ApiserverMetrics {
  readonly #startMs: number;
  readonly #requests = new Map<string, { labels: RequestLabels; code: number; count: number }>();
  readonly #longRunning = new Map<string, { labels: RequestLabels; count: number }>();
  readonly #inflight: Record<RequestKind, InflightGauge> = {
    readOnly: { current: 0, peak: 0, windowStartMs: 0 },
    mutating: { current: 0, peak: 0, windowStartMs: 0 },
  };
  readonly #now: () => number;

  constructor(options: { startMs: number; now?: () => number }) {
    this.#startMs = options.startMs;
    this.#now = options.now ?? Date.now;
  }

  /** Counts one answered request (`apiserver_request_total`). */
  count(labels: RequestLabels, code: number): void {
    const key = keyOf(labels, code);
    const entry = this.#requests.get(key);
    if (entry) entry.count++;
    else this.#requests.set(key, { labels, code, count: 1 });
  }

  /** The number of requests counted so far for these labels and code (tests compare with the request log). */
  countOf(labels: Partial<RequestLabels> & { code?: number }): number {
    let total = 0;
    for (const entry of this.#requests.values()) {
      const matches = Object.entries(labels).every(([name, value]) => (name === 'code' ? entry.code === value : entry.labels[name as keyof RequestLabels] === value));
      if (matches) total += entry.count;
    }
    return total;
  }

  /** Marks a request in flight until the returned function is called (idempotent). */
  begin(labels: RequestLabels, kind: RequestKind): () => void {
    if (isLongRunning(labels)) {
      const key = keyOf(labels);
      const entry = this.#longRunning.get(key) ?? { labels, count: 0 };
      entry.count++;
      this.#longRunning.set(key, entry);
      return once(() => {
        entry.count--;
      });
    }
    const gauge = this.#inflight[kind];
    gauge.current++;
    const nowMs = this.#now();
    if (nowMs - gauge.windowStartMs > INFLIGHT_WINDOW_MS) {
      gauge.windowStartMs = nowMs;
      gauge.peak = gauge.current;
    } else gauge.peak = Math.max(gauge.peak, gauge.current);
    return once(() => {
      gauge.current--;
    });
  }

  /**
   * The exposition. `objectCounts` are the store's per-resource counts (`pods`, `deployments.apps`);
   * `version` is the server's /version document.
   */
  render(nowMs: number, objectCounts: ReadonlyArray<{ resource: string; count: number }>, version: Readonly<Record<string, string>>): string {
    const out = new ExpositionWriter();
    for (const { labels, code, count } of this.#requests.values()) {
      out.counter('apiserver_request_total', '[STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.', { ...labels, dry_run: '', code: String(code) }, count);
    }
    for (const kind of ['mutating', 'readOnly'] as const) {
      const gauge = this.#inflight[kind];
      const value = nowMs - gauge.windowStartMs > INFLIGHT_WINDOW_MS ? gauge.current : Math.max(gauge.peak, gauge.current);
      out.gauge('apiserver_current_inflight_requests', '[STABLE] Maximal number of currently used inflight request limit of this apiserver per request kind in last second.', { request_kind: kind }, value);
    }
    for (const { labels, count } of this.#longRunning.values()) {
      if (count <= 0) continue;
      const { verb, group, version: apiVersion, resource, subresource, scope, component } = labels;
      out.gauge('apiserver_longrunning_requests', '[STABLE] Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.', { verb, group, version: apiVersion, resource, subresource, scope, component }, count);
    }
    for (const { resource, count } of objectCounts) {
      out.gauge('apiserver_storage_objects', '[STABLE] Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.', { resource }, count);
    }
    out.gauge(
      'kubernetes_build_info',
      "[ALPHA] A metric with a constant '1' value labeled by major, minor, git version, git commit, git tree state, build date, Go version, and compiler from which Kubernetes was built, and platform on which it is running.",
      { major: version.major ?? '', minor: version.minor ?? '', git_version: version.gitVersion ?? '', git_commit: version.gitCommit ?? '', git_tree_state: version.gitTreeState ?? '', build_date: version.buildDate ?? '', go_version: version.goVersion ?? '', compiler: version.compiler ?? '', platform: version.platform ?? '' },
      1,
    );
    const cpu = process.cpuUsage();
    out.counter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', {}, Math.round((cpu.user + cpu.system) / 1e4) / 100);
    const fds = openFileDescriptors();
    if (fds !== undefined) out.gauge('process_open_fds', 'Number of open file descriptors.', {}, fds);
    const maxFds = maxFileDescriptors();
    if (maxFds !== undefined) out.gauge('process_max_fds', 'Maximum number of open file descriptors.', {}, maxFds);
    out.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', {}, process.memoryUsage.rss());
    out.gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', {}, Math.floor(this.#startMs / 10) / 100);
    return out.render();
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

/** Open descriptors of this process (Linux /proc), as client_golang's process collector reads them. */
function openFileDescriptors(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

let maxFdsCache: number | undefined | null = null;

/** The soft `Max open files` limit from /proc/self/limits. */
function maxFileDescriptors(): number | undefined {
  if (maxFdsCache !== null) return maxFdsCache;
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line ? Number(line.slice('Max open files'.length).trim().split(/\s+/)[0]) : NaN;
    maxFdsCache = Number.isFinite(soft) ? soft : undefined;
  } catch {
    maxFdsCache = undefined;
  }
  return maxFdsCache;
}
