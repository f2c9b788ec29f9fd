import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { isInstalled, startNginx, startNginxExporter, startNodeExporter, startPrometheus, startPushgateway, type RunningExporter } from '../../helpers/exporters.js';
import type { BackendSpec, GeneratedKind } from '../cluster/scenario.js';
import { fixtureFile, PER_POD_GENERATED } from '../cluster/scenario.js';
import { AdvancingExposition } from '../metrics/advancing-exposition.js';
import { parseExposition } from '../metrics/exposition-template.js';
import { startPayloadServer, TEXT_FORMAT, type Payload, type PayloadServer } from './payload-server.js';

/**
 * Which TCP address answers each pod port, and the lifecycle of what listens there: Debian
 * exporter processes (shared or one per pod) and payload servers for recorded or generated
 * payloads. Everything it starts is stopped by `stop()`.
 */

export interface BackendAddress {
  readonly host: string;
  readonly port: number;
  readonly kind: 'process' | 'fixture' | 'generated';
  /** What it is: `node-exporter (pid 123)`, a fixture path, `kube-state-metrics (generated)`. */
  readonly source: string;
  readonly pid?: number;
}

export interface BackendPort {
  readonly containerPort: number;
  readonly spec: BackendSpec;
}

interface Running {
  readonly address: BackendAddress;
  stop(): Promise<void>;
}

export interface BackendRegistryOptions {
  /** Folder for process configs and data (removed by the simulator). */
  readonly dir: string;
  /** false: never start processes, use each spec's fallback. */
  readonly processes: boolean;
  readonly startMs: number;
  /** A generated payload; `pod` is set for kinds served per pod (their counters are the pod's own). */
  readonly generate: (kind: GeneratedKind, pod?: { readonly uid: string; readonly name: string }) => Payload;
  /** The Prometheus config file (written by the simulator before Prometheus starts). */
  readonly prometheusConfigFile: () => string;
}

export class BackendRegistry {
  readonly #options: BackendRegistryOptions;
  readonly #shared = new Map<string, Promise<Running | null>>();
  /** pod uid → containerPort → running backend */
  readonly #byPod = new Map<string, Map<number, Running | null>>();
  /** pod uid → backends started for that pod only */
  readonly #owned = new Map<string, Running[]>();
  #stopped = false;
  #counter = 0;
  readonly #processes = new Set<Running>();

  constructor(options: BackendRegistryOptions) {
    this.#options = options;
  }

  /** Starts (or reuses) the backends of a pod's ports; resolves when they listen. */
  async acquire(podUid: string, podName: string, ports: readonly BackendPort[]): Promise<void> {
    const byPort = new Map<number, Running | null>();
    this.#byPod.set(podUid, byPort);
    // nginx first: an nginx-exporter scrapes the nginx of its own pod.
    const ordered = [...ports].sort((a, b) => rank(a.spec) - rank(b.spec));
    for (const port of ordered) {
      const running = await this.#start(podUid, podName, port.spec, byPort);
      if (this.#stopped) {
        await running?.stop();
        return;
      }
      byPort.set(port.containerPort, running);
    }
  }

  address(podUid: string, containerPort: number): BackendAddress | undefined {
    return this.#byPod.get(podUid)?.get(containerPort)?.address ?? undefined;
  }

  /** Stops what was started for this pod only (shared backends stay). */
  async release(podUid: string): Promise<void> {
    this.#byPod.delete(podUid);
    const owned = this.#owned.get(podUid) ?? [];
    this.#owned.delete(podUid);
    await Promise.all(owned.map((r) => r.stop()));
  }

  /** Every exporter process currently running, shared ones included (for diagnostics and tests). */
  processes(): BackendAddress[] {
    return [...this.#processes].map((r) => r.address);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const owned = [...this.#owned.values()].flat();
    this.#owned.clear();
    this.#byPod.clear();
    const shared = await Promise.all(this.#shared.values());
    this.#shared.clear();
    await Promise.all([...owned, ...shared].map((r) => r?.stop()));
  }

  async #start(podUid: string, podName: string, spec: BackendSpec, samePod: Map<number, Running | null>): Promise<Running | null> {
    if ('process' in spec) {
      const usable = this.#options.processes && isInstalled(spec.process);
      if (!usable) return spec.fallback ? this.#start(podUid, podName, spec.fallback, samePod) : null;
      const share = spec.share ?? (spec.process === 'node-exporter' || spec.process === 'prometheus' || spec.process === 'pushgateway' ? 'cluster' : 'pod');
      if (share === 'cluster') return this.#sharedBackend(`process:${spec.process}`, () => this.#startProcess(spec.process, podName, samePod, spec.nginxPort));
      const running = await this.#startProcess(spec.process, podName, samePod, spec.nginxPort);
      if (running) this.#own(podUid, running);
      return running;
    }
    if ('fixture' in spec) return this.#sharedBackend(`fixture:${spec.fixture}`, () => this.#startFixture(spec));
    const share = spec.share ?? (PER_POD_GENERATED.has(spec.generated) ? 'pod' : 'cluster');
    if (share === 'pod') {
      const running = await this.#startGenerated(spec.generated, { uid: podUid, name: podName });
      this.#own(podUid, running);
      return running;
    }
    return this.#sharedBackend(`generated:${spec.generated}`, () => this.#startGenerated(spec.generated));
  }

  #own(podUid: string, running: Running): void {
    const list = this.#owned.get(podUid) ?? [];
    list.push(running);
    this.#owned.set(podUid, list);
  }

  #sharedBackend(key: string, start: () => Promise<Running | null>): Promise<Running | null> {
    let promise = this.#shared.get(key);
    if (!promise) this.#shared.set(key, (promise = start()));
    return promise;
  }

  async #startProcess(process: string, podName: string, samePod: Map<number, Running | null>, nginxPort = 80): Promise<Running | null> {
    const dir = join(this.#options.dir, `${process}-${++this.#counter}`);
    let exporter: RunningExporter;
    switch (process) {
      case 'node-exporter':
        exporter = await startNodeExporter();
        break;
      case 'nginx':
        exporter = await startNginx(dir, { body: `Welcome to nginx on pod ${podName}` });
        break;
      case 'nginx-exporter': {
        const nginx = samePod.get(nginxPort);
        if (!nginx) throw new Error(`pod ${podName}: nginx-exporter needs an nginx backend on port ${nginxPort} of the same pod`);
        exporter = await startNginxExporter(`http://${nginx.address.host}:${nginx.address.port}/stub_status`);
        break;
      }
      case 'pushgateway':
        exporter = await startPushgateway();
        await seedPushgateway(exporter.url);
        break;
      case 'prometheus':
        exporter = await startPrometheus(dir, this.#options.prometheusConfigFile());
        break;
      default:
        return null;
    }
    const running: Running = {
      address: { host: '127.0.0.1', port: exporter.port, kind: 'process', source: `${process} (pid ${exporter.pid})`, pid: exporter.pid },
      stop: async () => {
        this.#processes.delete(running);
        await exporter.stop();
      },
    };
    this.#processes.add(running);
    return running;
  }

  async #startFixture(spec: { fixture: string; advance?: boolean; contentType?: string }): Promise<Running> {
    const path = fixtureFile(spec.fixture);
    const text = readFileSync(path, 'utf8');
    const isJson = path.endsWith('.json');
    const contentType = spec.contentType ?? (isJson ? 'application/json' : TEXT_FORMAT);
    let render: () => string = () => text;
    if (!isJson && spec.advance !== false) {
      const advancing = new AdvancingExposition(parseExposition(text), { startMs: this.#options.startMs });
      render = () => advancing.render(Date.now());
    }
    const server = await startPayloadServer(`recorded ${spec.fixture}`, (urlPath) => (urlPath === '/metrics' || (isJson && urlPath !== '/') ? { contentType, body: render() } : undefined));
    return payloadRunning(server, 'fixture', spec.fixture);
  }

  async #startGenerated(kind: GeneratedKind, pod?: { uid: string; name: string }): Promise<Running> {
    const server = await startPayloadServer(kind, (urlPath) => (urlPath === '/metrics' ? this.#options.generate(kind, pod) : urlPath === '/healthz' ? { contentType: 'text/plain', body: 'OK' } : undefined));
    return payloadRunning(server, 'generated', `${kind} (generated${pod ? ` for pod ${pod.name}` : ''})`);
  }
}

function payloadRunning(server: PayloadServer, kind: 'fixture' | 'generated', source: string): Running {
  return { address: { host: '127.0.0.1', port: server.port, kind, source }, stop: () => server.close() };
}

function rank(spec: BackendSpec): number {
  if ('process' in spec) return spec.process === 'nginx' ? 0 : spec.process === 'nginx-exporter' ? 2 : 1;
  return 1;
}

/**
 * Pushes one group so the Pushgateway has something to show, as a nightly batch job would.
 * node:http without keep-alive, so no socket outlives the request (fetch would pool one).
 */
function seedPushgateway(url: string): Promise<void> {
  const body = `# TYPE backup_last_success_timestamp_seconds gauge\nbackup_last_success_timestamp_seconds ${Math.floor(Date.now() / 1000 - 3600)}\n# TYPE backup_duration_seconds gauge\nbackup_duration_seconds 73.4\n`;
  return new Promise((resolve) => {
    const req = httpRequest(`${url}/metrics/job/nightly-backup/instance/backup-0`, { method: 'PUT', agent: false, headers: { 'Content-Type': 'text/plain; version=0.0.4' } }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    // An empty Pushgateway is still a valid backend.
    req.on('error', () => resolve());
    req.end(body);
  });
}
