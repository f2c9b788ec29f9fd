// The `workloads.list` topic: kube-state-metrics (else the cached apps/v1 objects) joined with the
// pods' specs and live container usage; recomputed when KSM or a kubelet cAdvisor is scraped, or
// the cached objects change.
import type { WorkloadsPayload } from '../../preload/contract/index.js';
import { ksmContainerFacts } from '../model/containers.js';
import { podFacts } from '../model/pod-facts.js';
import { readLatestSamples } from '../model/store-window.js';
import { summarizeWorkloads, WORKLOAD_KSM_FAMILIES } from '../model/workloads.js';
import { DisposableStore, type Disposable } from '../util/disposable.js';
import type { Logger } from '../util/log.js';
import { containerSourceIds, ksmTargets, readContainerRows, recomputeOnSources } from './containers-feed.js';
import { followSessionFeed, Recompute, type FeedSession, type SessionSource } from './session-feed.js';

export const EMPTY_WORKLOADS: WorkloadsPayload = { source: 'api', note: null, workloads: [], nodes: [], tsMs: null };

/** The Workloads payload of the session now. */
export function readWorkloads(session: FeedSession, namespace: string | undefined, nowMs: number): WorkloadsPayload {
  const cache = session.cache;
  if (!cache) return { ...EMPTY_WORKLOADS, note: 'Workloads need a cluster context: this machine has no Deployments, DaemonSets or StatefulSets.', tsMs: nowMs };
  const allKsm = session.targets.value.filter((target) => target.source === 'kube-state-metrics');
  const up = ksmTargets(session);
  const samples = up.size > 0 ? readLatestSamples(session.store, up, WORKLOAD_KSM_FAMILIES) : [];
  // A KSM target that answers without workload families (its telemetry port) does not count.
  const ksm = samples.some((sample) => sample.name.startsWith('kube_deployment_') || sample.name.startsWith('kube_pod_')) ? samples : null;
  let ksmProblem: string | undefined;
  if (!ksm && allKsm.length > 0) {
    const down = allKsm.find((target) => target.health === 'down');
    ksmProblem = down ? `${down.endpoint} is down${down.lastError ? ` (${down.lastError})` : ''}` : 'not scraped yet';
  }
  const containers = readContainerRows(session, namespace ? { namespace } : {}, nowMs).rows;
  const tsMs = ksm ? Math.max(...ksm.map((sample) => sample.tsMs)) : nowMs;
  return summarizeWorkloads({
    deployments: cache.deployments.list(),
    daemonSets: cache.daemonSets.list(),
    statefulSets: cache.statefulSets.list(),
    replicaSets: cache.replicaSets.list(),
    pods: cache.pods.list().filter((pod) => !namespace || pod.metadata.namespace === namespace).map(podFacts),
    nodes: cache.nodes.list(),
    ksm,
    ...(ksmProblem ? { ksmProblem } : {}),
    ksmContainers: ksm ? ksmContainerFacts(ksm) : undefined,
    containers,
    ...(namespace ? { namespace } : {}),
    tsMs,
  });
}

/** `workloads.list`: follows the session's namespace unless `params.namespace` is given. */
export function startWorkloadsFeed(session: FeedSession, params: { namespace?: string }, emit: (payload: WorkloadsPayload) => void, log: Logger): Disposable {
  const disposables = new DisposableStore();
  let watched = new Set<string>();
  const recompute = disposables.add(
    new Recompute(
      () => {
        watched = containerSourceIds(session);
        emit(readWorkloads(session, params.namespace ?? session.status.value.namespace ?? undefined, Date.now()));
      },
      // A short quiet time: a KSM scrape should show within its interval (scrapes of different targets rarely coincide anyway).
      { delayMs: 100, onError: (error) => log.error('workloads.list failed', error) },
    ),
  );
  disposables.add(recomputeOnSources(session, recompute, () => watched));
  if (session.cache) disposables.add(session.cache.onAnyChange((resource) => resource !== 'services' && resource !== 'endpointslices' && resource !== 'endpoints' && recompute.trigger()));
  return disposables;
}

/** The `workloads.list` topic provider: follows the open session. */
export function workloadsListTopic(current: SessionSource<FeedSession>, params: { namespace?: string }, emit: (payload: WorkloadsPayload) => void, log: Logger): Disposable {
  return followSessionFeed<FeedSession, WorkloadsPayload>(current, (session, send) => startWorkloadsFeed(session, params, send, log), EMPTY_WORKLOADS, emit);
}
