import type { NodeSummary, SessionStatus, TargetSummary } from '../../preload/contract/index.js';
import type { SeriesStore } from '../store/series-store.js';
import type { ValueCell } from '../stream/value-cell.js';
import type { ClusterCache } from '../cluster/cluster-cache.js';
import type { Disposable } from '../util/disposable.js';

/**
 * What the core and the topic providers see of the open session, whether a cluster context or this
 * machine. A session owns everything it started (watches, forwards, scrape loops, timers, the store)
 * and `dispose` releases all of it, so nothing of context A survives into context B.
 */
export interface Session extends Disposable {
  readonly kind: 'cluster' | 'local';
  /** Context name, or "This machine". */
  readonly name: string;
  readonly status: ValueCell<SessionStatus>;
  readonly store: SeriesStore;
  readonly targets: ValueCell<TargetSummary[]>;
  readonly nodes: ValueCell<NodeSummary[]>;
  /** The watched cluster objects; absent for the local machine. */
  readonly cache?: ClusterCache;
  setNamespace(namespace: string | undefined): void;
  /** Target ids by the node they describe and by source, for the node-level models. */
  targetsOfNode(node: string): { targetId: string; source: TargetSummary['source'] }[];
}
