// Builds everything into out/: esbuild bundles the Node side (Electron main, preload, CLI, workers,
// simulator, bench) as CommonJS; Vite builds the Svelte renderer. `--if-needed` skips the build when
// every output is newer than every source file, so `npm start` is fast on the second run.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { existsSync, readFileSync, readdirSync, statSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinModules } from 'node:module';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'out');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const args = new Set(process.argv.slice(2));

/** Node-side bundles: [entry, output, extra options]. */
const nodeEntries = [
  ['main/index.ts', 'main/index.cjs', { external: ['electron'] }],
  ['main/cli/index.ts', 'main/cli.cjs', { banner: { js: '#!/usr/bin/env node' } }],
  ['main/scrape/exposition/parse-worker.ts', 'main/parse-worker.cjs', {}],
  ['preload/index.ts', 'preload/index.cjs', { external: ['electron'], platform: 'node' }],
  ['test/sim/cli.ts', 'test/sim.cjs', {}],
  ['test/sim/demo.ts', 'test/demo.cjs', {}],
  ['test/bench/index.ts', 'test/bench.cjs', {}],
];

const sourceDirs = ['main', 'preload', 'renderer', 'test/sim', 'test/bench', 'build'];
const stampFile = join(out, '.build-stamp');

function newestMtime(dir) {
  let newest = 0;
  const full = join(root, dir);
  if (!existsSync(full)) return 0;
  for (const entry of readdirSync(full, { withFileTypes: true })) {
    const path = join(full, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(relative(root, path)));
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function isUpToDate() {
  if (!existsSync(stampFile)) return false;
  const built = statSync(stampFile).mtimeMs;
  const sources = Math.max(...sourceDirs.map(newestMtime), statSync(join(root, 'package.json')).mtimeMs);
  return sources < built;
}

async function buildNode() {
  const external = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
  await Promise.all(
    nodeEntries
      .filter(([entry]) => existsSync(join(root, entry)))
      .map(([entry, output, extra]) =>
        esbuild({
          entryPoints: [join(root, entry)],
          outfile: join(out, output),
          bundle: true,
          platform: 'node',
          target: 'node20',
          format: 'cjs',
          sourcemap: true,
          logLevel: 'warning',
          define: { __SLICEWISE_VERSION__: JSON.stringify(pkg.version), 'import.meta.url': '__import_meta_url' },
          inject: [join(root, 'build/import-meta-url.js')],
          ...extra,
          external: [...external, ...(extra.external ?? [])],
        }),
      ),
  );
}

async function buildRenderer() {
  await viteBuild({ configFile: join(root, 'build/vite.renderer.config.ts'), logLevel: 'warn' });
}

if (args.has('--if-needed') && isUpToDate()) process.exit(0);

const started = Date.now();
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await Promise.all([buildNode(), buildRenderer()]);
writeFileSync(stampFile, new Date().toISOString());
process.stderr.write(`built out/ in ${Date.now() - started} ms\n`);
