import type { CgroupTreePayload, TargetSummary } from '../../../preload/contract/index.js';
import type { PodMeta } from '../../model/cgroup/tree.js';
import { podFacts, toPodMeta } from '../../model/pod-facts.js';
import type { Session } from '../session.js';

/** The scrape target that holds a node's cgroups, with what the cgroup topics need of it. */
export interface NodeCadvisor {
  targetId: string;
  /** Labels the scrape pool adds to every series of the target (removed again to get the exposition's own). */
  labels: Readonly<Record<string, string>>;
  summary: TargetSummary | undefined;
}

/**
 * The cAdvisor target of `node`: the kubelet's (node role) or this machine's cgroups first; a
 * standalone cAdvisor DaemonSet pod only when the kubelet's is not discovered (its labels differ,
 * protocols.md §6.4).
 */
export function nodeCadvisor(session: Session, node: string): NodeCadvisor | undefined {
  const candidates = session.targetsOfNode(node).filter((target) => target.source === 'cadvisor');
  if (candidates.length === 0) return undefined;
  const summaries = new Map(session.targets.value.map((summary) => [summary.id, summary]));
  const chosen = candidates.find((target) => {
    const role = summaries.get(target.targetId)?.role;
    return role === 'node' || role === 'local';
  }) ?? candidates[0];
  const summary = summaries.get(chosen.targetId);
  return { targetId: chosen.targetId, labels: summary?.labels ?? {}, summary };
}

/** The node's pods from the cluster cache, as the cgroup tree joins them (none for this machine). */
export function podsOfNode(session: Session, node: string): PodMeta[] {
  return session.cache ? session.cache.pods.byIndex('node', node).map((pod) => toPodMeta(podFacts(pod))) : [];
}

/** The `source` field of the cgroup payloads. */
export function cadvisorSource(cadvisor: NodeCadvisor | undefined): CgroupTreePayload['source'] {
  if (!cadvisor) return null;
  return { targetId: cadvisor.targetId, health: cadvisor.summary?.health ?? 'unknown', lastError: cadvisor.summary?.lastError ?? null };
}

/** Time of the target's newest scrape in the store (its `up` sample), or null before the first. */
export function lastScrapeMs(session: Session, targetId: string): number | null {
  const up = session.store.select([{ name: '__name__', op: '=', value: 'up' }]).find((ref) => ref.targetId === targetId);
  return up ? (session.store.instant([up.id])[0]?.tsMs ?? null) : null;
}
