import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, FakeSession, FakeWebContents, type FakeElectron } from '../../../helpers/fake-electron.js';

const fake = vi.hoisted(() => ({ electron: null as unknown as FakeElectron }));
vi.mock('electron', async () => {
  const { createFakeElectron: create } = await import('../../../helpers/fake-electron.js');
  fake.electron = create();
  return fake.electron.module;
});

const { createMainWindow, hardenSession, hardenWebContents, isAppUrl, webPreferences } = await import('../../../../main/electron/window.js');

describe('Electron window posture', () => {
  beforeEach(() => {
    FakeBrowserWindow.instances.length = 0;
  });

  it('sets every security-relevant web preference explicitly', () => {
    const session = new FakeSession('slicewise', {});
    const prefs = webPreferences('/app/preload/index.cjs', session as never, true);
    expect(prefs).toMatchObject({
      preload: '/app/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      devTools: false,
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs.session).toBe(session);
    expect(webPreferences('/p', session as never, false).devTools).toBe(true);
  });

  it('loads the renderer from the app:// origin, never a file or remote URL', () => {
    const session = new FakeSession('slicewise', {});
    const window = createMainWindow({ preloadPath: '/x/preload.cjs', session: session as never, isPackaged: true }) as unknown as FakeBrowserWindow;
    expect(window.loadedUrl).toBe('app://slicewise/index.html');
    expect(window.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, devTools: false });
  });

  it('compares origins with a URL parser', () => {
    expect(isAppUrl('app://slicewise/index.html')).toBe(true);
    expect(isAppUrl('app://slicewise/#/cgroups')).toBe(true);
    expect(isAppUrl('app://slicewise.evil.com/index.html')).toBe(false);
    expect(isAppUrl('https://slicewise/index.html')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('javascript:alert(1)')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('blocks navigation away from the app, new windows and webviews', () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as never);
    const navigate = (event: string, url: string) => {
      const preventDefault = vi.fn();
      contents.emit(event, { preventDefault }, url);
      return preventDefault.mock.calls.length > 0;
    };
    expect(navigate('will-navigate', 'https://example.com')).toBe(true);
    expect(navigate('will-navigate', 'file:///home/user/.kube/config')).toBe(true);
    expect(navigate('will-navigate', 'app://slicewise/index.html#/node')).toBe(false);
    expect(navigate('will-redirect', 'https://example.com')).toBe(true);
    const attach = vi.fn();
    contents.emit('will-attach-webview', { preventDefault: attach }, {}, {});
    expect(attach).toHaveBeenCalled();
    expect(contents.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'app://slicewise/index.html' })).toEqual({ action: 'deny' });
  });

  it('denies every permission request and check', () => {
    const session = new FakeSession('slicewise', {});
    hardenSession(session as never);
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'hid', 'openExternal']) {
      const callback = vi.fn();
      session.permissionRequestHandler?.({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
      expect(session.permissionCheckHandler?.({}, permission, 'app://slicewise', {})).toBe(false);
    }
    expect(session.devicePermissionHandler?.({})).toBe(false);
  });
});
