import { EventEmitter } from 'node:events';

/**
 * A stand-in for the parts of the `electron` module Slicewise uses, recording what the shell does
 * with them. Tests install it with `vi.mock('electron', () => fakeElectron.module)`; the Electron
 * binary cannot be downloaded on these machines, so the shell is verified against this record.
 */
export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  destroyed = false;
  mainFrame: { url: string } = { url: 'app://slicewise/index.html' };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]) {
    this.sent.push({ channel, args });
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export class FakeSession {
  permissionRequestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null;
  permissionCheckHandler: ((...args: unknown[]) => boolean) | null = null;
  devicePermissionHandler: ((...args: unknown[]) => boolean) | null = null;
  readonly protocolHandlers = new Map<string, (request: { url: string }) => Promise<Response>>();
  readonly protocol = {
    handle: (scheme: string, handler: (request: { url: string }) => Promise<Response>) => this.protocolHandlers.set(scheme, handler),
  };
  constructor(
    readonly partition: string,
    readonly options: unknown,
  ) {}
  setPermissionRequestHandler(handler: FakeSession['permissionRequestHandler']) {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['permissionCheckHandler']) {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: FakeSession['devicePermissionHandler']) {
    this.devicePermissionHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  constructor(readonly options: { webPreferences: Record<string, unknown> } & Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  loadFile(): never {
    throw new Error('loadFile must never be used');
  }
  show() {}
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

export function createFakeElectron() {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const sessions: FakeSession[] = [];
  const privilegedSchemes: unknown[] = [];
  const appEvents = new EventEmitter();
  const calls: string[] = [];
  let readyResolve: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (readyResolve = resolve));
  const exposed = new Map<string, unknown>();
  const rendererListeners = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  const invoked: Array<{ channel: string; args: unknown[] }> = [];
  let invokeImpl: (channel: string, ...args: unknown[]) => Promise<unknown> = async () => ({ ok: true, result: null });

  const app = Object.assign(appEvents, {
    isPackaged: false,
    enableSandbox: () => calls.push('enableSandbox'),
    requestSingleInstanceLock: () => true,
    quit: () => calls.push('quit'),
    whenReady: () => ready,
  });

  const module = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: {
      handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) => {
        if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
        handlers.set(channel, handler);
      },
      removeHandler: (channel: string) => handlers.delete(channel),
      on: () => {
        throw new Error('ipcMain.on is not used by Slicewise');
      },
    },
    session: {
      fromPartition: (partition: string, options: unknown) => {
        const created = new FakeSession(partition, options);
        sessions.push(created);
        return created;
      },
      defaultSession: new FakeSession('default', {}),
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => {
        calls.push('registerSchemesAsPrivileged');
        privilegedSchemes.push(...schemes);
      },
    },
    contextBridge: {
      exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value),
    },
    ipcRenderer: {
      on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => rendererListeners.set(channel, listener),
      invoke: (channel: string, ...args: unknown[]) => {
        invoked.push({ channel, args });
        return invokeImpl(channel, ...args);
      },
      send: () => {
        throw new Error('ipcRenderer.send is not used by Slicewise');
      },
    },
  };

  return {
    module,
    handlers,
    sessions,
    privilegedSchemes,
    calls,
    exposed,
    rendererListeners,
    invoked,
    setInvoke(impl: typeof invokeImpl) {
      invokeImpl = impl;
    },
    markReady: () => readyResolve(),
  };
}
