import type { NodeSourceStatus, NodeStats } from '../../../preload/contract/index.js';
import { computeNodeStats } from '../../model/node-stats.js';
import type { ValueCell } from '../../stream/value-cell.js';
import type { Disposable } from '../../util/disposable.js';
import type { Session } from '../session.js';
import { sessionComputedTopic } from './session-topic.js';

function emptyStats(node: string): NodeStats {
  return computeNodeStats({ node, sources: [], nowMs: 0 });
}

/** The Node view's topic: `node.stats {node}`, recomputed after each scrape of that node's targets. */
export function nodeStatsTopic(current: ValueCell<Session | null>, node: string, emit: (stats: NodeStats) => void): Disposable {
  return sessionComputedTopic(current, {
    empty: emptyStats(node),
    emit,
    isRelevant: (session, targetId) => session.targetsOfNode(node).some((target) => target.targetId === targetId),
    compute: (session) => {
      const targets = session.targetsOfNode(node);
      const exporter = targets.find((target) => target.source === 'node-exporter');
      const cadvisor = targets.find((target) => target.source === 'cadvisor');
      const health = new Map(session.targets.value.map((target) => [target.id, target]));
      const sources: NodeSourceStatus[] = [exporter, cadvisor]
        .filter((target): target is NonNullable<typeof target> => !!target)
        .map((target) => {
          const summary = health.get(target.targetId);
          return {
            source: target.source === 'node-exporter' ? 'node-exporter' : 'cadvisor',
            targetId: target.targetId,
            health: summary?.health ?? 'unknown',
            ...(summary?.lastError ? { lastError: summary.lastError } : {}),
            ...(summary?.lastScrapeMs !== undefined ? { lastScrapeMs: summary.lastScrapeMs } : {}),
          };
        });
      const object = session.nodes.value.find((candidate) => candidate.name === node);
      const cadvisorIds = cadvisor ? session.store.select([{ name: '__name__', op: '=', value: 'container_last_seen' }]).filter((ref) => ref.targetId === cadvisor.targetId) : [];
      const ids = cadvisorIds.map((ref) => ref.labels.id ?? '');
      const cgroupDriver = ids.some((id) => id.startsWith('/kubepods.slice') || id.includes('kubepods.slice/')) ? 'systemd' : ids.some((id) => id.startsWith('/kubepods/')) ? 'cgroupfs' : ids.length > 0 ? 'unknown' : undefined;
      return computeNodeStats({
        store: session.store,
        node,
        nodeExporterTargetId: exporter?.targetId,
        cadvisorTargetId: cadvisor?.targetId,
        sources,
        ...(object ? { object } : {}),
        ...(cgroupDriver ? { cgroupDriver } : {}),
        nowMs: Date.now(),
      });
    },
  });
}
