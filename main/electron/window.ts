import { BrowserWindow, type Session, type WebContents, type WebPreferences } from 'electron';
import { APP_HOST, APP_ORIGIN, APP_SCHEME } from '../../preload/contract/index.js';

/**
 * The renderer's posture (Electron security checklist items 2–10, security.md SEC-01). Nothing here
 * is left to Electron's defaults, so a change of default cannot weaken it silently.
 */
export function webPreferences(preloadPath: string, session: Session, isPackaged: boolean): WebPreferences {
  return {
    preload: preloadPath,
    session,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: !isPackaged,
  };
}

/**
 * True when `url` is a page of the app itself (app://slicewise/…), compared with a URL parser. Node's
 * URL gives non-special schemes the opaque origin "null", so scheme and host are compared instead.
 */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/**
 * Applied to every webContents the app ever creates: no navigation away from the app, no new
 * windows, no <webview> (checklist items 12–14). Links in cluster data must never steer the window.
 */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Denies every permission request and check (checklist item 5): Slicewise needs none. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

export function createMainWindow(options: { preloadPath: string; session: Session; isPackaged: boolean }): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Slicewise',
    show: false,
    backgroundColor: '#111418',
    webPreferences: webPreferences(options.preloadPath, options.session, options.isPackaged),
  });
  hardenWebContents(window.webContents);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}
