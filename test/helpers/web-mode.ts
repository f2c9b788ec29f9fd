import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { REPO_ROOT } from './fixtures.js';
import { startProcess, type RunningProcess } from './processes.js';

export const CLI_BUNDLE = join(REPO_ROOT, 'out', 'main', 'cli.cjs');
const READY = /^Slicewise is ready at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+))$/m;

export interface WebMode {
  process: RunningProcess;
  url: string;
  port: number;
  token: string;
  stop(): Promise<void>;
}

/**
 * Starts the built `slicewise web` as a real child process (what a user runs) and waits for its one
 * ready line. Requires `npm run build` first (npm test builds before running tests).
 */
export async function startWebMode(args: string[] = [], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<WebMode> {
  if (!existsSync(CLI_BUNDLE)) throw new Error(`${CLI_BUNDLE} is missing: run npm run build first`);
  const child = startProcess(process.execPath, [CLI_BUNDLE, 'web', '--no-open', ...args], {
    env: { ...process.env, SLICEWISE_LOG: 'warn', ...env },
  });
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`slicewise web printed no ready line in ${timeoutMs} ms:\n${child.output()}`)), timeoutMs);
    const check = () => {
      const found = child.output().match(READY);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.child.stdout?.on('data', check);
    child.child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`slicewise web exited with ${code}:\n${child.output()}`));
    });
    check();
  });
  return {
    process: child,
    url: match[1],
    port: Number(match[2]),
    token: match[3],
    stop: () => child.stop(),
  };
}
