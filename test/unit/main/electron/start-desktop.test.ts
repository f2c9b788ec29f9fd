import { describe, expect, it, vi } from 'vitest';
import type { FakeElectron } from '../../../helpers/fake-electron.js';
import { FakeBrowserWindow } from '../../../helpers/fake-electron.js';

const fake = vi.hoisted(() => ({ electron: null as unknown as FakeElectron }));
vi.mock('electron', async () => {
  const { createFakeElectron } = await import('../../../helpers/fake-electron.js');
  fake.electron = createFakeElectron();
  return fake.electron.module;
});

const { startDesktop, SESSION_PARTITION } = await import('../../../../main/electron/start-desktop.js');

describe('desktop startup', () => {
  it('registers the app scheme and the sandbox before ready, then wires a hardened session, IPC and one window', async () => {
    const electron = fake.electron;
    startDesktop('/opt/slicewise/out/main', electron.module.app as never);
    expect(electron.calls).toEqual(['registerSchemesAsPrivileged', 'enableSandbox']);
    expect(electron.privilegedSchemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(electron.handlers.size).toBe(0); // nothing before ready

    electron.markReady();
    await vi.waitFor(() => expect(FakeBrowserWindow.instances).toHaveLength(1));
    const [session] = electron.sessions;
    expect(session.partition).toBe(SESSION_PARTITION);
    expect(session.partition.startsWith('persist:')).toBe(false);
    expect(session.options).toEqual({ cache: false });
    expect(session.permissionRequestHandler).not.toBeNull();
    expect([...session.protocolHandlers.keys()]).toEqual(['app']);
    expect(electron.handlers.size).toBe(3);

    const window = FakeBrowserWindow.instances[0];
    expect(window.loadedUrl).toBe('app://slicewise/index.html');
    expect(window.options.webPreferences.preload).toBe('/opt/slicewise/out/preload/index.cjs');
    expect(window.options.webPreferences.session).toBe(session);

    // Every webContents, not only the main window's, gets the navigation guards.
    const { FakeWebContents } = await import('../../../helpers/fake-electron.js');
    const extra = new FakeWebContents();
    electron.module.app.emit('web-contents-created', {}, extra);
    expect(extra.windowOpenHandler?.({ url: 'https://x' })).toEqual({ action: 'deny' });
  });
});
