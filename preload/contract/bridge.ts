import type { ApiArg, ApiMethod, ApiResult } from './api.js';
import type { EventParams, EventPayload, EventTopic } from './events.js';
import type { WireError } from './errors.js';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * What the renderer holds: typed calls and subscriptions. It is injected at boot (preload IPC in the
 * desktop app, a WebSocket in browser mode) and the renderer never asks which one it got.
 */
export interface Bridge {
  call<M extends ApiMethod>(method: M, arg: ApiArg<M>): Promise<ApiResult<M>>;
  /** Returns the unsubscribe function. After a reconnect the bridge resubscribes by itself. */
  subscribe<T extends EventTopic>(
    topic: T,
    params: EventParams<T>,
    onPayload: (payload: EventPayload<T>) => void,
    onEnded?: (error?: WireError) => void,
  ): () => void;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
}

/**
 * What the preload exposes on `window.slicewise`: untyped on purpose, checked on both sides. `call`
 * resolves to `{ok: true, result}` or `{ok: false, error: WireError}`; `onEvent` receives the
 * `event` and `ended` server messages of that subscription.
 */
export interface PreloadApi {
  call(method: string, arg: unknown): Promise<unknown>;
  subscribe(topic: string, params: unknown, onEvent: (message: unknown) => void): Promise<() => void>;
}

/** A failed call rejects with this error; `code` and `message` come straight from the wire. */
export class BridgeError extends Error {
  readonly code: WireError['code'];
  readonly hint?: string;
  constructor(error: WireError) {
    super(error.message);
    this.name = 'BridgeError';
    this.code = error.code;
    this.hint = error.hint;
  }
}
