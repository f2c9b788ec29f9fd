import {
  BridgeError,
  type Bridge,
  type ClientMessage,
  type ConnectionState,
  type ServerMessage,
  type WireError,
} from '../../../preload/contract/index.js';

/** Reconnect delays grow from the first to the last value and then stay there (ms). */
const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 4000];
/** WebSocket.OPEN; spelled out so the module also runs where no global WebSocket exists (Node 20 tests). */
const OPEN = 1;
/** A call made while disconnected waits this long for the socket before failing. */
const CALL_WAIT_MS = 15_000;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface ActiveSubscription {
  topic: string;
  params: unknown;
  onPayload: (payload: never) => void;
  onEnded?: (error?: WireError) => void;
  /** Wire id of the current connection's subscription; renewed on every reconnect. */
  wireId: number;
}

export type SocketFactory = (url: string) => WebSocket;

/**
 * Browser-mode transport: one multiplexed WebSocket to the local Slicewise server. It reconnects
 * with backoff when the server goes away and resubscribes every live subscription, so views need
 * not know a restart happened (they only see the connection state change).
 */
export function createWebSocketBridge(url: string, createSocket: SocketFactory = (u) => new WebSocket(u)): Bridge {
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let attempt = 0;
  let nextId = 1;
  const pendingCalls = new Map<number, Pending>();
  const subscriptions = new Map<number, ActiveSubscription>(); // by wire id
  const waitingForOpen = new Set<() => void>();
  const stateListeners = new Set<(state: ConnectionState) => void>();

  const setState = (next: ConnectionState): void => {
    if (state === next) return;
    state = next;
    for (const listener of [...stateListeners]) listener(next);
  };

  const send = (message: ClientMessage): boolean => {
    if (!socket || socket.readyState !== OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  };

  const resubscribeAll = (): void => {
    const live = [...subscriptions.values()];
    subscriptions.clear();
    for (const sub of live) {
      sub.wireId = nextId++;
      subscriptions.set(sub.wireId, sub);
      send({ kind: 'subscribe', id: sub.wireId, topic: sub.topic, params: sub.params });
    }
  };

  const onMessage = (event: MessageEvent): void => {
    let message: ServerMessage;
    try {
      message = JSON.parse(String(event.data)) as ServerMessage;
    } catch {
      return;
    }
    if (message.kind === 'result') {
      const pending = pendingCalls.get(message.id);
      if (pending) {
        pendingCalls.delete(message.id);
        if (message.ok) pending.resolve(message.result);
        else pending.reject(new BridgeError(message.error));
        return;
      }
      const sub = subscriptions.get(message.id);
      if (sub && !message.ok) {
        subscriptions.delete(message.id);
        sub.onEnded?.(message.error);
      }
      return;
    }
    const sub = subscriptions.get(message.id);
    if (!sub) return;
    if (message.kind === 'event') sub.onPayload(message.payload as never);
    else {
      subscriptions.delete(message.id);
      sub.onEnded?.(message.error);
    }
  };

  const connect = (): void => {
    const current = createSocket(url);
    socket = current;
    current.onopen = () => {
      attempt = 0;
      setState('open');
      resubscribeAll();
      for (const wake of [...waitingForOpen]) wake();
    };
    current.onmessage = onMessage;
    current.onclose = () => {
      if (socket !== current) return;
      socket = null;
      for (const [id, pending] of pendingCalls) {
        pendingCalls.delete(id);
        pending.reject(new BridgeError({ code: 'closed', message: 'The connection to Slicewise closed before the answer came.' }));
      }
      setState('reconnecting');
      const delay = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)];
      attempt += 1;
      setTimeout(connect, delay);
    };
    current.onerror = () => undefined; // onclose follows and handles it
  };

  const waitForOpen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      if (socket?.readyState === OPEN) return resolve();
      const timer = setTimeout(() => {
        waitingForOpen.delete(wake);
        reject(new BridgeError({ code: 'unreachable', message: 'Slicewise is not reachable; is `slicewise web` still running?' }));
      }, CALL_WAIT_MS);
      const wake = () => {
        clearTimeout(timer);
        waitingForOpen.delete(wake);
        resolve();
      };
      waitingForOpen.add(wake);
    });

  connect();

  return {
    async call(method, arg) {
      await waitForOpen();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pendingCalls.set(id, { resolve: resolve as (value: unknown) => void, reject });
        if (!send({ kind: 'call', id, method, arg })) {
          pendingCalls.delete(id);
          reject(new BridgeError({ code: 'closed', message: 'The connection to Slicewise is closed.' }));
        }
      });
    },
    subscribe(topic, params, onPayload, onEnded) {
      const sub: ActiveSubscription = { topic, params, onPayload: onPayload as (payload: never) => void, onEnded, wireId: nextId++ };
      subscriptions.set(sub.wireId, sub);
      send({ kind: 'subscribe', id: sub.wireId, topic, params }); // if closed, resubscribeAll sends it on open
      return () => {
        if (subscriptions.get(sub.wireId) !== sub) return;
        subscriptions.delete(sub.wireId);
        send({ kind: 'unsubscribe', id: sub.wireId });
      };
    },
    onConnectionChange(listener) {
      stateListeners.add(listener);
      listener(state);
      return () => stateListeners.delete(listener);
    },
  };
}

/** The WebSocket URL for the page's own server, with the token the page was opened with. */
export function webSocketUrl(location: Location, path: string, tokenParam: string): string {
  const token = new URLSearchParams(location.search).get(tokenParam);
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}${token ? `?${tokenParam}=${encodeURIComponent(token)}` : ''}`;
}
