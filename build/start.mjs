// `npm start`: build if needed, then open the desktop app. Electron downloads its binary on first use;
// where that cannot happen (no route to github.com, as on the project's CI machines) this says so in
// one line and starts browser mode instead, so `npm ci && npm start` always ends in a working app.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const electronDir = join(root, 'node_modules', 'electron');
const forwardedArgs = process.argv.slice(2);

function run(command, args, options = {}) {
  const child = spawn(command, args, { stdio: 'inherit', cwd: root, ...options });
  const stop = (signal) => child.kill(signal);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  child.on('exit', (code, signal) => process.exit(signal ? 0 : (code ?? 0)));
}

/** Path of the Electron executable, downloading it first when missing; null with a reason if impossible. */
function electronExecutable() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return { path: join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron') };
  const pathFile = join(electronDir, 'path.txt');
  const installed = () => existsSync(pathFile) && existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8')));
  if (!installed()) {
    const attempt = spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, encoding: 'utf8', timeout: 120_000 });
    if (!installed()) {
      const output = `${attempt.stdout ?? ''}${attempt.stderr ?? ''}`;
      const reason = /ENOTFOUND|EAI_AGAIN|fetch failed|ECONNREFUSED|ETIMEDOUT/.test(output)
        ? 'its download from github.com failed: no network route to it'
        : attempt.error?.code === 'ETIMEDOUT'
          ? 'its download took longer than two minutes'
          : 'its installer failed';
      return { path: null, reason };
    }
  }
  return { path: join(electronDir, 'dist', readFileSync(pathFile, 'utf8')) };
}

const build = spawnSync(process.execPath, [join(root, 'build', 'build.mjs'), '--if-needed'], { stdio: 'inherit', cwd: root });
if (build.status !== 0) process.exit(build.status ?? 1);

const electron = electronExecutable();
if (electron.path) {
  run(electron.path, [root, ...forwardedArgs]);
} else {
  process.stderr.write(`Electron's binary is not installed (${electron.reason}); starting Slicewise in browser mode instead.\n`);
  run(process.execPath, [join(root, 'out', 'main', 'cli.cjs'), 'web', ...forwardedArgs]);
}
