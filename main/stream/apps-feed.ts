// The `apps.list` and `apps.panel` topics: targets classified as application exporters (or
// Pushgateways) and each one's own metrics, read generically from the store's family metadata.
import type { AppPanel, AppTarget, TargetSummary } from '../../preload/contract/index.js';
import { appFamilies, exporterKind, type AppSeriesInput } from '../model/applications.js';
import { scrapedLabels } from '../model/scraped-labels.js';
import { windowSamples } from '../model/store-window.js';
import { DisposableStore, type Disposable } from '../util/disposable.js';
import type { Logger } from '../util/log.js';
import { followSessionFeed, Recompute, type FeedSession, type SessionSource } from './session-feed.js';

/** Current rates and quantiles are taken over this window. */
export const APP_RATE_WINDOW_MS = 60_000;
/** Suffixes under which a family's samples are stored (counters, histograms, summaries, OpenMetrics info). */
const SAMPLE_SUFFIXES = ['', '_total', '_bucket', '_sum', '_count', '_created', '_info', '_gcount', '_gsum'];

function isAppTarget(target: TargetSummary): target is TargetSummary & { source: 'application' | 'pushgateway' } {
  return target.source === 'application' || target.source === 'pushgateway';
}

function describeTarget(session: FeedSession, target: TargetSummary & { source: 'application' | 'pushgateway' }): AppTarget {
  const families = session.store.metadata(target.id);
  const fallback = target.labels.app_kubernetes_io_name ?? target.labels.app ?? target.labels.service ?? target.job;
  return {
    targetId: target.id,
    job: target.job,
    endpoint: target.endpoint,
    source: target.source,
    kind: target.source === 'pushgateway' ? 'pushgateway' : exporterKind(
        families.map((family) => family.name),
        fallback,
      ),
    namespace: target.namespace ?? null,
    pod: target.pod ?? null,
    health: target.health,
    lastError: target.lastError ?? null,
    lastScrapeMs: target.lastScrapeMs ?? null,
    familyCount: families.length,
  };
}

/** The application targets of the session. */
export function readAppTargets(session: FeedSession): AppTarget[] {
  return session.targets.value
    .filter(isAppTarget)
    .map((target) => describeTarget(session, target))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.endpoint.localeCompare(b.endpoint));
}

/** `apps.list`: follows the targets and their scrapes (family counts appear after the first scrape). */
export function startAppsListFeed(session: FeedSession, emit: (payload: AppTarget[]) => void, log: Logger): Disposable {
  const disposables = new DisposableStore();
  const recompute = disposables.add(new Recompute(() => emit(readAppTargets(session)), { delayMs: 1000, onError: (error) => log.error('apps.list failed', error) }));
  disposables.add(session.targets.subscribe(() => recompute.trigger()));
  return disposables;
}

/** One target's panel: every family of its last scrape, over the store's retention. */
export function readAppPanel(session: FeedSession, targetId: string, nowMs: number): AppPanel {
  const summary = session.targets.value.find((target) => target.id === targetId);
  if (!summary || !isAppTarget(summary)) {
    return { targetId, target: null, windowMs: APP_RATE_WINDOW_MS, families: [], note: 'This target is gone, or is not an application exporter.' };
  }
  const target = describeTarget(session, summary);
  const metadata = session.store.metadata(targetId);
  const fromMs = nowMs - session.store.retentionMs;
  const series: AppSeriesInput[] = [];
  const seen = new Set<number>();
  for (const family of metadata) {
    for (const suffix of SAMPLE_SUFFIXES) {
      for (const ref of session.store.select([{ name: '__name__', op: '=', value: family.name + suffix }])) {
        if (ref.targetId !== targetId || seen.has(ref.id)) continue;
        seen.add(ref.id);
        const { ts, vs } = windowSamples(session.store, ref.id, fromMs);
        if (ts.length === 0) continue;
        series.push({ name: ref.labels.__name__ ?? family.name, labels: scrapedLabels(ref.labels, summary.labels), ts, vs });
      }
    }
  }
  const families = appFamilies({ families: metadata, series, windowMs: APP_RATE_WINDOW_MS, nowMs });
  let note: string | null = null;
  if (summary.health === 'down') note = `The last scrape failed${summary.lastError ? `: ${summary.lastError}` : ''}.`;
  else if (families.length === 0) note = 'No samples yet: the target has not been scraped, or exposes no metrics.';
  return { targetId, target, windowMs: APP_RATE_WINDOW_MS, families, note };
}

/** `apps.panel`: recomputed after each scrape of the target. */
export function startAppPanelFeed(session: FeedSession, params: { targetId: string }, emit: (payload: AppPanel) => void, log: Logger): Disposable {
  const disposables = new DisposableStore();
  const recompute = disposables.add(new Recompute(() => emit(readAppPanel(session, params.targetId, Date.now())), { onError: (error) => log.error('apps.panel failed', error) }));
  disposables.add(session.store.onAppend((event) => event.targetId === params.targetId && recompute.trigger()));
  disposables.add(session.targets.subscribe(() => recompute.trigger()));
  return disposables;
}

/** The `apps.list` topic provider: follows the open session. */
export function appsListTopic(current: SessionSource<FeedSession>, emit: (payload: AppTarget[]) => void, log: Logger): Disposable {
  return followSessionFeed<FeedSession, AppTarget[]>(current, (session, send) => startAppsListFeed(session, send, log), [], emit);
}

/** The `apps.panel` topic provider: follows the open session. */
export function appPanelTopic(current: SessionSource<FeedSession>, params: { targetId: string }, emit: (payload: AppPanel) => void, log: Logger): Disposable {
  const empty: AppPanel = { targetId: params.targetId, target: null, windowMs: APP_RATE_WINDOW_MS, families: [], note: null };
  return followSessionFeed<FeedSession, AppPanel>(current, (session, send) => startAppPanelFeed(session, params, send, log), empty, emit);
}
