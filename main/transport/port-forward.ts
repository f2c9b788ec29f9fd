import { createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { PortForward, type KubeConfig } from '@kubernetes/client-node';
import type { WebSocket } from 'ws';
import { AppError } from '../util/app-error.js';
import type { Disposable } from '../util/disposable.js';
import { Logger, nullSink } from '../util/log.js';

/** Where a forward leads: one port of one pod. */
export interface ForwardKey {
  namespace: string;
  pod: string;
  port: number;
}

export interface PortForwardsOptions {
  /** A client-node KubeConfig carrying the current credentials; called per connection (tokens rotate). */
  kubeConfig: () => Promise<KubeConfig>;
  log?: Logger;
  /** A forward nobody used for this long is closed (ms). */
  idleMs?: number;
}

/** What the Targets view and tests can see of one forward. */
export interface ForwardInfo extends ForwardKey {
  localPort: number;
  connections: number;
  lastError?: string;
}

const keyOf = (key: ForwardKey) => `${key.namespace}/${key.pod}:${key.port}`;

/**
 * Maps a failed WebSocket upgrade (client-node rejects with the `ws` "Unexpected server response: N")
 * to words: 403 is RBAC, 404 a missing pod, 400 an apiserver that refused the WebSocket protocol.
 */
export function forwardUpgradeError(error: unknown, key: ForwardKey): AppError {
  // client-node rejects with the `ws` ErrorEvent (`{type, message, error}`), not an Error.
  const candidate = error as { message?: unknown; error?: { message?: unknown } } | null;
  const text =
    typeof candidate?.message === 'string' ? candidate.message : typeof candidate?.error?.message === 'string' ? candidate.error.message : String(error);
  const status = Number(/Unexpected server response: (\d{3})/.exec(text)?.[1] ?? NaN);
  const where = `pod ${key.namespace}/${key.pod} port ${key.port}`;
  if (status === 403) {
    return new AppError('forbidden', `Port-forward to ${where} is forbidden.`, { hint: `It needs \`get\` and \`create\` on \`pods/portforward\` in namespace ${key.namespace}.` });
  }
  if (status === 401) return new AppError('unauthorized', `The cluster rejected the credentials for the port-forward to ${where}.`);
  if (status === 404) return new AppError('not-found', `Port-forward: ${where} does not exist (any more).`);
  if (status === 400) return new AppError('unavailable', `The apiserver refused the WebSocket port-forward to ${where} (400).`, { hint: 'Clusters before Kubernetes 1.30 may need the PortForwardWebsockets feature gate; Slicewise then uses the pod proxy.' });
  if (Number.isFinite(status)) return new AppError('unavailable', `Port-forward to ${where} failed with HTTP ${status}.`);
  return new AppError('unreachable', `Port-forward to ${where} failed: ${text}`);
}

/** A Writable that forwards to a socket until the socket is gone, then drops (javascript#459, #187). */
function safeSink(socket: Socket): Writable {
  return new Writable({
    write(chunk, _encoding, callback) {
      if (!socket.destroyed && socket.writable) socket.write(chunk);
      callback();
    },
  });
}

class Forward {
  readonly key: ForwardKey;
  readonly #server: Server;
  readonly #options: PortForwardsOptions;
  readonly #log: Logger;
  readonly #sockets = new Set<Socket>();
  readonly ready: Promise<number>;
  lastError: AppError | undefined;
  lastUsedMs = Date.now();
  #localPort = 0;

  constructor(key: ForwardKey, options: PortForwardsOptions) {
    this.key = key;
    this.#options = options;
    this.#log = (options.log ?? new Logger(nullSink)).child('port-forward');
    this.#server = createServer((socket) => void this.#connect(socket));
    this.#server.on('error', (error) => this.#log.warn(`listener for ${keyOf(key)} failed`, error.message));
    this.ready = new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      // 127.0.0.1 only: a forward must never be reachable from another machine.
      this.#server.listen({ host: '127.0.0.1', port: 0 }, () => {
        const address = this.#server.address();
        this.#localPort = typeof address === 'object' && address ? address.port : 0;
        resolve(this.#localPort);
      });
    });
  }

  get info(): ForwardInfo {
    return { ...this.key, localPort: this.#localPort, connections: this.#sockets.size, lastError: this.lastError?.message };
  }

  async #connect(socket: Socket): Promise<void> {
    this.lastUsedMs = Date.now();
    this.#sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#sockets.delete(socket));
    let errorText = '';
    const errors = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        // The kubelet writes failures on the error channel, e.g. "error forwarding port 9100 to pod …".
        errorText += chunk.toString('utf8');
        this.lastError = new AppError('unreachable', `Port-forward to pod ${this.key.namespace}/${this.key.pod}: ${errorText.trim().slice(0, 300)}`);
        callback();
      },
    });
    try {
      const config = await this.#options.kubeConfig();
      const forward = new PortForward(config, true);
      const ws = (await forward.portForward(this.key.namespace, this.key.pod, [this.key.port], safeSink(socket), errors, socket)) as WebSocket;
      if (!errorText) this.lastError = undefined;
      // client-node never ends the local socket when the WebSocket closes (toolchain.md gotcha 5).
      ws.on('close', () => socket.end());
      ws.on('error', (error) => {
        this.#log.debug(`forward ${keyOf(this.key)} WebSocket error`, error.message);
        socket.destroy();
      });
      socket.on('close', () => {
        if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
      });
    } catch (error) {
      this.lastError = error instanceof AppError ? error : forwardUpgradeError(error, this.key);
      this.#log.debug(`forward ${keyOf(this.key)} failed`, this.lastError.message);
      socket.destroy();
    }
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/**
 * Port-forwards owned by one cluster session: one local listener on 127.0.0.1:0 per pod:port, shared by
 * every scrape of that target, each TCP connection carried by its own WebSocket (client-node's model).
 * Forwards nobody used for `idleMs` are closed; a pod that was replaced gets a new forward because its
 * targets name the new pod.
 */
export class PortForwards implements Disposable {
  readonly #options: PortForwardsOptions;
  readonly #forwards = new Map<string, Forward>();
  readonly #sweeper: NodeJS.Timeout;
  #disposed = false;

  constructor(options: PortForwardsOptions) {
    this.#options = options;
    const idleMs = options.idleMs ?? 10 * 60_000;
    this.#sweeper = setInterval(() => this.#sweep(idleMs), Math.min(idleMs, 60_000));
    this.#sweeper.unref();
  }

  /** The local port for `key`, opening the listener on first use. */
  async localPort(key: ForwardKey): Promise<number> {
    if (this.#disposed) throw new AppError('closed', 'The session that owned this port-forward has ended.');
    let forward = this.#forwards.get(keyOf(key));
    if (!forward) {
      forward = new Forward(key, this.#options);
      this.#forwards.set(keyOf(key), forward);
    }
    forward.lastUsedMs = Date.now();
    return forward.ready;
  }

  /** Why the last connection of `key` failed, if it did. */
  lastError(key: ForwardKey): AppError | undefined {
    return this.#forwards.get(keyOf(key))?.lastError;
  }

  list(): ForwardInfo[] {
    return [...this.#forwards.values()].map((forward) => forward.info);
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    clearInterval(this.#sweeper);
    const forwards = [...this.#forwards.values()];
    this.#forwards.clear();
    await Promise.all(forwards.map((forward) => forward.close()));
  }

  #sweep(idleMs: number): void {
    const now = Date.now();
    for (const [key, forward] of this.#forwards) {
      if (now - forward.lastUsedMs > idleMs && forward.info.connections === 0) {
        this.#forwards.delete(key);
        void forward.close();
      }
    }
  }
}
