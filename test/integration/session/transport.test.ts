import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core/create-core.js';
import { Logger, nullSink } from '../../../main/util/log.js';
import type { TargetSummary } from '../../../preload/contract/index.js';
import { startSimulator, type Simulator } from '../../helpers/sim.js';

const INTERVAL_MS = 1000;

async function waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function nginxTargets(core: Core): TargetSummary[] {
  return (core.session.value?.targets.value ?? []).filter((target) => target.namespace === 'web' && target.endpoint.includes(':9113'));
}

describe('transports against the simulator', () => {
  let sim: Simulator;
  let core: Core | undefined;

  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'minimal', processes: false, secondCluster: false });
  });
  afterAll(async () => {
    await sim?.stop();
  });
  afterEach(async () => {
    await core?.dispose();
    core = undefined;
    sim.faults.reset();
  });

  it('falls back to the pod proxy when port-forward is forbidden, and says why', async () => {
    sim.faults.forbidPortForward(true);
    core = createCore({ front: 'cli', log: new Logger(nullSink), kubeconfigPaths: [sim.kubeconfigPath], intervalMs: INTERVAL_MS, home: '/nonexistent-home' });
    await core.openSession({ context: 'token' });
    const targets = await waitFor(() => {
      const found = nginxTargets(core!);
      return found.length === 2 && found.every((target) => target.health === 'up') && found;
    }, 'nginx targets up through the pod proxy');
    for (const target of targets) {
      expect(target.transport).toBe('pod-proxy');
      expect(target.transportNote).toMatch(/port-forward refused \(Port-forward to pod web\/nginx-[a-z0-9-]+ port 9113 is forbidden\. It needs `get` and `create` on `pods\/portforward` in namespace web\.\); using the pod proxy instead/);
    }
    // The simulator saw the pod-proxy requests, and the refused port-forward upgrades before them.
    expect(sim.requests.some((request) => /\/pods\/nginx-[^/]+:9113\/proxy\/metrics/.test(request.path) && request.status === 200)).toBe(true);
    expect(sim.requests.some((request) => request.path.endsWith('/portforward') && request.status === 403)).toBe(true);
  });

  it('resumes scraping within two intervals after the forwarded pod is replaced', async () => {
    core = createCore({ front: 'cli', log: new Logger(nullSink), kubeconfigPaths: [sim.kubeconfigPath], intervalMs: INTERVAL_MS, home: '/nonexistent-home' });
    await core.openSession({ context: 'token' });
    const before = await waitFor(() => {
      const found = nginxTargets(core!);
      return found.length === 2 && found.every((target) => target.health === 'up' && target.transport === 'port-forward') && found;
    }, 'nginx targets up through port-forwards');
    const victim = before[0].pod!;
    const replacement = await sim.replacePod('web', victim);
    expect(replacement).not.toBe(victim);
    const replacedAtMs = Date.now();
    const after = await waitFor(() => {
      const found = nginxTargets(core!).find((target) => target.pod === replacement);
      return found && found.health === 'up' && (found.lastScrapeMs ?? 0) >= replacedAtMs && found;
    }, 'the replacement pod scraped');
    expect(after.transport).toBe('port-forward');
    // Within two intervals of the new pod being Running (the simulator starts pods after ~300 ms).
    expect((after.lastScrapeMs ?? 0) - replacedAtMs).toBeLessThanOrEqual(2 * INTERVAL_MS + 1000);
    expect(nginxTargets(core).some((target) => target.pod === victim)).toBe(false);
  });
});
