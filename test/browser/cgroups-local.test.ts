// "This machine" in browser mode: the same Node and Cgroups views over this host's /proc and
// /sys/fs/cgroup, read directly (no cluster). The oracle for what must be listed is the local
// reader's own walk of the hierarchies, run here in the test process on the same machine.
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listLocalCgroupIds } from '../../main/transport/local-host/cgroup-reader.js';
import { detectCgroupLayout } from '../../main/transport/local-host/cgroup-layout.js';
import { openBrowser, type BrowserSession } from '../helpers/browser.js';
import { startWebMode, type WebMode } from '../helpers/web-mode.js';

describe('browser: this machine in the Node and Cgroups views', () => {
  let web: WebMode;
  let browser: BrowserSession;

  beforeAll(async () => {
    web = await startWebMode([], { KUBECONFIG: '/nonexistent/kubeconfig' });
    browser = await openBrowser({ viewport: { width: 1500, height: 1100 } });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  it('shows this machine’s cgroups in the same view as a node’s, with charts of a selected cgroup', async () => {
    const { page } = browser;
    await page.goto(web.url);
    const picker = page.getByTestId('context-picker');
    await picker.locator('option[value=local]').waitFor({ state: 'attached' });
    await picker.selectOption('local');
    await expect.poll(() => page.getByTestId('session-status').textContent()).toBe('This machine');

    await page.goto(`${web.url}#/node/${encodeURIComponent(hostname())}`);
    await page.getByTestId('node-view').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('node-memory').textContent(), { timeout: 30_000 }).toMatch(/available/);
    await browser.screenshot('node-view-local');

    await page.getByRole('link', { name: 'Cgroups of this node →' }).click();
    const view = page.getByTestId('cgroups-view');
    await expect.poll(() => view.getAttribute('data-node')).toBe(hostname());
    const table = page.getByTestId('cgroup-table');
    await table.locator('[role=row][data-key="/"]').waitFor({ timeout: 30_000 });

    // Every top-level cgroup the local reader finds is a line (the first levels start open).
    const topLevel = listLocalCgroupIds().filter((id) => id !== '/' && id.split('/').length === 2);
    expect(topLevel.length).toBeGreaterThan(0);
    await expect.poll(() => table.locator('[role=row][aria-level="2"]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-key'))), { timeout: 30_000 }).toEqual(
      expect.arrayContaining(topLevel.slice(0, 12)),
    );
    const mode = detectCgroupLayout('/sys/fs/cgroup').mode;
    expect(await view.textContent()).toContain(mode === 'hybrid' ? 'cgroup v1 + v2 (hybrid)' : `cgroup ${mode}`);
    expect(await view.textContent()).toContain('0 pods');
    expect(Number(await page.getByTestId('cgroup-map').getAttribute('data-cells'))).toBeGreaterThan(1);

    // The root's charts once two local readings are in (5 s apart).
    await table.locator('[role=row][data-key="/"]').click();
    const charts = page.getByTestId('cgroup-charts');
    await expect.poll(() => charts.getAttribute('data-path')).toBe('/');
    await expect.poll(() => charts.locator('[data-chart-title="Memory"]').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('cgroup-map').getAttribute('data-selected-path')).toBe('/');
    await browser.screenshot('cgroups-view-local');
    expect(browser.problems).toEqual([]);
  });
});
