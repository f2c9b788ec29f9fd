import type { CgroupSeriesPayload } from '../../../preload/contract/index.js';
import { cgroupCharts } from '../../model/cgroup/series.js';
import type { ValueCell } from '../../stream/value-cell.js';
import type { Disposable } from '../../util/disposable.js';
import type { Session } from '../session.js';
import { lastScrapeMs, nodeCadvisor, podsOfNode } from './node-cadvisor.js';
import { sessionComputedTopic } from './session-topic.js';

function empty(node: string, path: string, note: string | null): CgroupSeriesPayload {
  return { node, path, name: null, kind: null, panels: [], note };
}

/**
 * `cgroup.series {node, path}`: the charts of one cgroup over the store's window, recomputed
 * after each scrape of the node's cAdvisor target.
 */
export function cgroupSeriesTopic(current: ValueCell<Session | null>, node: string, path: string, emit: (payload: CgroupSeriesPayload) => void): Disposable {
  let memo: { session: Session; key: string; payload: CgroupSeriesPayload } | null = null;
  let lastSent: CgroupSeriesPayload | null = null;
  return sessionComputedTopic(current, {
    empty: empty(node, path, null),
    emit: (payload) => {
      if (payload === lastSent) return;
      lastSent = payload;
      emit(payload);
    },
    isRelevant: (session, targetId) => nodeCadvisor(session, node)?.targetId === targetId,
    compute: (session) => {
      const cadvisor = nodeCadvisor(session, node);
      const key = cadvisor ? `${cadvisor.targetId}|${lastScrapeMs(session, cadvisor.targetId)}` : 'none';
      if (memo && memo.session === session && memo.key === key) return memo.payload;
      let payload: CgroupSeriesPayload;
      if (!cadvisor) {
        payload = empty(node, path, `No cAdvisor target for node ${node}.`);
      } else if (path.endsWith('/#unaccounted')) {
        payload = empty(node, path, 'An (unaccounted) row has no series of its own: it is its parent’s usage beyond the sum of its children.');
      } else {
        const charts = cgroupCharts(session.store, cadvisor.targetId, cadvisor.labels, path, podsOfNode(session, node));
        const note = charts.kind === null ? `The cgroup ${path} is not in ${node}'s newest cAdvisor scrape.` : charts.panels.length === 0 ? 'No figures stored for this cgroup yet.' : null;
        payload = { node, path, name: charts.name, kind: charts.kind, panels: charts.panels, note };
      }
      memo = { session, key, payload };
      return payload;
    },
  });
}
