import type { WireError } from './errors.js';

/**
 * Wire envelopes. The same messages travel over Electron IPC and over the browser-mode WebSocket,
 * so the renderer never knows which carries them. Ids are chosen by the client and unique per
 * connection.
 */
export type ClientMessage =
  | { kind: 'call'; id: number; method: string; arg: unknown }
  | { kind: 'subscribe'; id: number; topic: string; params: unknown }
  | { kind: 'unsubscribe'; id: number };

export type ServerMessage =
  | { kind: 'result'; id: number; ok: true; result: unknown }
  | { kind: 'result'; id: number; ok: false; error: WireError }
  /**
   * A payload for subscription `id`. `seq` starts at 1 and increases by one per payload produced;
   * a gap means the bridge dropped older payloads under backpressure (latest wins).
   */
  | { kind: 'event'; id: number; seq: number; payload: unknown }
  /** The subscription ended on the server side (e.g. its parameters became invalid). */
  | { kind: 'ended'; id: number; error?: WireError };
