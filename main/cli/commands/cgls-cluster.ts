import { createCore } from '../../core/create-core.js';
import { nodeCadvisor, podsOfNode } from '../../core/topics/node-cadvisor.js';
import { hasRates, readCadvisorReadings, type CadvisorReadings } from '../../model/cgroup/snapshots.js';
import { AppError } from '../../util/app-error.js';
import { Logger, levelFromEnv, stderrSink } from '../../util/log.js';
import type { CgroupSource } from './cgls.js';

/** How `cgls --context/--node` connects: the kubeconfig files, exec-plugin permission, how long to wait. */
export interface ClusterConnection {
  kubeconfigPaths?: string[];
  allowExec?: boolean;
  /** Give up waiting for two readings after this long (default 30 s). */
  timeoutMs?: number;
  log?: Logger;
  /** Environment and home for kubeconfig lookup (tests isolate them). */
  env?: NodeJS.ProcessEnv;
  home?: string;
}

const POLL_MS = 100;

/**
 * A node of a cluster as a cgls source: opens the context with the same core the app uses (list
 * and watch, discovery, the kubelet cAdvisor through the apiserver node proxy, scraped at once
 * and then every `intervalMs`), waits for two readings of the node's cAdvisor (kubelets collect
 * every 10–15 s, so two scrapes can carry the same reading; it waits for a new one up to the
 * timeout, then prints the one it has with cumulative figures) and joins the node's pods from the
 * cluster cache. Everything it started is stopped before it returns.
 */
export function clusterCgroupSource(context: string | undefined, node: string, connection: ClusterConnection = {}): CgroupSource {
  return async ({ intervalMs }) => {
    const log = connection.log ?? new Logger(stderrSink, levelFromEnv(process.env.SLICEWISE_LOG));
    const core = createCore({
      front: 'cli',
      log,
      kubeconfigPaths: connection.kubeconfigPaths,
      execConsent: connection.allowExec ? 'allow' : 'refuse',
      firstScrape: 'immediate',
      intervalMs,
      ...(connection.env ? { env: connection.env } : {}),
      ...(connection.home ? { home: connection.home } : {}),
    });
    try {
      const opened = await core.openSession({ context });
      const session = core.session.value;
      if (opened.state === 'error' || !session) throw new AppError('unreachable', opened.message ?? `Cannot open context ${context ?? '(current)'}.`);
      const deadline = Date.now() + (connection.timeoutMs ?? 30_000);
      let readings: CadvisorReadings | undefined;
      for (;;) {
        const status = session.status.value;
        if (status.state === 'error') throw new AppError('unreachable', status.message ?? `Cannot reach context ${session.name}.`);
        const nodes = session.nodes.value;
        if (status.state !== 'connecting' && nodes.length > 0 && !nodes.some((candidate) => candidate.name === node)) {
          const names = nodes.map((candidate) => candidate.name).sort();
          throw new AppError('not-found', `Node ${node} is not in context ${session.name}; its nodes are ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}.`);
        }
        const cadvisor = nodeCadvisor(session, node);
        if (cadvisor) readings = readCadvisorReadings(session.store, cadvisor.targetId, cadvisor.labels);
        if (hasRates(readings) && readings?.lastScrapeUp) break;
        if (Date.now() > deadline) {
          if (readings) break;
          const error = cadvisor?.summary?.lastError;
          throw new AppError(
            'timeout',
            cadvisor
              ? `No reading of node ${node}'s kubelet cAdvisor within ${connection.timeoutMs ?? 30_000} ms${error ? `: ${error}` : ''}.`
              : `Node ${node} has no kubelet cAdvisor target in context ${session.name} (discovery found none within ${connection.timeoutMs ?? 30_000} ms).`,
            { hint: 'Check with: slicewise targets --node ' + node },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      const snapshots = readings.previous ? [readings.previous, readings.current] : [readings.current];
      return { description: `node ${node} in context ${session.name}`, snapshots, pods: podsOfNode(session, node) };
    } finally {
      await core.dispose();
    }
  };
}
