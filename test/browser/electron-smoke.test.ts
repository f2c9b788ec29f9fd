import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { REPO_ROOT } from '../helpers/fixtures.js';

/** The Electron binary, if this machine has one (it cannot be downloaded on the project's CI machines). */
function electronBinary(): string | null {
  const dir = join(REPO_ROOT, 'node_modules', 'electron');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const path = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
    return existsSync(path) ? path : null;
  }
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const path = join(dir, 'dist', readFileSync(pathFile, 'utf8'));
  return existsSync(path) ? path : null;
}

const binary = electronBinary();
if (!binary) console.log('skipped: Electron binary not installed');

describe('desktop app smoke test (Playwright _electron)', () => {
  it.skipIf(!binary)('opens one sandboxed window on app:// that renders app.info', async () => {
    const app = await electron.launch({ executablePath: binary ?? undefined, args: [REPO_ROOT, '--no-sandbox'], cwd: REPO_ROOT });
    try {
      const window = await app.firstWindow();
      await window.getByTestId('app-info').waitFor();
      expect(await window.getByTestId('app-info').textContent()).toContain('desktop app');
      expect(await window.evaluate(() => location.protocol)).toBe('app:');
      expect(await window.evaluate(() => [typeof (globalThis as Record<string, unknown>).require, typeof (globalThis as Record<string, unknown>).process])).toEqual(['undefined', 'undefined']);
      expect(await window.evaluate(() => Object.keys((window as unknown as { slicewise: object }).slicewise).sort())).toEqual(['call', 'subscribe']);
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const contents = BrowserWindow.getAllWindows()[0].webContents as unknown as { getLastWebPreferences(): Record<string, unknown> };
        const p = contents.getLastWebPreferences();
        return { contextIsolation: p.contextIsolation, sandbox: p.sandbox, nodeIntegration: p.nodeIntegration, webSecurity: p.webSecurity };
      });
      expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
    } finally {
      await app.close();
    }
  });
});
