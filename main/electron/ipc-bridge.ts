import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_CHANNELS, type ServerMessage } from '../../preload/contract/index.js';
import type { Dispatcher } from '../core/dispatch.js';
import { toWireError } from '../util/app-error.js';
import { toDisposable, type Disposable } from '../util/disposable.js';
import type { Logger } from '../util/log.js';
import { isAppUrl } from './window.js';

/**
 * Only the app's own top-level frame may talk to the core (checklist item 17): a frame from any
 * other origin, a subframe or a frame that is already gone is refused.
 */
export function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!frame) return false;
  if (frame !== event.sender.mainFrame) return false;
  return isAppUrl(frame.url);
}

const UNTRUSTED = { ok: false, error: { code: 'forbidden', message: 'This frame may not use Slicewise.' } } as const;

/**
 * Binds the contract to ipcMain. This is the only module that calls `ipcMain.handle` (lint rule).
 * Calls answer `{ok, result | error}` instead of throwing, because Electron flattens thrown errors
 * into strings. Subscriptions are keyed by the renderer's id and owned by the sending webContents.
 */
export function bindIpc(ipcMain: IpcMain, dispatcher: Dispatcher, log: Logger): Disposable {
  const subscriptionsByContents = new Map<number, Map<number, Disposable>>();

  const subscriptionsOf = (contents: WebContents): Map<number, Disposable> => {
    let subs = subscriptionsByContents.get(contents.id);
    if (!subs) {
      subs = new Map();
      subscriptionsByContents.set(contents.id, subs);
      const release = () => {
        const owned = subscriptionsByContents.get(contents.id);
        subscriptionsByContents.delete(contents.id);
        for (const sub of owned?.values() ?? []) void sub.dispose();
      };
      contents.once('destroyed', release);
      // A reload starts a new page with new ids; the old page's subscriptions must not linger.
      contents.on('did-start-navigation', (details) => {
        if (details.isMainFrame && !details.isSameDocument) release();
      });
    }
    return subs;
  };

  ipcMain.handle(IPC_CHANNELS.call, async (event, method: unknown, arg: unknown) => {
    if (!isTrustedSender(event)) return UNTRUSTED;
    return dispatcher.call(method, arg);
  });

  ipcMain.handle(IPC_CHANNELS.subscribe, (event, id: unknown, topic: unknown, params: unknown) => {
    if (!isTrustedSender(event)) return UNTRUSTED;
    if (!Number.isSafeInteger(id)) return { ok: false, error: { code: 'bad-request', message: 'Subscription id must be an integer.' } };
    const subs = subscriptionsOf(event.sender);
    const subId = id as number;
    if (subs.has(subId)) return { ok: false, error: { code: 'bad-request', message: 'Subscription id already in use.' } };
    let start;
    try {
      start = dispatcher.prepareSubscription(topic, params);
    } catch (error) {
      return { ok: false, error: toWireError(error) };
    }
    const sender = event.sender;
    let seq = 0;
    const send = (message: ServerMessage) => {
      if (!sender.isDestroyed()) sender.send(IPC_CHANNELS.event, message);
    };
    try {
      subs.set(subId, start((payload) => send({ kind: 'event', id: subId, seq: ++seq, payload })));
    } catch (error) {
      log.error('starting a subscription failed', error);
      return { ok: false, error: toWireError(error) };
    }
    return { ok: true, result: subId };
  });

  ipcMain.handle(IPC_CHANNELS.unsubscribe, async (event, id: unknown) => {
    if (!isTrustedSender(event)) return UNTRUSTED;
    const subs = subscriptionsByContents.get(event.sender.id);
    const sub = typeof id === 'number' ? subs?.get(id) : undefined;
    if (sub) {
      subs?.delete(id as number);
      await sub.dispose();
    }
    return { ok: true, result: null };
  });

  return toDisposable(async () => {
    ipcMain.removeHandler(IPC_CHANNELS.call);
    ipcMain.removeHandler(IPC_CHANNELS.subscribe);
    ipcMain.removeHandler(IPC_CHANNELS.unsubscribe);
    const all = [...subscriptionsByContents.values()].flatMap((subs) => [...subs.values()]);
    subscriptionsByContents.clear();
    await Promise.allSettled(all.map((sub) => sub.dispose()));
  });
}
