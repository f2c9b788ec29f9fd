import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fixturePath } from '../../helpers/fixtures.js';
import { requireProgram, DEBIAN } from '../../helpers/processes.js';
import { kubectlHome, runKubectl, spawnKubectl, startSimulator, type Simulator } from '../../helpers/sim.js';
import { parseExposition } from '../../sim/metrics/exposition-template.js';
import type { Scenario } from '../../sim/cluster/scenario.js';
import type { Pod, Service } from '../../sim/cluster/kube-object.js';

// The real kubectl (Google Cloud SDK dispatcher → kubectl 1.32) against the simulator, once per
// authentication context. The control-plane node carries no scenario pods, so its cAdvisor payload
// must be the recorded dump line for line.

const DUMP = 'cadvisor/kubelet/k8s-1.35_minikube_containerd-2.2.1_cgroupfs_cgroupv2.prom';

const scenario: Scenario = {
  name: 'kubectl-test',
  nodes: [
    { name: 'datagen-1-35', roles: ['control-plane'], arch: 'arm64', kubelet: { cadvisor: DUMP } },
    { name: 'worker-1', kubelet: { cadvisor: 'cadvisor/kubelet/k8s-1.20_minikube-vm_docker-20.10.8_systemd_cgroupv1.prom', kubeletVersion: 'v1.20.13' } },
  ],
  workloads: [
    {
      kind: 'Deployment',
      namespace: 'web',
      name: 'nginx',
      replicas: 2,
      nodeName: 'worker-1',
      template: { labels: { app: 'nginx' }, containers: [{ name: 'nginx', image: 'docker.io/library/nginx:1.22', ports: [{ name: 'http', containerPort: 80 }] }] },
    },
    {
      // A finished init container and a native sidecar (KEP-753): READY counts the sidecar.
      kind: 'Pod',
      namespace: 'batch',
      name: 'report',
      nodeName: 'worker-1',
      template: {
        labels: { app: 'report' },
        initContainers: [
          { name: 'fetch', image: 'docker.io/library/busybox:1.36' },
          { name: 'log-shipper', image: 'cr.fluentbit.io/fluent/fluent-bit:3.2.4', restartPolicy: 'Always' },
        ],
        containers: [{ name: 'report', image: 'docker.io/library/python:3.13-slim' }],
      },
    },
  ],
  services: [{ namespace: 'web', name: 'nginx', selector: { app: 'nginx' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }],
};

const USERS: Record<string, { user: string; auth: string }> = {
  token: { user: 'sim-token', auth: 'token' },
  'client-cert': { user: 'sim-cert', auth: 'client-cert' },
  exec: { user: 'sim-exec', auth: 'exec' },
};

/** `kubectl get` table output → rows of whitespace-separated cells (header first). */
function table(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}|\s+(?=\S)/));
}

function rows(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));
}

let sim: Simulator;
let home: ReturnType<typeof kubectlHome>;

beforeAll(async () => {
  requireProgram(DEBIAN.kubectl);
  sim = await startSimulator({ scenario, processes: false, podStartDelayMs: 200 });
  home = kubectlHome();
});

afterAll(async () => {
  await sim?.stop();
  home?.remove();
});

describe.each(['token', 'client-cert', 'exec'])('kubectl with context %s', (context) => {
  const expected = USERS[context];

  it('get nodes prints the Table columns for both nodes', async () => {
    const result = await runKubectl(sim, ['get', 'nodes'], { home: home.home, context });
    expect(result.code, result.stderr).toBe(0);
    const [header, ...lines] = rows(result.stdout);
    expect(header).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    const byName = Object.fromEntries(lines.map((cells) => [cells[0], cells]));
    expect(byName['datagen-1-35'].slice(0, 3)).toEqual(['datagen-1-35', 'Ready', 'control-plane']);
    expect(byName['datagen-1-35'][4]).toBe('v1.35.0');
    expect(byName['worker-1'].slice(1, 3)).toEqual(['Ready', '<none>']);
    expect(byName['worker-1'][4]).toBe('v1.20.13');
    const list = sim.requests.filter((r) => r.path === '/api/v1/nodes' && r.method === 'GET').at(-1);
    expect(list).toMatchObject({ user: expected.user, auth: expected.auth, status: 200 });
    expect(list?.userAgent).toMatch(/^kubectl\/v1\.32\./);
  });

  it('get pods -A lists exactly the simulated pods', async () => {
    const result = await runKubectl(sim, ['get', 'pods', '-A'], { home: home.home, context });
    expect(result.code, result.stderr).toBe(0);
    const [header, ...lines] = rows(result.stdout);
    expect(header).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    const printed = lines.map((cells) => `${cells[0]}/${cells[1]}`).sort();
    const pods = sim.objects.list<Pod>('pods');
    expect(printed).toEqual(pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort());
    // The dump's pod that only has a sandbox cgroup is still creating its container.
    const creating = lines.find((cells) => cells[1] === 'e2e-container-creating');
    expect(creating?.slice(2, 4)).toEqual(['0/1', 'ContainerCreating']);
    const apiserver = lines.find((cells) => cells[1] === 'kube-apiserver-datagen-1-35');
    expect(apiserver?.slice(2, 4)).toEqual(['1/1', 'Running']);
    const withSidecar = lines.find((cells) => cells[1] === 'report');
    expect(withSidecar?.slice(2, 4)).toEqual(['2/2', 'Running']);
  });

  it('shows init containers and sidecars with their states, and the sidecar has a cgroup on its node', async () => {
    const result = await runKubectl(sim, ['get', 'pod', 'report', '-n', 'batch', '-o', 'jsonpath={range .status.initContainerStatuses[*]}{.name}={.state}{"\\n"}{end}'], { home: home.home, context });
    expect(result.code, result.stderr).toBe(0);
    const states = Object.fromEntries(result.stdout.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), JSON.parse(line.slice(line.indexOf('=') + 1)) as Record<string, { reason?: string }>]));
    expect(Object.keys(states)).toEqual(['fetch', 'log-shipper']);
    expect(states.fetch.terminated?.reason).toBe('Completed');
    expect(Object.keys(states['log-shipper'])).toEqual(['running']);
    const cadvisor = await runKubectl(sim, ['get', '--raw', '/api/v1/nodes/worker-1/proxy/metrics/cadvisor'], { home: home.home, context });
    expect(cadvisor.code, cadvisor.stderr).toBe(0);
    const lines = cadvisor.stdout.split('\n').filter((line) => line.startsWith('container_cpu_usage_seconds_total{') && line.includes('pod="report"'));
    expect(lines.some((line) => line.includes('container="log-shipper"'))).toBe(true);
    expect(lines.some((line) => line.includes('container="fetch"'))).toBe(false);
  });

  it('get svc -A lists services with their cluster IPs and ports', async () => {
    const result = await runKubectl(sim, ['get', 'svc', '-A'], { home: home.home, context });
    expect(result.code, result.stderr).toBe(0);
    const [header, ...lines] = table(result.stdout);
    expect(header.slice(0, 4)).toEqual(['NAMESPACE', 'NAME', 'TYPE', 'CLUSTER-IP']);
    const services = sim.objects.list<Service>('services');
    expect(lines.map((cells) => `${cells[0]}/${cells[1]}`).sort()).toEqual(services.map((s) => `${s.metadata.namespace}/${s.metadata.name}`).sort());
    const dns = rows(result.stdout).find((cells) => cells[1] === 'kube-dns');
    expect(dns).toEqual(['kube-system', 'kube-dns', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP,9153/TCP', expect.stringMatching(/^\d+[smh]/)]);
    const nginx = services.find((s) => s.metadata.name === 'nginx');
    expect(rows(result.stdout).find((cells) => cells[1] === 'nginx')?.slice(2, 6)).toEqual(['ClusterIP', nginx?.spec.clusterIP, '<none>', '80/TCP']);
  });

  it('get --raw of metrics/cadvisor through the node proxy is the recorded dump with live numbers', async () => {
    const before = Date.now();
    const first = await runKubectl(sim, ['get', '--raw', '/api/v1/nodes/datagen-1-35/proxy/metrics/cadvisor'], { home: home.home, context });
    expect(first.code, first.stderr).toBe(0);
    const second = await runKubectl(sim, ['get', '--raw', '/api/v1/nodes/datagen-1-35/proxy/metrics/cadvisor'], { home: home.home, context });
    expect(second.code, second.stderr).toBe(0);
    const after = Date.now();

    const recorded = parseExposition(readFileSync(fixturePath(DUMP), 'utf8'));
    const served = parseExposition(first.stdout);
    const later = parseExposition(second.stdout);
    // Structure: every HELP/TYPE line and every sample's name+labels, in order, byte for byte.
    expect(served.families.map((f) => f.header)).toEqual(recorded.families.map((f) => f.header));
    expect(served.families.map((f) => f.samples.map((s) => s.prefix))).toEqual(recorded.families.map((f) => f.samples.map((s) => s.prefix)));

    let advanced = 0;
    recorded.families.forEach((family, fi) => {
      family.samples.forEach((sample, si) => {
        const now = served.families[fi].samples[si];
        const next = later.families[fi].samples[si];
        if (sample.tsMs !== null) {
          // Timestamps moved to "now", keeping their spread (the dump's spans ~20 s).
          expect(now.tsMs).toBeGreaterThan(before - 60_000);
          expect(now.tsMs).toBeLessThanOrEqual(after);
        } else expect(now.tsMs).toBeNull();
        if (family.type === 'counter') {
          expect(now.value).toBeGreaterThanOrEqual(sample.value);
          expect(next.value).toBeGreaterThanOrEqual(now.value);
          if (next.value > now.value) advanced++;
        } else if (family.name !== 'container_start_time_seconds' && family.name !== 'container_last_seen') {
          expect(Object.is(now.value, sample.value) || now.value === sample.value, `${family.name} is a gauge and must keep its recorded value`).toBe(true);
        }
      });
    });
    expect(advanced).toBeGreaterThan(100);
    const rootCpu = (e: typeof served) => e.families.find((f) => f.name === 'container_cpu_usage_seconds_total')?.samples.find((s) => s.labelsText.includes('id="/"'))?.value ?? 0;
    expect(rootCpu(later)).toBeGreaterThan(rootCpu(served));
  });

  it('get pods -w sees a scale-out arrive and start', async () => {
    const watch = spawnKubectl(sim, ['get', 'pods', '-n', 'web', '-w'], { home: home.home, context });
    try {
      const before = sim.objects.list<Pod>('pods', 'web').map((p) => p.metadata.name);
      await waitFor(() => before.every((name) => watch.output().includes(name)), 15_000, () => `initial list not printed:\n${watch.output()}`);
      await sim.scaleDeployment('web', 'nginx', before.length + 1);
      const added = sim.objects.list<Pod>('pods', 'web').map((p) => p.metadata.name).filter((name) => !before.includes(name));
      expect(added).toHaveLength(1);
      await waitFor(() => watch.output().split('\n').some((line) => line.startsWith(added[0]) && /\s1\/1\s+Running\s/.test(line)), 15_000, () => `no Running line for ${added[0]}:\n${watch.output()}`);
      // It was seen before it ran, too.
      expect(watch.output().split('\n').some((line) => line.startsWith(added[0]) && /\s0\/1\s+(Pending|ContainerCreating)\s/.test(line))).toBe(true);
      const watchRequest = sim.requests.filter((r) => r.path === '/api/v1/namespaces/web/pods' && r.watch).at(-1);
      expect(watchRequest).toMatchObject({ user: expected.user, status: 200 });
      expect(watchRequest?.query).toMatch(/resourceVersion=\d+/);
    } finally {
      await watch.stop();
    }
  });
});

describe('kubectl across clusters', () => {
  it('the edge context reaches the second cluster and its different data', async () => {
    const result = await runKubectl(sim, ['get', 'nodes', '-o', 'wide'], { home: home.home, context: 'edge' });
    expect(result.code, result.stderr).toBe(0);
    const [, ...lines] = rows(result.stdout);
    expect(lines.map((cells) => cells[0])).toEqual(['minikube']);
    expect(result.stdout).toContain('v1.15.0');
    expect(result.stdout).toContain('docker://17.09.0-ce');
    expect(sim.second?.requests.some((r) => r.path === '/api/v1/nodes' && r.user === 'sim-token')).toBe(true);
    expect(sim.requests.filter((r) => r.path === '/api/v1/nodes' && r.query.includes('wide'))).toHaveLength(0);
  });

  it('unknown objects fail the way kubectl users know', async () => {
    const result = await runKubectl(sim, ['get', 'pod', 'does-not-exist', '-n', 'web'], { home: home.home });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error from server (NotFound): pods "does-not-exist" not found');
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number, describeFailure: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(describeFailure());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
