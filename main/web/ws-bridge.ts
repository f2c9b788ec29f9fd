import type { WebSocket, RawData } from 'ws';
import type { ClientMessage, ServerMessage } from '../../preload/contract/index.js';
import type { Dispatcher } from '../core/dispatch.js';
import { AppError, toWireError } from '../util/app-error.js';
import type { Disposable } from '../util/disposable.js';
import type { Logger } from '../util/log.js';

/** Above this many queued bytes on a socket, event payloads are held back and only the latest kept. */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;
const DRAIN_POLL_MS = 25;
/** Subscriptions per page; far above what the views need, low enough to bound a runaway page. */
const MAX_SUBSCRIPTIONS = 512;

interface Subscription {
  disposable: Disposable | null;
  seq: number;
  pending: unknown;
  hasPending: boolean;
}

/**
 * Binds one browser page's WebSocket to the core: the same envelopes as the desktop IPC, one
 * multiplexed socket per page. Everything the page started is disposed when the socket closes.
 */
export function bindWebSocket(socket: WebSocket, dispatcher: Dispatcher, log: Logger): Disposable {
  const subscriptions = new Map<number, Subscription>();
  let drainTimer: NodeJS.Timeout | null = null;
  let closed = false;

  const send = (message: ServerMessage): void => {
    if (closed || socket.readyState !== socket.OPEN) return;
    socket.send(JSON.stringify(message));
  };

  const flushPending = (): void => {
    drainTimer = null;
    if (closed) return;
    for (const [id, sub] of subscriptions) {
      if (socket.bufferedAmount > HIGH_WATER_BYTES) break;
      if (sub.hasPending) {
        sub.hasPending = false;
        send({ kind: 'event', id, seq: sub.seq, payload: sub.pending });
        sub.pending = undefined;
      }
    }
    if ([...subscriptions.values()].some((sub) => sub.hasPending)) drainTimer = setTimeout(flushPending, DRAIN_POLL_MS);
  };

  const emitFor = (id: number, sub: Subscription) => (payload: unknown) => {
    sub.seq += 1;
    if (socket.bufferedAmount > HIGH_WATER_BYTES || sub.hasPending) {
      sub.pending = payload;
      sub.hasPending = true;
      drainTimer ??= setTimeout(flushPending, DRAIN_POLL_MS);
      return;
    }
    send({ kind: 'event', id, seq: sub.seq, payload });
  };

  const handle = async (message: ClientMessage): Promise<void> => {
    switch (message.kind) {
      case 'call': {
        const outcome = await dispatcher.call(message.method, message.arg);
        send(outcome.ok ? { kind: 'result', id: message.id, ok: true, result: outcome.result } : { kind: 'result', id: message.id, ok: false, error: outcome.error });
        return;
      }
      case 'subscribe': {
        if (subscriptions.has(message.id)) {
          send({ kind: 'result', id: message.id, ok: false, error: { code: 'bad-request', message: 'Subscription id already in use.' } });
          return;
        }
        if (subscriptions.size >= MAX_SUBSCRIPTIONS) {
          send({ kind: 'result', id: message.id, ok: false, error: { code: 'limit', message: `More than ${MAX_SUBSCRIPTIONS} subscriptions on one page.` } });
          return;
        }
        let start: (emit: (payload: unknown) => void) => Disposable;
        try {
          start = dispatcher.prepareSubscription(message.topic, message.params);
        } catch (error) {
          send({ kind: 'result', id: message.id, ok: false, error: toWireError(error) });
          return;
        }
        const sub: Subscription = { disposable: null, seq: 0, pending: undefined, hasPending: false };
        subscriptions.set(message.id, sub);
        log.debug(`page subscribed to ${message.topic}`);
        // Acknowledge first so that the page sees the result before the first payload.
        send({ kind: 'result', id: message.id, ok: true, result: null });
        try {
          sub.disposable = start(emitFor(message.id, sub));
        } catch (error) {
          subscriptions.delete(message.id);
          log.error(`starting ${message.topic} failed`, error);
          send({ kind: 'ended', id: message.id, error: toWireError(error) });
        }
        return;
      }
      case 'unsubscribe': {
        const sub = subscriptions.get(message.id);
        subscriptions.delete(message.id);
        await sub?.disposable?.dispose();
        return;
      }
    }
  };

  const onMessage = (data: RawData, isBinary: boolean): void => {
    let message: ClientMessage;
    try {
      if (isBinary) throw new AppError('bad-request', 'binary messages are not part of the protocol');
      message = parseClientMessage(data.toString());
    } catch (error) {
      log.warn('dropping a malformed message from a page', toWireError(error).message);
      return;
    }
    handle(message).catch((error) => log.error('handling a page message failed', error));
  };

  const dispose = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    if (drainTimer) clearTimeout(drainTimer);
    socket.off('message', onMessage);
    const subs = [...subscriptions.values()];
    subscriptions.clear();
    await Promise.allSettled(subs.map((sub) => sub.disposable?.dispose()));
  };

  socket.on('message', onMessage);
  socket.on('close', () => void dispose());
  socket.on('error', (error) => log.debug('page socket error', error.message));
  return { dispose };
}

/** Parses and shape-checks one envelope; the dispatcher checks names and arguments afterwards. */
export function parseClientMessage(text: string): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('bad-request', 'message is not JSON');
  }
  if (typeof value !== 'object' || value === null) throw new AppError('bad-request', 'message is not an object');
  const record = value as Record<string, unknown>;
  if (!Number.isSafeInteger(record.id)) throw new AppError('bad-request', 'message has no integer id');
  const id = record.id as number;
  switch (record.kind) {
    case 'call':
      return { kind: 'call', id, method: String(record.method), arg: record.arg ?? null };
    case 'subscribe':
      return { kind: 'subscribe', id, topic: String(record.topic), params: record.params ?? null };
    case 'unsubscribe':
      return { kind: 'unsubscribe', id };
    default:
      throw new AppError('bad-request', 'unknown message kind');
  }
}
