import { afterAll, describe, expect, it } from 'vitest';
import { openBrowser, type BrowserSession } from '../helpers/browser.js';
import { startWebMode, type WebMode } from '../helpers/web-mode.js';

describe('browser mode: the page survives a server restart', () => {
  let browser: BrowserSession | undefined;
  let web: WebMode | undefined;

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  it('shows the lost-connection banner, reconnects and resubscribes on its own', async () => {
    // A restart keeps port and token only because the test pins them (SLICEWISE_WEB_TOKEN); a user's
    // restarted server prints a new URL.
    const token = 'reconnect-test-token-0123456789abcdefghijklmnop';
    web = await startWebMode([], { SLICEWISE_WEB_TOKEN: token, SLICEWISE_LOG: 'debug' });
    const port = web.port;
    browser = await openBrowser();
    const { page } = browser;
    await page.goto(web.url);
    const status = page.getByTestId('session-status');
    await expect.poll(() => status.textContent()).toBe('No cluster connected');
    expect(web.process.output()).toContain('page subscribed to session.status');

    await web.stop();
    const banner = page.getByRole('status').filter({ hasText: 'Lost the connection to the Slicewise core' });
    await banner.waitFor();
    await browser.screenshot('reconnect-banner');

    web = await startWebMode(['--port', String(port)], { SLICEWISE_WEB_TOKEN: token, SLICEWISE_LOG: 'debug' });
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
    // The new server process saw the page subscribe again, without a reload.
    await expect.poll(() => web?.process.output() ?? '').toContain('page subscribed to session.status');
    await expect.poll(() => status.textContent()).toBe('No cluster connected');
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
  });
});
