import { app, ipcMain, session, type App } from 'electron';
import { join } from 'node:path';
import { createCore } from '../core/create-core.js';
import { Logger, levelFromEnv, stderrSink } from '../util/log.js';
import { bindIpc } from './ipc-bridge.js';
import { registerAppScheme, serveRenderer } from './protocol.js';
import { createMainWindow, hardenSession, hardenWebContents } from './window.js';

/** In-memory partition: no HTTP cache or storage of cluster responses on disk (security.md §4). */
export const SESSION_PARTITION = 'slicewise';

/**
 * The desktop app's lifecycle. `bundleDir` is the folder of the bundled main (out/main), next to
 * which the build puts preload/ and renderer/.
 */
export function startDesktop(bundleDir: string, electronApp: App = app): void {
  registerAppScheme();
  electronApp.enableSandbox();
  if (!electronApp.requestSingleInstanceLock()) {
    electronApp.quit();
    return;
  }
  electronApp.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  void electronApp.whenReady().then(() => {
    const log = new Logger(stderrSink, levelFromEnv(process.env.SLICEWISE_LOG));
    const core = createCore({ front: 'electron', log, electronVersion: process.versions.electron });
    const appSession = session.fromPartition(SESSION_PARTITION, { cache: false });
    hardenSession(appSession);
    serveRenderer(appSession, join(bundleDir, '..', 'renderer'));
    const ipc = bindIpc(ipcMain, core.dispatcher, log);
    const open = () =>
      createMainWindow({ preloadPath: join(bundleDir, '..', 'preload', 'index.cjs'), session: appSession, isPackaged: electronApp.isPackaged });
    open();
    electronApp.on('second-instance', open);
    electronApp.on('activate', open);
    electronApp.on('window-all-closed', () => electronApp.quit());
    electronApp.on('will-quit', () => {
      void ipc.dispose();
      void core.dispose();
    });
  });
}
