import { renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchKubeconfig } from '../../../../main/kubeconfig/load.js';
import { tempDir } from '../../../helpers/processes.js';

let dir: { path: string; remove: () => void };
beforeEach(() => {
  dir = tempDir('slicewise-watch-');
});
afterEach(() => dir.remove());

/** Resolves on the next onChange, or with 'none' if none comes within waitMs (event-driven; no timing asserted). */
function nextChange(changes: { wait: (waitMs?: number) => Promise<string> }, waitMs?: number): Promise<string> {
  return changes.wait(waitMs);
}

function recorder(waitMs = 2000) {
  let resolveNext: ((value: string) => void) | undefined;
  let count = 0;
  return {
    onChange: () => {
      count += 1;
      resolveNext?.('changed');
    },
    wait: (overrideMs?: number) =>
      new Promise<string>((resolve) => {
        resolveNext = resolve;
        setTimeout(() => resolve('none'), overrideMs ?? waitMs);
      }),
    get count() {
      return count;
    },
  };
}

describe('watchKubeconfig', () => {
  it('reports an edit, a rename-over replace (editors, kubectl), a deletion and a re-creation; ignores a touch', async () => {
    const path = join(dir.path, 'config');
    writeFileSync(path, 'apiVersion: v1\n');
    const changes = recorder();
    const watcher = watchKubeconfig([path], changes.onChange, { debounceMs: 50 });
    try {
      let next = nextChange(changes);
      writeFileSync(path, 'apiVersion: v1\ncurrent-context: a\n');
      expect(await next).toBe('changed');

      next = nextChange(changes);
      writeFileSync(join(dir.path, '.config.swp'), 'apiVersion: v1\ncurrent-context: b\n');
      renameSync(join(dir.path, '.config.swp'), path);
      expect(await next).toBe('changed');

      next = nextChange(changes, 500);
      utimesSync(path, new Date(), new Date(Date.now() + 5000));
      expect(await next).toBe('none');

      next = nextChange(changes);
      rmSync(path);
      expect(await next).toBe('changed');

      next = nextChange(changes);
      writeFileSync(path, 'apiVersion: v1\n');
      expect(await next).toBe('changed');
      expect(changes.count).toBe(4);
    } finally {
      await watcher.dispose();
    }
  });

  it('ignores other files in the same folder and stops after dispose', async () => {
    const path = join(dir.path, 'config');
    writeFileSync(path, 'a');
    const changes = recorder(400);
    const watcher = watchKubeconfig([path], changes.onChange, { debounceMs: 50 });
    let next = nextChange(changes);
    writeFileSync(join(dir.path, 'unrelated'), 'x');
    expect(await next).toBe('none');
    await watcher.dispose();
    next = nextChange(changes);
    writeFileSync(path, 'b');
    expect(await next).toBe('none');
    expect(changes.count).toBe(0);
  });
});
