import type { ScrapeRequest, ScrapeRequester, ScrapeResponse } from '../../scrape/requester.js';
import { AppError } from '../../util/app-error.js';
import type { Disposable } from '../../util/disposable.js';
import { LocalCgroupReader, type LocalCgroupOptions } from './cgroup-reader.js';
import { readLocalNodeExposition, type LocalNodeOptions } from './node-reader.js';

/**
 * "This machine" as scrape targets: the scrape loop asks these requesters exactly as it asks a
 * port-forward or the apiserver proxy, and gets Prometheus text back (what kubelet cAdvisor and
 * node-exporter would serve), so the store, model and views need no local special case.
 */
export interface LocalRequester extends ScrapeRequester, Disposable {}

const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function respond(text: string): ScrapeResponse {
  const bytes = Buffer.from(text, 'utf8');
  return {
    statusCode: 200,
    contentType: TEXT_CONTENT_TYPE,
    body: (async function* () {
      yield bytes;
    })(),
  };
}

function checkNotAborted(request: ScrapeRequest, what: string): void {
  if (request.signal.aborted) throw new AppError('closed', `Reading ${what} was stopped before it finished.`);
}

/** This machine's cgroups in kubelet /metrics/cadvisor form; one reader kept across scrapes (see LocalCgroupReader). */
export function localCgroupRequester(root = '/sys/fs/cgroup', options: LocalCgroupOptions = {}): LocalRequester {
  const reader = new LocalCgroupReader(root, options);
  const what = `this machine's cgroups (${root})`;
  return {
    describe: () => what,
    async request(request) {
      checkNotAborted(request, what);
      const text = await reader.readExposition();
      checkNotAborted(request, what);
      return respond(text);
    },
    dispose: () => reader.dispose(),
  };
}

/** This machine's /proc and /sys in node-exporter form. */
export function localNodeRequester(procRoot = '/proc', sysRoot = '/sys', options: LocalNodeOptions = {}): LocalRequester {
  const what = `this machine's node figures (${procRoot}, ${sysRoot})`;
  return {
    describe: () => what,
    async request(request) {
      checkNotAborted(request, what);
      const text = await readLocalNodeExposition(procRoot, sysRoot, options);
      checkNotAborted(request, what);
      return respond(text);
    },
    dispose: () => undefined,
  };
}
