import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type BrowserSession } from '../helpers/browser.js';
import { startWebMode, type WebMode } from '../helpers/web-mode.js';

describe('browser mode: the app shell', () => {
  let web: WebMode;
  let browser: BrowserSession;

  beforeAll(async () => {
    web = await startWebMode();
    browser = await openBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  it('opens the printed URL and renders the frame with app.info', async () => {
    const { page } = browser;
    await page.goto(web.url);
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    const info = page.getByTestId('app-info');
    await info.waitFor();
    const text = await info.textContent();
    expect(text).toContain('browser mode');
    expect(text).toMatch(/Slicewise \d+\.\d+\.\d+/);
    expect(text).toContain(process.versions.node);
    expect(await page.getByTestId('status-bar').textContent()).toMatch(/Slicewise \d+\.\d+\.\d+ · web/);
    await browser.screenshot('shell-cluster-light');
  });

  it('navigates every view by click and by keyboard', async () => {
    const { page } = browser;
    const labels = ['Cluster', 'Node', 'Cgroups', 'Containers', 'Workloads', 'Targets', 'Explorer'];
    for (const label of labels) {
      await page.getByRole('link', { name: label, exact: true }).click();
      await expect.poll(() => page.getByRole('link', { name: label, exact: true }).getAttribute('aria-current')).toBe('page');
      await expect.poll(() => page.locator('main').getAttribute('data-view')).toBe(label.toLowerCase());
      expect(await page.locator('main h2').first().textContent()).toBe(label === 'Node' ? 'One node, seen whole' : label);
    }
    await page.keyboard.press('Alt+3');
    await expect.poll(() => page.locator('main').getAttribute('data-view')).toBe('cgroups');
    await page.getByRole('link', { name: 'Cgroups', exact: true }).focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Containers');
  });

  it('switches theme: system → light → dark, and follows the OS when on system', async () => {
    const { page } = browser;
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await theme()).toBe('light');
    const lightBackground = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(theme).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(theme).toBe('light');
    await page.getByTestId('theme-toggle').click(); // system → light
    await page.getByTestId('theme-toggle').click(); // light → dark
    await expect.poll(theme).toBe('dark');
    expect(await background()).not.toBe(lightBackground);
    await page.getByRole('link', { name: 'Cluster', exact: true }).click();
    await browser.screenshot('shell-cluster-dark');
    await page.getByTestId('theme-toggle').click(); // dark → system
    await expect.poll(theme).toBe('light');
  });

  it('loads without CSP violations or script errors', () => {
    expect(browser.problems).toEqual([]);
  });
});
