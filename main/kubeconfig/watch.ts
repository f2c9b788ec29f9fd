import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { toDisposable, type Disposable } from '../util/disposable.js';

export interface WatchKubeconfigOptions {
  /** Quiet time after the last file event before `onChange` runs; editors write in bursts. */
  debounceMs?: number;
}

/**
 * Calls `onChange` (debounced) when any of the kubeconfig files changes, appears or disappears.
 * It watches each file's folder rather than the file, because editors and `kubectl config` replace
 * files by writing a temporary and renaming it over the original, which ends a watch on the file
 * itself. Events that leave the contents unchanged (touch, chmod) are ignored.
 */
export function watchKubeconfig(paths: readonly string[], onChange: () => void, options: WatchKubeconfigOptions = {}): Disposable {
  const debounceMs = options.debounceMs ?? 250;
  const files = [...new Set(paths.map((path) => resolve(path)))];
  const namesByDir = new Map<string, Set<string>>();
  for (const file of files) {
    const dir = dirname(file);
    if (!namesByDir.has(dir)) namesByDir.set(dir, new Set());
    namesByDir.get(dir)!.add(basename(file));
  }
  let fingerprint = fingerprintOf(files);
  let timer: NodeJS.Timeout | undefined;
  let disposed = false;

  const check = () => {
    timer = undefined;
    if (disposed) return;
    const next = fingerprintOf(files);
    if (next === fingerprint) return;
    fingerprint = next;
    onChange();
  };
  const schedule = () => {
    if (disposed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, debounceMs);
  };

  const watchers: FSWatcher[] = [];
  for (const [dir, names] of namesByDir) {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        // Some platforms omit the name; then any event in the folder is a candidate.
        if (name === null || names.has(String(name))) schedule();
      });
      watcher.on('error', () => undefined);
      watchers.push(watcher);
    } catch {
      // The folder does not exist (yet); nothing to watch there.
    }
  }

  return toDisposable(() => {
    disposed = true;
    if (timer) clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  });
}

function fingerprintOf(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(file).update('\0');
    try {
      hash.update(readFileSync(file));
    } catch (error) {
      hash.update(`missing:${(error as NodeJS.ErrnoException).code ?? ''}`);
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}
