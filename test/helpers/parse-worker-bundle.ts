// The bundled parse worker for tests: out/main/parse-worker.cjs as `npm run build` made it, or, when
// the tests run without a build, the same entry bundled by esbuild into a temporary folder with the
// options build/build.mjs uses.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from './fixtures.js';
import { tempDir } from './processes.js';

export async function parseWorkerBundle(): Promise<{ path: string; built: 'npm run build' | 'esbuild'; remove: () => void }> {
  const built = join(REPO_ROOT, 'out', 'main', 'parse-worker.cjs');
  const source = join(REPO_ROOT, 'main', 'scrape', 'exposition', 'parse-worker.ts');
  if (existsSync(built) && statSync(built).mtimeMs >= statSync(source).mtimeMs) {
    return { path: built, built: 'npm run build', remove: () => undefined };
  }
  const dir = tempDir('slicewise-worker-');
  const path = join(dir.path, 'parse-worker.cjs');
  await build({ entryPoints: [source], outfile: path, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
  return { path, built: 'esbuild', remove: dir.remove };
}
