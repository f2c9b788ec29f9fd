// The sandboxed preload: exposes exactly two functions and never `ipcRenderer` itself (checklist
// item 20). Names are checked against the contract here and again in the main process.
import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CHANNELS, PRELOAD_GLOBAL, isApiMethod, isEventTopic, type PreloadApi, type ServerMessage } from './contract/index.js';

const listeners = new Map<number, (message: unknown) => void>();
let nextSubscriptionId = 1;

// The event object is dropped here: it carries `sender`, which would hand the page ipcRenderer.
ipcRenderer.on(IPC_CHANNELS.event, (_event, message: ServerMessage) => {
  if (message && (message.kind === 'event' || message.kind === 'ended')) listeners.get(message.id)?.(message);
});

const api: PreloadApi = {
  call(method, arg) {
    if (!isApiMethod(method)) return Promise.resolve({ ok: false, error: { code: 'bad-request', message: `Unknown call ${String(method)}.` } });
    return ipcRenderer.invoke(IPC_CHANNELS.call, method, arg ?? null);
  },
  async subscribe(topic, params, onEvent) {
    if (!isEventTopic(topic)) {
      onEvent({ kind: 'ended', id: 0, error: { code: 'bad-request', message: `Unknown topic ${String(topic)}.` } });
      return () => undefined;
    }
    const id = nextSubscriptionId++;
    // Registered before asking, so that a payload sent during the request is not lost.
    listeners.set(id, (message) => onEvent(message));
    const outcome = (await ipcRenderer.invoke(IPC_CHANNELS.subscribe, id, topic, params ?? null)) as { ok: boolean; error?: unknown };
    if (!outcome.ok) {
      listeners.delete(id);
      onEvent({ kind: 'ended', id, error: outcome.error });
      return () => undefined;
    }
    return () => {
      if (!listeners.delete(id)) return;
      void ipcRenderer.invoke(IPC_CHANNELS.unsubscribe, id);
    };
  },
};

contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, api);
