import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli/index.js';
import { startSimulator, type Simulator } from '../../helpers/sim.js';

/** The simulator's Pod objects with the fields these tests read. */
interface SimPod {
  metadata: { name: string; namespace?: string; uid: string };
  spec?: { nodeName?: string };
  status?: { phase?: string };
}

function simPods(sim: Simulator, namespace?: string): SimPod[] {
  return sim.objects.list('pods', namespace) as unknown as SimPod[];
}

async function cgls(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['cgls', ...argv], { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

describe('slicewise cgls --context --node against the simulator', () => {
  let sim: Simulator;
  const previousLog = process.env.SLICEWISE_LOG;

  beforeAll(async () => {
    process.env.SLICEWISE_LOG = 'error';
    sim = await startSimulator({ scenario: 'minimal', processes: false, secondCluster: false });
  });

  afterAll(async () => {
    if (previousLog === undefined) delete process.env.SLICEWISE_LOG;
    else process.env.SLICEWISE_LOG = previousLog;
    await sim?.stop();
  });

  it('scrapes the node’s kubelet cAdvisor twice and prints the tree with rates and the cluster’s pod names', async () => {
    const { code, stdout, stderr } = await cgls('--kubeconfig', sim.kubeconfigPath, '--context', 'token', '--node', 'datagen-1-35', '--interval-ms', '1000', '--sort', 'cpu');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^Control groups of node datagen-1-35 in context token; driver cgroupfs; \d+ CPUs; [\d.]+G memory; \d+ pods, \d+ containers; CPU in cores$/);
    expect(lines[1]).toMatch(/^CONTROL GROUP\s+CPU\s+MEMORY\s+IO\s+KIND$/);
    // Pods the cluster added to the recorded node (not in the dump) are named from the cluster cache.
    const webPods = simPods(sim, 'web').filter((pod) => pod.spec?.nodeName === 'datagen-1-35');
    expect(webPods.length).toBe(2);
    for (const pod of webPods) expect(stdout).toContain(`web/${pod.metadata.name}`);
    const pods = Number(/; (\d+) pods,/.exec(lines[0])?.[1]);
    // Every pod of the node that has cgroups (running, or pending with its sandbox up, like the dump's e2e-container-creating).
    expect(pods).toBe(simPods(sim).filter((pod) => pod.spec?.nodeName === 'datagen-1-35' && ['Running', 'Pending'].includes(pod.status?.phase ?? '')).length);
    // CPU column in cores (two readings), not cumulative seconds.
    const root = lines[2];
    expect(root).toMatch(/^\/\s+\d+\.\d\d\s/);
  });

  it('prints JSON with rates and the interval between the readings', async () => {
    const { code, stdout } = await cgls('--kubeconfig', sim.kubeconfigPath, '--context', 'token', '--node', 'datagen-1-35', '--interval-ms', '1000', '--json');
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as { source: string; driver: string; intervalMs: number; root: { path: string; figures: { cpuCores: number | null } } };
    expect(json.source).toBe('node datagen-1-35 in context token');
    expect(json.driver).toBe('cgroupfs');
    expect(json.intervalMs).toBeGreaterThanOrEqual(900);
    expect(json.root.path).toBe('/');
    expect(json.root.figures.cpuCores).toBeGreaterThan(0);
  });

  it('names the nodes when the node is not in the cluster, and the contexts when the context is unknown', async () => {
    const missing = await cgls('--kubeconfig', sim.kubeconfigPath, '--context', 'token', '--node', 'nope', '--interval-ms', '1000');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^slicewise cgls: Node nope is not in context token; its nodes are datagen-1-35\.\n/);
    const context = await cgls('--kubeconfig', sim.kubeconfigPath, '--context', 'nowhere', '--node', 'datagen-1-35');
    expect(context.code).toBe(1);
    expect(context.stderr).toMatch(/^slicewise cgls: .*nowhere/);
  });
});
