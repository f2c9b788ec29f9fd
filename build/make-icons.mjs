// Renders build/resources/icon.svg to the PNG sizes electron-builder wants (run by hand after the SVG
// changes; the PNGs are committed because packaging machines need no browser).
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const resources = fileURLToPath(new URL('./resources/', import.meta.url));
const svg = readFileSync(`${resources}icon.svg`, 'utf8');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
for (const size of [16, 32, 64, 128, 256, 512, 1024]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
  await page.screenshot({ path: `${resources}icons/${size}x${size}.png`, omitBackground: true });
  await page.close();
}
await browser.close();
