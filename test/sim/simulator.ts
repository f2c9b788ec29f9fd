import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { Authenticator } from './api/auth.js';
import { createCertificates } from './api/certificates.js';
import type { FaultControls } from './api/faults.js';
import { CONTEXTS, kubeconfigYaml } from './api/kubeconfig.js';
import type { ForwardInfo } from './api/port-forward.js';
import type { RequestRecord } from './api/request-log.js';
import type { BackendAddress } from './backends/backend-registry.js';
import { DEFAULT_SCALE, installScaleCluster, type ScaleShape } from './cluster/scale-cluster.js';
import { loadScenario, type Scenario } from './cluster/scenario.js';
import { SimCluster, type ObjectsView } from './cluster/sim-cluster.js';
import type { CadvisorDump } from './metrics/cadvisor-dump.js';

/**
 * The Kubernetes API simulator, in process: `startSimulator()` builds a cluster from a scenario,
 * serves it over HTTPS on 127.0.0.1 with a per-run CA, writes a kubeconfig with three
 * authentication methods and a second (smaller) cluster, and returns controls for tests.
 *
 *   const sim = await startSimulator({ scenario: 'demo' });
 *   // kubectl --kubeconfig sim.kubeconfigPath get pods -A
 *   await sim.scaleDeployment('web', 'nginx', 3);
 *   sim.faults.expireTokens();
 *   await sim.stop();
 */

export interface SimulatorOptions {
  /** Built-in name (`minimal` default, `demo`, `edge`, `scale`), a YAML file path, or a parsed scenario. */
  readonly scenario?: string | Scenario;
  /** Where to write the kubeconfig (default: inside the run's temp folder, removed on stop). */
  readonly kubeconfigPath?: string;
  /** apiserver port (default 0: chosen by the kernel). */
  readonly port?: number;
  /** Scale mode shape; implies the `scale` scenario. Default 5,000 nodes × 30 pods. */
  readonly scale?: Partial<ScaleShape>;
  /** Start real Debian exporters where the scenario asks for them (default true); false uses fallbacks. */
  readonly processes?: boolean;
  /** Run the scenario's timed script (default false: tests get a still cluster). */
  readonly script?: boolean;
  /** The second cluster: a built-in name or scenario, or false for none (default `edge`). */
  readonly secondCluster?: string | Scenario | false;
  /** New pods stay Pending this long (default 300 ms); deleted pods stay Terminating (default 200 ms). */
  readonly podStartDelayMs?: number;
  readonly podStopDelayMs?: number;
  /** BOOKMARK period for watches with allowWatchBookmarks (default 5,000 ms). */
  readonly bookmarkIntervalMs?: number;
  /** Lifetime of exec-plugin tokens (default 600 s). */
  readonly execTokenTtlSeconds?: number;
  /** Progress and script lines (default: nowhere). */
  readonly log?: (line: string) => void;
}

/** Controls of one simulated cluster (the simulator's main one or its second one). */
export interface SimulatedCluster {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  readonly clusterName: string;
  readonly scenario: Scenario;
  /** Read access to current objects (copies): `objects.list('pods', 'web')`, `objects.get('nodes', undefined, 'n1')`. */
  readonly objects: ObjectsView;
  readonly faults: FaultControls;
  /** Every request answered (method, decoded path, query, user, auth method, status), newest last. */
  readonly requests: readonly RequestRecord[];
  /** Open port-forwards, then recently ended ones (with bytes relayed and why they ended). */
  readonly forwards: readonly ForwardInfo[];
  /** Scales a Deployment; resolves when new pods are Running and removed ones are gone. */
  scaleDeployment(namespace: string, name: string, replicas: number): Promise<void>;
  /** Replaces a pod (new UID; new name for ReplicaSet/DaemonSet pods); resolves with the new name. */
  replacePod(namespace: string, name: string): Promise<string>;
  /** The TCP address (and kind: process, fixture, generated) answering a pod's container port. */
  backendFor(namespace: string, pod: string, port: number): BackendAddress | undefined;
  /** The kubelet dump a node replays (`path` is the fixture file). */
  nodeDump(node: string): CadvisorDump | undefined;
  /** Every exporter process running for this cluster (shared ones included), with pid and port. */
  runningProcesses(): BackendAddress[];
}

export interface Simulator extends SimulatedCluster {
  readonly kubeconfigPath: string;
  /** Context names in the kubeconfig: token, client-cert, exec (main cluster), edge (second cluster). */
  readonly contexts: readonly string[];
  /** PEM of the run's CA (also inline in the kubeconfig). */
  readonly caPem: string;
  /** The bearer token of the `token` context's user (for raw HTTPS in tests). */
  readonly token: string;
  /** The second cluster (context `edge`), or null when disabled. */
  readonly second: SimulatedCluster | null;
  /** How many times the exec plugin has been run by any client. */
  execPluginRuns(): number;
  /** Stops everything it started (processes, servers, sockets, timers) and removes its temp folder. */
  stop(): Promise<void>;
}

export const USERS = { token: 'sim-token', clientCert: 'sim-cert', exec: 'sim-exec', prometheus: 'system:serviceaccount:monitoring:prometheus-k8s' } as const;
export const CONTEXT_NAMES: readonly string[] = [CONTEXTS.token, CONTEXTS.clientCert, CONTEXTS.exec, CONTEXTS.second];

/** The exec credential plugin script (plain Node). */
export const EXEC_PLUGIN_PATH = join(REPO_ROOT, 'test', 'sim', 'exec-plugin.mjs');

function clusterControls(cluster: SimCluster, clusterName: string): SimulatedCluster {
  return {
    get url() {
      return cluster.url;
    },
    clusterName,
    scenario: cluster.options.scenario,
    objects: cluster.objects,
    faults: cluster.faults,
    get requests() {
      return cluster.requests;
    },
    get forwards() {
      return cluster.forwards;
    },
    scaleDeployment: (namespace, name, replicas) => cluster.scaleDeployment(namespace, name, replicas),
    replacePod: (namespace, name) => cluster.replacePod(namespace, name),
    backendFor: (namespace, pod, port) => cluster.backendFor(namespace, pod, port),
    nodeDump: (node) => cluster.nodeDump(node),
    runningProcesses: () => cluster.runningProcesses(),
  };
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const startMs = Date.now();
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'kube-sim-'));
  const clusters: SimCluster[] = [];
  try {
    const scaleMode = options.scale !== undefined || options.scenario === 'scale';
    const shape: ScaleShape = { ...DEFAULT_SCALE, ...(options.scale ?? {}) };
    const scenario: Scenario = scaleMode ? { name: 'scale', description: `${shape.nodes} nodes × ${shape.podsPerNode} pods, generated`, nodes: [] } : loadScenario(options.scenario ?? 'minimal');

    mkdirSync(join(dir, 'certs'));
    const certs = await createCertificates(join(dir, 'certs'), { user: USERS.clientCert, group: 'system:masters' });
    const token = randomBytes(24).toString('base64url');
    const prometheusToken = randomBytes(24).toString('base64url');
    const execSecret = randomBytes(32).toString('hex');
    const authenticator = new Authenticator({
      tokens: new Map([
        [token, USERS.token],
        [prometheusToken, USERS.prometheus],
      ]),
      execSecret,
    });
    const tls = { key: certs.serverKeyPem, cert: certs.serverCertPem, ca: certs.caPem, caFile: certs.caFile };
    const common = {
      startMs,
      authenticator,
      tls,
      prometheusToken,
      processes: options.processes ?? true,
      podStartDelayMs: options.podStartDelayMs ?? 300,
      podStopDelayMs: options.podStopDelayMs ?? 200,
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 5000,
    };

    const mainName = 'kube-sim';
    mkdirSync(join(dir, 'main'));
    const main = new SimCluster({ ...common, scenario, clusterName: mainName, dir: join(dir, 'main'), port: options.port, prepare: scaleMode ? (c) => installScaleCluster(c, shape, startMs) : undefined });
    clusters.push(main);
    await main.start();
    log(`kube-sim: cluster ${mainName} (${scenario.name}) at ${main.url}`);

    let second: SimCluster | null = null;
    const secondSource = options.secondCluster ?? 'edge';
    if (secondSource !== false) {
      mkdirSync(join(dir, 'edge'));
      second = new SimCluster({ ...common, scenario: loadScenario(secondSource), clusterName: `${mainName}-edge`, dir: join(dir, 'edge'), processes: false });
      clusters.push(second);
      await second.start();
    }

    const execLog = join(dir, 'exec-runs.log');
    const kubeconfigPath = options.kubeconfigPath ?? join(dir, 'kubeconfig');
    const yaml = kubeconfigYaml({
      caPem: certs.caPem,
      main: { name: mainName, server: main.url },
      second: { name: `${mainName}-edge`, server: second?.url ?? main.url },
      token: { user: USERS.token, token },
      clientCert: { user: USERS.clientCert, certPem: certs.clientCertPem, keyPem: certs.clientKeyPem },
      exec: {
        user: USERS.exec,
        nodePath: process.execPath,
        pluginPath: EXEC_PLUGIN_PATH,
        env: { SLICEWISE_SIM_EXEC_SECRET: execSecret, SLICEWISE_SIM_EXEC_USER: USERS.exec, SLICEWISE_SIM_EXEC_TTL_SECONDS: String(options.execTokenTtlSeconds ?? 600), SLICEWISE_SIM_EXEC_LOG: execLog },
      },
    });
    mkdirSync(dirname(kubeconfigPath), { recursive: true });
    writeFileSync(kubeconfigPath, yaml, { mode: 0o600 });

    if (options.script && scenario.script?.length) main.runScript(scenario.script, log);

    let stopped = false;
    const controls = clusterControls(main, mainName);
    return {
      ...controls,
      get url() {
        return main.url;
      },
      get requests() {
        return main.requests;
      },
      get forwards() {
        return main.forwards;
      },
      kubeconfigPath,
      contexts: CONTEXT_NAMES,
      caPem: certs.caPem,
      token,
      second: second ? clusterControls(second, `${mainName}-edge`) : null,
      execPluginRuns: () => (existsSync(execLog) ? readFileSync(execLog, 'utf8').split('\n').filter(Boolean).length : 0),
      async stop() {
        if (stopped) return;
        stopped = true;
        await Promise.all(clusters.map((c) => c.stop()));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(clusters.map((c) => c.stop().catch(() => undefined)));
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
