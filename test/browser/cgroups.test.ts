import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openBrowser, type BrowserSession } from '../helpers/browser.js';
import { startWebMode, type WebMode } from '../helpers/web-mode.js';
import { startSimulator, type Simulator } from '../helpers/sim.js';

// minikube-m03 replays a Kubernetes 1.20 kubelet: systemd driver, cgroup v1, Docker scopes.
const NODE = 'minikube-m03';
const KUBEPODS = '/kubepods.slice';
const BURSTABLE = '/kubepods.slice/kubepods-burstable.slice';

const UNITS: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };

/** Inverse of the renderer's formatBytes ("1.50 GiB" → bytes); null for "—". */
function parseBytes(text: string): number | null {
  const match = /^([\d.]+) (B|KiB|MiB|GiB|TiB)$/.exec(text.trim());
  return match ? Number(match[1]) * UNITS[match[2]] : null;
}

function line(table: Locator, path: string): Locator {
  return table.locator(`[role=row][data-key="${path}"]`);
}

async function keysOf(locator: Locator): Promise<string[]> {
  return locator.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-key') ?? ''));
}

interface DrawnCell {
  path: string;
  x: number;
  y: number;
  width: number;
  height: number;
  depth: number;
  colour: string;
}

/** The cells the map drew (its canvas lists them for automation), in CSS pixels from the canvas' corner. */
async function drawnCells(map: Locator): Promise<DrawnCell[]> {
  return map.locator('canvas').evaluate((canvas) =>
    ((canvas as HTMLCanvasElement & { cgroupCells: () => DrawnCell[] }).cgroupCells() ?? []).map(({ path, x, y, width, height, depth, colour }) => ({ path, x, y, width, height, depth, colour })),
  );
}

/** A real mouse click in the middle of a map cell (the top 20 px of a tall one, below its children's band). */
async function clickCell(page: Page, map: Locator, path: string): Promise<void> {
  const cell = (await drawnCells(map)).find((candidate) => candidate.path === path);
  expect(cell, `map cell ${path}`).toBeDefined();
  const box = await map.locator('canvas').boundingBox();
  await page.mouse.click(box!.x + cell!.x + cell!.width / 2, box!.y + cell!.y + Math.min(cell!.height / 2, 10));
}

/** Waits for the view to show a newer payload than the one it shows now. */
async function nextUpdate(page: Page): Promise<void> {
  const view = page.getByTestId('cgroups-view');
  const before = await view.getAttribute('data-ts');
  await expect.poll(() => view.getAttribute('data-ts'), { timeout: 30_000 }).not.toBe(before);
}

describe('browser: the Cgroups view on the demo cluster', () => {
  let sim: Simulator;
  let web: WebMode;
  let browser: BrowserSession;

  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'demo', processes: false, secondCluster: false });
    web = await startWebMode(['--kubeconfig', sim.kubeconfigPath, '--context', 'token', '--scrape-interval-ms', '2000']);
    browser = await openBrowser({ viewport: { width: 1500, height: 1100 } });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await sim?.stop();
  });

  it('goes from the Node view to the node’s cgroups, expands kubepods → burstable → a pod → a container, sorts by memory and charts it', async () => {
    const { page } = browser;
    await page.goto(`${web.url}#/node/${NODE}`);
    await page.getByTestId('node-view').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('node-cpu').textContent(), { timeout: 30_000 }).toMatch(/\d/);
    await browser.screenshot('node-view-demo');

    await page.getByRole('link', { name: 'Cgroups of this node →' }).click();
    await expect.poll(() => page.locator('main').getAttribute('data-view')).toBe('cgroups');
    const table = page.getByTestId('cgroup-table');
    await line(table, '/').waitFor({ timeout: 60_000 });
    // Two readings in: CPU in cores (the header says "CPU time" before).
    await expect.poll(() => table.locator('[role=columnheader][data-column=cpu]').textContent(), { timeout: 30_000 }).toMatch(/^CPU(?! time)/);
    const view = page.getByTestId('cgroups-view');
    expect(await view.textContent()).toContain('systemd driver');
    expect(await view.textContent()).toContain('cgroup v1 (inferred)');

    // kubepods and the QoS levels start open; close kubepods with its toggle, open it with → .
    await expect.poll(() => line(table, BURSTABLE).count()).toBe(1);
    await line(table, KUBEPODS).getByRole('button', { name: 'Collapse' }).click();
    await expect.poll(() => line(table, BURSTABLE).count()).toBe(0);
    await line(table, KUBEPODS).click();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => line(table, BURSTABLE).getAttribute('aria-expanded')).toBe('true');

    // A burstable pod (closed, like every pod at first) with an application container, not only its sandbox.
    const pods = table.locator(`[role=row][aria-level="4"][data-key^="${BURSTABLE}/"]`);
    await expect.poll(() => pods.count()).toBeGreaterThan(3);
    const closedPods = await keysOf(table.locator(`[role=row][aria-level="4"][aria-expanded=false][data-key^="${BURSTABLE}/"]`));
    expect(closedPods.length).toBeGreaterThan(3);
    const podKey = closedPods[0];
    const pod = line(table, podKey);
    await pod.click();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => pod.getAttribute('aria-expanded')).toBe('true');
    const children = table.locator(`[role=row][aria-level="5"][data-key^="${podKey}/"]`);
    await expect.poll(() => children.count()).toBeGreaterThanOrEqual(2);
    let containerKey: string | undefined;
    for (const key of await keysOf(children)) {
      const name = await line(table, key).locator('[data-column=name] .name').textContent();
      if (name !== 'sandbox') containerKey = key;
    }
    expect(containerKey, 'an application container under the pod').toBeDefined();
    // ↓ walks the lines; Enter selects the container.
    for (let step = 0; step < 10 && (await table.locator('.line.active').getAttribute('data-key')) !== containerKey; step++) await page.keyboard.press('ArrowDown');
    expect(await table.locator('.line.active').getAttribute('data-key')).toBe(containerKey);
    await page.keyboard.press('Enter');
    await expect.poll(() => line(table, containerKey!).getAttribute('aria-selected')).toBe('true');

    // Its charts: CPU and memory at least, for that very cgroup.
    const charts = page.getByTestId('cgroup-charts');
    await expect.poll(() => charts.getAttribute('data-path')).toBe(containerKey);
    await expect.poll(() => charts.locator('[data-testid=chart]').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    expect(await charts.locator('[data-chart-title="CPU"]').count()).toBe(1);
    expect(await charts.locator('[data-chart-title="Memory"]').count()).toBe(1);

    // Sorting by memory orders the burstable pods by working set, largest first ("—" last).
    await table.locator('[role=columnheader][data-column=memory]').click();
    expect(await table.locator('[role=columnheader][data-column=memory]').getAttribute('aria-sort')).toBe('descending');
    const memory = await Promise.all((await keysOf(pods)).map(async (key) => parseBytes((await line(table, key).locator('[data-column=memory]').textContent()) ?? '')));
    const known = memory.filter((value): value is number => value !== null);
    expect(known.length).toBeGreaterThan(3);
    // formatBytes keeps three significant digits, so neighbours can print alike; order must hold within that.
    for (let i = 1; i < known.length; i++) expect(known[i]).toBeLessThanOrEqual(known[i - 1] * 1.005);
    expect(memory.indexOf(null) === -1 || memory.slice(memory.indexOf(null)).every((value) => value === null)).toBe(true);
    await browser.screenshot('cgroups-view-demo');
  });

  it('keeps the map and the table on the same cgroup, whichever is clicked', async () => {
    const { page } = browser;
    const table = page.getByTestId('cgroup-table');
    const map = page.getByTestId('cgroup-map');
    await page.getByTestId('map-size-memory').click();
    await expect.poll(() => map.getAttribute('data-size')).toBe('memory');
    const selected = await table.locator('[role=row][aria-selected=true]').getAttribute('data-key');
    expect(selected).toBeTruthy();
    // Table → map: the map outlines the selected cgroup.
    await expect.poll(() => map.getAttribute('data-selected-path')).toBe(selected);

    // Map → table: another pod picked on the map is selected in the table, opened up to and scrolled into view.
    const cells = await drawnCells(map);
    const podCells = cells.filter((cell) => cell.depth === 3 && cell.path.startsWith(`${BURSTABLE}/`) && !selected!.startsWith(cell.path));
    const target = podCells.sort((a, b) => b.width - a.width)[0];
    expect(target?.width).toBeGreaterThan(4);
    await clickCell(page, map, target.path);
    await expect.poll(() => line(table, target.path).getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => map.getAttribute('data-selected-path')).toBe(target.path);
    expect(await page.getByTestId('cgroup-charts').getAttribute('data-path')).toBe(target.path);
    await expect(line(table, target.path).isVisible()).resolves.toBe(true);

    // A container inside a closed pod: the map opens the way to it in the table.
    let containerPath: string | undefined;
    for (const cell of (await drawnCells(map)).filter((candidate) => candidate.depth === 4 && candidate.path.startsWith(`${BURSTABLE}/`) && candidate.width > 2)) {
      if ((await line(table, cell.path.slice(0, cell.path.lastIndexOf('/'))).getAttribute('aria-expanded')) === 'false') containerPath = cell.path;
    }
    expect(containerPath, 'a container of a closed pod drawn on the map').toBeDefined();
    await clickCell(page, map, containerPath!);
    await expect.poll(() => line(table, containerPath!).getAttribute('aria-selected')).toBe('true');
    expect(await line(table, containerPath!.slice(0, containerPath!.lastIndexOf('/'))).getAttribute('aria-expanded')).toBe('true');

    // Arrow keys on the map walk the tree: up selects the pod in both.
    await map.locator('canvas').focus();
    await page.keyboard.press('ArrowUp');
    const pod = containerPath!.slice(0, containerPath!.lastIndexOf('/'));
    await expect.poll(() => map.getAttribute('data-selected-path')).toBe(pod);
    await expect.poll(() => line(table, pod).getAttribute('aria-selected')).toBe('true');

    // Colour by QoS: burstable pods say so.
    await page.getByTestId('map-colour-qos').click();
    await expect.poll(async () => (await drawnCells(map)).find((cell) => cell.path === target.path)?.colour).toBe('qos-burstable');
    await browser.screenshot('cgroups-map-qos-demo');
  });

  it('keeps expansion, selection and scroll across live updates; / searches', async () => {
    const { page } = browser;
    const table = page.getByTestId('cgroup-table');
    const body = table.locator('.body');
    await table.locator('[role=columnheader][data-column=name]').click();
    await line(table, BURSTABLE).click();
    const lastLine = () => table.locator('[role=row][data-key]').last().getAttribute('aria-rowindex');
    const lastBefore = await lastLine();
    await body.evaluate((element) => (element.scrollTop = 60));
    const scrollBefore = await body.evaluate((element) => element.scrollTop);
    // Only lines in view are in the DOM: record them once the scrolled window is drawn.
    await expect.poll(lastLine).not.toBe(lastBefore);
    const expandedBefore = await keysOf(table.locator('[role=row][aria-expanded=true]'));
    const selectedBefore = await table.locator('[role=row][aria-selected=true]').getAttribute('data-key');
    expect(scrollBefore).toBeGreaterThan(0);
    await nextUpdate(page);
    await nextUpdate(page);
    expect(await keysOf(table.locator('[role=row][aria-expanded=true]'))).toEqual(expandedBefore);
    expect(await table.locator('[role=row][aria-selected=true]').getAttribute('data-key')).toBe(selectedBefore);
    expect(await body.evaluate((element) => element.scrollTop)).toBe(scrollBefore);

    // `/` focuses the search; matches show with their ancestors, Escape restores the tree.
    await table.focus();
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('cgroups-search');
    await page.keyboard.type('coredns');
    const visible = await keysOf(table.locator('[role=row]'));
    expect(visible.length).toBeGreaterThan(2);
    const names = await table.locator('[role=row] [data-column=name] .name').allTextContents();
    expect(names.some((name) => name.includes('coredns'))).toBe(true);
    expect(names).not.toContain('system.slice');
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('cgroups-search').inputValue()).toBe('');
    // Only lines in view are in the DOM: compare at the same scroll position.
    await body.evaluate((element, top) => (element.scrollTop = top), scrollBefore);
    await expect.poll(() => keysOf(table.locator('[role=row][aria-expanded=true]'))).toEqual(expandedBefore);
  });

  it('pauses on z or the button: the view holds still while readings arrive, and resumes with the newest', async () => {
    const { page } = browser;
    const view = page.getByTestId('cgroups-view');
    const pause = page.getByTestId('cgroups-pause');
    await nextUpdate(page);
    await page.getByTestId('cgroup-table').focus();
    await page.keyboard.press('z');
    expect(await pause.getAttribute('aria-pressed')).toBe('true');
    const frozen = await view.getAttribute('data-ts');
    // Readings keep coming (the button counts them) while the view shows the one it had.
    await expect.poll(() => pause.textContent(), { timeout: 30_000 }).toMatch(/^Resume \(\d+ new\)$/);
    expect(await view.getAttribute('data-ts')).toBe(frozen);
    expect(await page.getByTestId('cgroups-totals').textContent()).toContain('paused');
    await pause.click();
    expect(await pause.textContent()).toBe('Pause');
    await expect.poll(() => view.getAttribute('data-ts')).not.toBe(frozen);
    expect(Number(await view.getAttribute('data-ts'))).toBeGreaterThan(Number(frozen));
  });

  it('loads without CSP violations or script errors', () => {
    expect(browser.problems).toEqual([]);
  });
});
