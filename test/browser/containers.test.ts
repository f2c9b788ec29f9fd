import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type BrowserSession } from '../helpers/browser.js';
import { startWebMode, type WebMode } from '../helpers/web-mode.js';
import { startSimulator, type Simulator } from '../helpers/sim.js';

describe('browser: the Containers view', () => {
  let sim: Simulator;
  let web: WebMode;
  let browser: BrowserSession;

  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'minimal', processes: false, secondCluster: false });
    web = await startWebMode(['--kubeconfig', sim.kubeconfigPath, '--context', 'token', '--scrape-interval-ms', '1000']);
    browser = await openBrowser({ viewport: { width: 1500, height: 1100 } });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await sim?.stop();
  });

  it('lists every container of the node with requests and limits, sorts, and charts a selected one', async () => {
    const { page } = browser;
    await page.goto(`${web.url}#/containers/datagen-1-35`);
    const grid = page.getByRole('grid', { name: 'Containers' });
    await grid.waitFor({ timeout: 60_000 });
    // One row per container of every pod spec on the node (the dump's pods, node-exporter, kube-state-metrics
    // with its log-shipper sidecar, 2 × nginx + exporter); kube-state-metrics' finished init container is left out.
    const pods = sim.objects.list('pods') as unknown as { spec: { nodeName?: string; containers: unknown[]; initContainers?: { restartPolicy?: string }[] } }[];
    const onNode = pods.filter((pod) => pod.spec.nodeName === 'datagen-1-35');
    const sidecars = onNode.reduce((sum, pod) => sum + (pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').length, 0);
    expect(sidecars).toBe(1);
    const expected = onNode.reduce((sum, pod) => sum + pod.spec.containers.length, 0) + sidecars;
    expect(expected).toBeGreaterThan(20);
    const summary = page.getByTestId('containers-summary');
    await expect.poll(() => summary.textContent(), { timeout: 30_000 }).toContain(`${expected} containers`);

    // The filter narrows to the nginx pods; their spec says cpu 50m request, no CPU limit, memory 64Mi / 128Mi.
    await page.getByRole('searchbox', { name: 'Filter containers' }).fill('web/');
    const nginxRows = grid.locator('[role=row][data-key$="/nginx"]');
    await expect.poll(() => nginxRows.count(), { timeout: 30_000 }).toBe(2);
    const cells = nginxRows.first().locator('[role=gridcell]');
    expect(await cells.nth(3).textContent()).toBe('50m / —');
    expect(await cells.nth(6).textContent()).toBe('64.0 MiB / 128 MiB');
    // Measured once two scrapes are in: CPU and the pod's network have figures, not "—".
    await expect.poll(() => cells.nth(2).textContent(), { timeout: 30_000 }).not.toBe('—');
    await expect.poll(() => cells.nth(8).textContent(), { timeout: 30_000 }).toMatch(/B\/s$/);

    // The sidecar is a row of its own, marked, with its own cgroup's figures; the finished init container is not.
    await page.getByRole('searchbox', { name: 'Filter containers' }).fill('sidecar');
    const sidecarRow = grid.locator('[role=row][data-key$="/log-shipper"]');
    await expect.poll(() => sidecarRow.count(), { timeout: 30_000 }).toBe(1);
    expect(await sidecarRow.locator('[role=gridcell]').first().textContent()).toBe('log-shipper · sidecar');
    expect(await sidecarRow.locator('[role=gridcell]').nth(3).textContent()).toBe('5.00m / —');
    await expect.poll(() => sidecarRow.locator('[role=gridcell]').nth(2).textContent(), { timeout: 30_000 }).not.toBe('—');
    await page.getByRole('searchbox', { name: 'Filter containers' }).fill('wait-for-apiserver');
    await expect.poll(() => grid.locator('[role=row][data-key]').count(), { timeout: 10_000 }).toBe(0);

    // Sorting by memory puts the larger working set first.
    await page.getByRole('searchbox', { name: 'Filter containers' }).fill('');
    await grid.getByRole('columnheader', { name: 'Memory' }).click();
    const firstKey = await grid.locator('[role=row][data-key]').first().getAttribute('data-key');
    expect(firstKey).toBe('kube-system/kube-apiserver-datagen-1-35/kube-apiserver');

    // A row opens its charts: CPU and memory with the request/limit lines, network, IO.
    await page.getByRole('searchbox', { name: 'Filter containers' }).fill('web/');
    await nginxRows.first().click();
    const charts = page.getByTestId('container-charts');
    await expect.poll(() => charts.locator('[data-chart]').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    const memoryChart = charts.locator('[data-chart=memory]');
    await expect.poll(async () => (await memoryChart.textContent()) ?? '', { timeout: 30_000 }).toMatch(/working set.*request.*limit/s);
    expect(await charts.locator('[data-chart=network]').count()).toBe(1);
    await page.waitForTimeout(500);
    await browser.screenshot('containers');
  });

  it('loads without CSP violations or script errors', () => {
    expect(browser.problems).toEqual([]);
  });
});
