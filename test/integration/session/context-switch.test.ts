import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core/create-core.js';
import { Logger, nullSink } from '../../../main/util/log.js';
import type { TargetSummary } from '../../../preload/contract/index.js';
import { startSimulator, type Simulator } from '../../helpers/sim.js';
import { activeHandleCounts, waitForHandles } from '../../helpers/handles.js';

async function waitForTargetsUp(core: Core, count: (targets: TargetSummary[]) => boolean, timeoutMs = 30_000): Promise<TargetSummary[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const targets = core.session.value?.targets.value ?? [];
    if (targets.length > 0 && count(targets)) return targets;
    if (Date.now() > deadline) throw new Error(`targets not up in time: ${JSON.stringify(targets.map((t) => [t.endpoint, t.health, t.lastError]))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('context sessions against the simulator', () => {
  let sim: Simulator;
  /**
   * Up when something answers the target's port in the simulator; pods derived from a kubelet dump
   * (e.g. CoreDNS) may declare metrics ports nothing answers, and those must be down with the
   * kubelet's own words, not up and not silently missing.
   */
  const expectedHealthy = (targets: TargetSummary[]) =>
    targets.every((target) => {
      const port = Number(/:(\d+) /.exec(target.endpoint)?.[1]);
      const backed = !target.pod || !!sim.backendFor(target.namespace ?? '', target.pod, port);
      return backed ? target.health === 'up' : target.health === 'down' && /connection refused/.test(target.lastError ?? '');
    });

  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'minimal', processes: false });
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('switches A → B → A under scraping, leaks no handles and never shows A’s data under B', async () => {
    const core = createCore({ front: 'cli', log: new Logger(nullSink), kubeconfigPaths: [sim.kubeconfigPath], intervalMs: 1000, home: '/nonexistent-home' });
    const seen: Array<{ context: string | undefined; nodes: string[] }> = [];
    const subscription = core.dispatcher.prepareSubscription('cluster.nodes', null)((payload) => {
      seen.push({ context: core.session.value?.name, nodes: (payload as { name: string }[]).map((node) => node.name) });
    });
    const baseline = activeHandleCounts();

    // A: the main cluster; every target is scraped and up.
    const statusA = await core.openSession({ context: 'token' });
    expect(statusA.state).not.toBe('error');
    const targetsA = await waitForTargetsUp(core, expectedHealthy);
    expect(targetsA.filter((target) => target.health === 'up').length).toBeGreaterThanOrEqual(7);
    expect(targetsA.map((target) => target.node).filter(Boolean)).toContain('datagen-1-35');
    const forwardsA = (core.session.value as unknown as { forwards: { list(): unknown[] } }).forwards.list().length;
    expect(forwardsA).toBeGreaterThan(0);

    // B: the second cluster (context edge), a different node.
    await core.openSession({ context: 'edge' });
    const targetsB = await waitForTargetsUp(core, (targets) => targets.some((target) => target.health === 'up'));
    expect(targetsB.every((target) => target.node === undefined || target.node === 'minikube')).toBe(true);
    expect(targetsB.map((target) => target.endpoint).join(' ')).not.toContain('datagen-1-35');

    // A again.
    await core.openSession({ context: 'token' });
    await waitForTargetsUp(core, expectedHealthy);
    await core.closeSession();

    // After the last session closed, nothing it started is left: watches, forwards, loops, timers.
    const after = await waitForHandles(baseline);
    for (const [kind, count] of Object.entries(after)) expect(count, `${kind} handles left over`).toBeLessThanOrEqual(baseline[kind] ?? 0);

    // Nodes were only ever reported under the session that owns them.
    for (const entry of seen) {
      if (entry.context === 'edge') expect(entry.nodes.every((node) => node === 'minikube')).toBe(true);
      if (entry.context === 'token') expect(entry.nodes).not.toContain('minikube');
    }
    expect(seen.some((entry) => entry.context === 'edge' && entry.nodes.includes('minikube'))).toBe(true);
    expect(seen.at(-1)).toEqual({ context: undefined, nodes: [] });
    await subscription.dispose();
    await core.dispose();
  });

  it('reports an unreachable cluster in words without crashing', async () => {
    const core = createCore({ front: 'cli', log: new Logger(nullSink), kubeconfigPaths: [sim.kubeconfigPath], home: '/nonexistent-home' });
    sim.faults.failNext('/version', { status: 503, delayMs: 0, message: 'apiserver is shutting down' });
    const status = await core.openSession({ context: 'token' });
    expect(status.state).toBe('error');
    expect(status.message).toMatch(/apiserver is shutting down|503/);
    await core.dispose();
  });
});
