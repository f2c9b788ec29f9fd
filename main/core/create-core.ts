import type { AppInfo, Front, SessionStatus } from '../../preload/contract/index.js';
import { ValueCell } from '../stream/value-cell.js';
import { DisposableStore } from '../util/disposable.js';
import type { Logger } from '../util/log.js';
import { Dispatcher } from './dispatch.js';
import { APP_NAME, APP_VERSION } from './version.js';

export interface CoreOptions {
  front: Front;
  log: Logger;
  /** Explicit kubeconfig files (`--kubeconfig`); otherwise `$KUBECONFIG` or `~/.kube/config`. */
  kubeconfigPaths?: string[];
  /** Context to open at start (`--context`). */
  context?: string;
  /** Set by the Electron entry only. */
  electronVersion?: string;
}

/** The Node core every front shares: the composition root of the pipeline behind the contract. */
export interface Core {
  readonly dispatcher: Dispatcher;
  readonly info: AppInfo;
  dispose(): Promise<void>;
}

export function createCore(options: CoreOptions): Core {
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
  const status = new ValueCell<SessionStatus>({ state: 'idle', sinceMs: Date.now() });

  const dispatcher = new Dispatcher(
    {
      'app.info': () => info,
      'contexts.list': () => [],
    },
    {
      'session.status': (_params, emit) => status.subscribe(emit),
    },
    options.log.child('dispatch'),
  );

  return {
    dispatcher,
    info,
    dispose: () => disposables.dispose(),
  };
}
