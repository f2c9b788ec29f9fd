import { homedir } from 'node:os';
import type { AppInfo, Front, SessionStatus } from '../../preload/contract/index.js';
import { ValueCell } from '../stream/value-cell.js';
import { followSessionFeed } from '../stream/session-feed.js';
import { AppError } from '../util/app-error.js';
import { DisposableStore, type Disposable } from '../util/disposable.js';
import type { Logger } from '../util/log.js';
import { ClusterSession } from './cluster-session.js';
import { Dispatcher } from './dispatch.js';
import { KubeconfigSource } from './kubeconfig-source.js';
import { LocalSession } from './local-session.js';
import { nodeStatsTopic } from './topics/node-stats-topic.js';
import { cgroupsTreeTopic } from './topics/cgroups-tree-topic.js';
import { cgroupSeriesTopic } from './topics/cgroup-series-topic.js';
import type { Session } from './session.js';
import { SessionPrometheus } from './session-prometheus.js';
import { explorerHandlers, explorerTopics } from './topics/explorer-topic.js';
import { defaultPrometheusSettingsPath, PrometheusSettings } from '../promql/settings.js';
import { APP_NAME, APP_VERSION } from './version.js';
import { containerSeriesTopic, containersListTopic } from '../stream/containers-feed.js';
import { workloadsListTopic } from '../stream/workloads-feed.js';
import { appPanelTopic, appsListTopic } from '../stream/apps-feed.js';

export interface CoreOptions {
  front: Front;
  log: Logger;
  /** Explicit kubeconfig files (`--kubeconfig`); otherwise `$KUBECONFIG` or `~/.kube/config`. */
  kubeconfigPaths?: string[];
  /** Context to open at start (`--context`). */
  context?: string;
  /** Set by the Electron entry only. */
  electronVersion?: string;
  /** Where "always allow" exec consents are stored (Electron: under userData). */
  consentStorePath?: string;
  /** How exec-plugin consent is obtained: the UI asks (default); the CLI allows (`--allow-exec`) or refuses. */
  execConsent?: 'ask' | 'allow' | 'refuse';
  /** Scrape interval of cluster targets, ms (tests shorten it). */
  intervalMs?: number;
  /** 'immediate' scrapes new targets at once instead of at their hashed offset (the CLI). */
  firstScrape?: 'offset' | 'immediate';
  /** Environment for kubeconfig and exec plugins; process.env by default. */
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** Where per-context Prometheus URLs are remembered (tokens never are); default beside the exec consents. */
  prometheusSettingsPath?: string;
}

/** The Node core every front shares: the composition root of the pipeline behind the contract. */
export interface Core {
  readonly dispatcher: Dispatcher;
  readonly info: AppInfo;
  readonly kubeconfig: KubeconfigSource;
  /** The open session (cluster context or this machine), null when none. */
  readonly session: ValueCell<Session | null>;
  /** The open session's Prometheus (history, PromQL); `queryHistory(core.prometheus, …)` in session-prometheus.ts. */
  readonly prometheus: SessionPrometheus;
  openSession(request: { context?: string; local?: boolean; namespace?: string }): Promise<SessionStatus>;
  closeSession(): Promise<void>;
  dispose(): Promise<void>;
}

const IDLE: SessionStatus = { state: 'idle', sinceMs: Date.now() };

/**
 * Subscribes to a cell of whichever session is open, following switches: a subscriber of
 * `targets.list` sees context B's targets after a switch, never A's.
 */
export function followSession<T>(current: ValueCell<Session | null>, cellOf: (session: Session) => ValueCell<T>, empty: T, emit: (value: T) => void): Disposable {
  return followSessionFeed<Session, T>(current, (session, emitValue) => cellOf(session).subscribe(emitValue), empty, emit);
}

export function createCore(options: CoreOptions): Core {
  const log = options.log;
  const disposables = new DisposableStore();
  const info: AppInfo = {
    name: APP_NAME,
    version: APP_VERSION,
    front: options.front,
    platform: process.platform,
    arch: process.arch,
    nodeVersion: process.versions.node,
    ...(options.electronVersion ? { electronVersion: options.electronVersion } : {}),
  };
  const kubeconfig = disposables.add(
    new KubeconfigSource({ log: log.child('kubeconfig'), paths: options.kubeconfigPaths, consentStorePath: options.consentStorePath, execConsent: options.execConsent, env: options.env, home: options.home }),
  );
  const current = new ValueCell<Session | null>(null);
  const prometheus = disposables.add(
    new SessionPrometheus(current, {
      settings: new PrometheusSettings(options.prometheusSettingsPath ?? defaultPrometheusSettingsPath(options.env ?? process.env, options.home ?? homedir()), log.child('prometheus')),
      log: log.child('prometheus'),
    }),
  );
  // Opening and closing are serialised: a second click waits until the first session is gone.
  let switching: Promise<unknown> = Promise.resolve();

  const closeCurrent = async (): Promise<void> => {
    const session = current.value;
    if (!session) return;
    current.set(null);
    await session.dispose();
  };

  const openSession = (request: { context?: string; local?: boolean; namespace?: string }): Promise<SessionStatus> => {
    const run = switching.then(async (): Promise<SessionStatus> => {
      if (request.local) {
        if (process.platform !== 'linux') throw new AppError('unavailable', 'Reading this machine needs Linux (/sys/fs/cgroup and /proc).');
        await closeCurrent();
        const session = new LocalSession({ log: log.child('local') });
        current.set(session);
        return session.start();
      }
      // Resolve first: a context that does not exist must not close the one that works. Files it
      // names outside ~/.kube are read only once the user allowed it (resolving reads the CA).
      await kubeconfig.prepareOpen(request.context);
      const context = kubeconfig.current.resolve(request.context);
      await closeCurrent();
      const session = new ClusterSession({ context, log, intervalMs: options.intervalMs, namespace: request.namespace, firstScrape: options.firstScrape });
      current.set(session);
      return session.start();
    });
    switching = run.catch(() => undefined);
    return run;
  };

  const closeSession = (): Promise<void> => {
    const run = switching.then(closeCurrent);
    switching = run.catch(() => undefined);
    return run;
  };

  const dispatcher = new Dispatcher(
    {
      'app.info': () => info,
      'contexts.list': () => kubeconfig.contexts.value.contexts,
      'session.open': (arg) => openSession(arg),
      'session.close': async () => {
        await closeSession();
        return null;
      },
      'session.setNamespace': (arg) => {
        current.value?.setNamespace(arg.namespace);
        return null;
      },
      'exec.answer': (arg) => {
        kubeconfig.answer(arg.id, arg.decision);
        return null;
      },
      ...explorerHandlers(current, prometheus),
    },
    {
      'session.status': (_params, emit) => followSession(current, (session) => session.status, IDLE, emit),
      'contexts.all': (_params, emit) => kubeconfig.contexts.subscribe(emit),
      'exec.consents': (_params, emit) => kubeconfig.consents.subscribe(emit),
      'cluster.nodes': (_params, emit) => followSession(current, (session) => session.nodes, [], emit),
      'targets.list': (_params, emit) => followSession(current, (session) => session.targets, [], emit),
      'containers.list': (params, emit) => containersListTopic(current, params, emit, log.child('containers')),
      'containers.series': (params, emit) => containerSeriesTopic(current, params, emit, log.child('containers')),
      'workloads.list': (params, emit) => workloadsListTopic(current, params, emit, log.child('workloads')),
      'apps.list': (_params, emit) => appsListTopic(current, emit, log.child('apps')),
      'apps.panel': (params, emit) => appPanelTopic(current, params, emit, log.child('apps')),
      ...explorerTopics(current, prometheus),
      'node.stats': (params, emit) => nodeStatsTopic(current, params.node, emit),
      'cgroups.tree': (params, emit) => cgroupsTreeTopic(current, params.node, emit),
      'cgroup.series': (params, emit) => cgroupSeriesTopic(current, params.node, params.path, emit),
    },
    log.child('dispatch'),
  );

  if (options.context) {
    openSession({ context: options.context }).catch((error: unknown) => log.warn(`could not open context ${options.context}`, error));
  }

  return {
    dispatcher,
    info,
    kubeconfig,
    session: current,
    prometheus,
    openSession,
    closeSession,
    dispose: async () => {
      await closeSession();
      await disposables.dispose();
    },
  };
}
