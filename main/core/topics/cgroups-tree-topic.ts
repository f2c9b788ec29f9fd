import type { CgroupTreePayload } from '../../../preload/contract/index.js';
import { hasRates, readCadvisorReadings } from '../../model/cgroup/snapshots.js';
import { cgroupTreePayload, elideRepeatedStructure, emptyCgroupTree } from '../../model/cgroup/tree-payload.js';
import type { ValueCell } from '../../stream/value-cell.js';
import { detectCgroupLayout } from '../../transport/local-host/cgroup-layout.js';
import type { Disposable } from '../../util/disposable.js';
import type { Session } from '../session.js';
import { cadvisorSource, lastScrapeMs, nodeCadvisor, podsOfNode, type NodeCadvisor } from './node-cadvisor.js';
import { sessionComputedTopic } from './session-topic.js';

/** This machine's cgroup version, from its mounts (hybrid counts as such: v1 controllers, a cgroup2 mount for PSI). */
function localCgroupVersion(): CgroupTreePayload['cgroupVersion'] {
  try {
    return detectCgroupLayout('/sys/fs/cgroup').mode;
  } catch {
    return null;
  }
}

function noteFor(session: Session, node: string, cadvisor: NodeCadvisor | undefined, hasReading: boolean, lastScrapeUp: boolean, hasRates: boolean): string | null {
  if (!cadvisor) {
    const nodes = session.nodes.value;
    if (!nodes.some((candidate) => candidate.name === node)) {
      if (session.kind === 'local') return `This machine is ${nodes[0]?.name ?? 'another host'}, not ${node}; pick it in the node list.`;
      return nodes.length === 0 ? 'Waiting for the node list…' : `Node ${node} is not in this cluster; pick another node.`;
    }
    return `No kubelet cAdvisor target for node ${node} yet. Slicewise reads /metrics/cadvisor through the apiserver's node proxy, which needs get on nodes/proxy.`;
  }
  const error = cadvisor.summary?.lastError;
  if (!hasReading) {
    return cadvisor.summary?.health === 'down' ? `The cAdvisor scrape of ${node} fails: ${error ?? 'no answer'}.` : `Waiting for the first scrape of ${node}'s cAdvisor…`;
  }
  if (!lastScrapeUp) return `The last cAdvisor scrape of ${node} failed${error ? ` (${error})` : ''}; showing the last good reading.`;
  if (!hasRates) return 'One reading so far: CPU shows cumulative seconds and rates appear after the next scrape.';
  return null;
}

/**
 * `cgroups.tree {node}`: the node's cgroup tree, recomputed after each scrape of its cAdvisor
 * target (this machine's cgroups in local mode). The two readings come from the store, the pods
 * from the cluster cache; a recomputation that would repeat the last payload (another target's
 * scrape, a target-list update) sends nothing, and an unchanged structure is sent once.
 */
export function cgroupsTreeTopic(current: ValueCell<Session | null>, node: string, emit: (payload: CgroupTreePayload) => void): Disposable {
  let memo: { session: Session; key: string; payload: CgroupTreePayload } | null = null;
  let lastSent: CgroupTreePayload | null = null;
  let localVersion: CgroupTreePayload['cgroupVersion'] | undefined;
  const send = elideRepeatedStructure(emit);
  return sessionComputedTopic(current, {
    empty: emptyCgroupTree(node, null, null),
    emit: (payload) => {
      if (payload === lastSent) return;
      lastSent = payload;
      send(payload);
    },
    isRelevant: (session, targetId) => nodeCadvisor(session, node)?.targetId === targetId,
    compute: (session) => {
      const cadvisor = nodeCadvisor(session, node);
      const summary = cadvisor?.summary;
      const key = cadvisor
        ? `${cadvisor.targetId}|${lastScrapeMs(session, cadvisor.targetId)}|${summary?.health}|${summary?.lastError}|${session.nodes.value.length}`
        : `none|${session.nodes.value.length}`;
      if (memo && memo.session === session && memo.key === key) return memo.payload;
      const readings = cadvisor ? readCadvisorReadings(session.store, cadvisor.targetId, cadvisor.labels) : undefined;
      let cgroupVersion: CgroupTreePayload['cgroupVersion'] | undefined;
      if (session.kind === 'local') cgroupVersion = localVersion ??= localCgroupVersion();
      const runtime = session.nodes.value.find((candidate) => candidate.name === node)?.containerRuntime || null;
      const payload = cgroupTreePayload({
        node,
        readings,
        pods: podsOfNode(session, node),
        source: cadvisorSource(cadvisor),
        runtime,
        ...(cgroupVersion !== undefined ? { cgroupVersion } : {}),
        note: noteFor(session, node, cadvisor, readings !== undefined && readings.current.samples.length > 0, readings?.lastScrapeUp ?? true, hasRates(readings)),
      });
      memo = { session, key, payload };
      return payload;
    },
  });
}
