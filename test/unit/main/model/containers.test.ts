import { describe, expect, it } from 'vitest';
import { containerRows, CONTAINER_FAMILIES, isUnstampedCadvisorFamily, ksmContainerFacts } from '../../../../main/model/containers.js';
import { podFacts, type PodFacts } from '../../../../main/model/pod-facts.js';
import { readTargetWindows } from '../../../../main/model/store-window.js';
import { ScrapeDecoder } from '../../../../main/scrape/exposition/decoder.js';
import { readSamples } from '../../../../main/scrape/exposition/samples.js';
import { SeriesStore } from '../../../../main/store/series-store.js';
import { KUBELET_DUMPS, readFixture } from '../../../helpers/fixtures.js';

// The pod chosen from the real Kubernetes 1.35 dump (containerd, cgroupfs, cgroup v2):
// scraper/e2e-hpa-6cd8d99884-tggnr, container php-apache, CPU limit 0.5 (quota 50000 / period
// 100000), so it has CFS series; its sandbox (pause 3.10.1) holds the pod's eth0.
const DUMP = KUBELET_DUMPS[0];
const POD_ID = '/kubepods/burstable/pod3ea3ef66-5f89-43b7-b88b-6ee26f5b18a4';
const CONTAINER_ID = '77bb57d9a0006a5ac95a6fa541b2f2a646943143fe1d906aaf70a392d9a62b83';
const SANDBOX_ID = 'f8fc66b384c840c35c2b1389f7dc1a26febfe0f486ca1ec68541e64706472606';
const CONTAINER_LABELS = `container="php-apache",id="${POD_ID}/${CONTAINER_ID}",image="docker.io/library/nginx:alpine",name="${CONTAINER_ID}",namespace="scraper",pod="e2e-hpa-6cd8d99884-tggnr"`;
const SANDBOX_LABELS = (iface: string) =>
  `container="",id="${POD_ID}/${SANDBOX_ID}",image="registry.k8s.io/pause:3.10.1",interface="${iface}",name="${SANDBOX_ID}",namespace="scraper",pod="e2e-hpa-6cd8d99884-tggnr"`;

/** Replaces one exact line of the dump; fails loudly if the dump does not hold it. */
function replaceLine(text: string, from: string, to: string): string {
  const index = text.indexOf(`\n${from}\n`);
  if (index < 0) throw new Error(`line not in the dump: ${from}`);
  return text.slice(0, index + 1) + to + text.slice(index + 1 + from.length);
}

// Payload 1: the dump as recorded. These are its lines for the pod (values, ms timestamps):
//   php-apache  container_cpu_usage_seconds_total{cpu="total"}   0.024455  @ 1782468879821
//   php-apache  container_cpu_cfs_periods_total                  2         @ 1782468879821
//   php-apache  container_cpu_cfs_throttled_periods_total        0         @ 1782468879821
//   sandbox     container_network_receive_bytes_total{eth0}      446       @ 1782468866930
//   sandbox     container_network_transmit_bytes_total{eth0}     796       @ 1782468866930
// Payload 2, advanced by hand:
//   php-apache  CPU 0.024455 + 1.5 = 1.524455 s at 1782468879821 + 15000 = 1782468894821
//   php-apache  periods 2 + 150 = 152, throttled 0 + 30 = 30 at the same time
//   sandbox     rx 446 + 61440 = 61886, tx 796 + 12288 = 13084 at 1782468866930 + 12000 = 1782468878930
// Expected, by hand:
//   CPU        1.5 s / 15 s                   = 0.1 cores
//   throttled  30 / 150                        = 0.2
//   network rx 61440 B / 12 s                  = 5120 B/s
//   network tx 12288 B / 12 s                  = 1024 B/s
// Every other series keeps its value and timestamp, so it has no rate in payload 2.
const PAYLOAD_1 = readFixture('cadvisor', 'kubelet', DUMP);
let PAYLOAD_2 = PAYLOAD_1;
PAYLOAD_2 = replaceLine(PAYLOAD_2, `container_cpu_usage_seconds_total{${CONTAINER_LABELS.replace('id=', 'cpu="total",id=')}} 0.024455 1782468879821`, `container_cpu_usage_seconds_total{${CONTAINER_LABELS.replace('id=', 'cpu="total",id=')}} 1.524455 1782468894821`);
PAYLOAD_2 = replaceLine(PAYLOAD_2, `container_cpu_cfs_periods_total{${CONTAINER_LABELS}} 2 1782468879821`, `container_cpu_cfs_periods_total{${CONTAINER_LABELS}} 152 1782468894821`);
PAYLOAD_2 = replaceLine(PAYLOAD_2, `container_cpu_cfs_throttled_periods_total{${CONTAINER_LABELS}} 0 1782468879821`, `container_cpu_cfs_throttled_periods_total{${CONTAINER_LABELS}} 30 1782468894821`);
PAYLOAD_2 = replaceLine(PAYLOAD_2, `container_network_receive_bytes_total{${SANDBOX_LABELS('eth0')}} 446 1782468866930`, `container_network_receive_bytes_total{${SANDBOX_LABELS('eth0')}} 61886 1782468878930`);
PAYLOAD_2 = replaceLine(PAYLOAD_2, `container_network_transmit_bytes_total{${SANDBOX_LABELS('eth0')}} 796 1782468866930`, `container_network_transmit_bytes_total{${SANDBOX_LABELS('eth0')}} 13084 1782468878930`);
// The sandbox's other interfaces (tunnels, all 0) move to the same time so the sandbox is read at one instant.
for (const iface of ['erspan0', 'gre0', 'gretap0', 'ip6_vti0', 'ip6gre0', 'ip6tnl0', 'ip_vti0', 'sit0', 'tunl0']) {
  for (const direction of ['receive', 'transmit']) {
    PAYLOAD_2 = replaceLine(PAYLOAD_2, `container_network_${direction}_bytes_total{${SANDBOX_LABELS(iface)}} 0 1782468866930`, `container_network_${direction}_bytes_total{${SANDBOX_LABELS(iface)}} 0 1782468878930`);
  }
}

const KEY = 'scraper/e2e-hpa-6cd8d99884-tggnr/php-apache';

/** The pod as the API would show it: requests 200m / 64Mi, CPU limit 500m, 3 restarts, last one OOMKilled. */
const HPA_POD: PodFacts = podFacts({
  metadata: {
    name: 'e2e-hpa-6cd8d99884-tggnr',
    namespace: 'scraper',
    uid: '3ea3ef66-5f89-43b7-b88b-6ee26f5b18a4',
    ownerReferences: [{ kind: 'ReplicaSet', name: 'e2e-hpa-6cd8d99884', controller: true }],
  },
  spec: {
    nodeName: 'datagen-1-35',
    containers: [{ name: 'php-apache', image: 'docker.io/library/nginx:alpine', resources: { requests: { cpu: '200m', memory: '64Mi' }, limits: { cpu: '500m' } } }],
  },
  status: {
    phase: 'Running',
    qosClass: 'Burstable',
    containerStatuses: [{ name: 'php-apache', containerID: `containerd://${CONTAINER_ID}`, restartCount: 3, state: { running: {} }, lastState: { terminated: { reason: 'OOMKilled' } } }],
  },
});

describe('containerRows on two payloads of the real 1.35 kubelet dump', () => {
  const current = { tsMs: 1782468900000, samples: readSamples(PAYLOAD_2, 'text') };
  const previous = { tsMs: 1782468885000, samples: readSamples(PAYLOAD_1, 'text') };

  it('computes CPU, throttling and the sandbox network of the pod as by hand', () => {
    const rows = containerRows({ node: 'datagen-1-35', window: { current, previous }, pods: [] });
    const row = rows.find((candidate) => candidate.key === KEY);
    expect(row).toBeDefined();
    expect(row!.cpuCores).toBeCloseTo(0.1, 12);
    expect(row!.throttledShare).toBeCloseTo(0.2, 12);
    expect(row!.networkRxBytesPerSec).toBeCloseTo(5120, 9);
    expect(row!.networkTxBytesPerSec).toBeCloseTo(1024, 9);
    // Gauges straight from payload 2 (container_memory_working_set_bytes 1.1624448e+07; quota/period 50000/100000).
    expect(row!.memoryWorkingSetBytes).toBe(11624448);
    expect(row!.cpuLimitCores).toBe(0.5);
    // Not from the spec (no pods given): memory limit 0 in cAdvisor means unlimited.
    expect(row!.memoryLimitBytes).toBeNull();
    expect(row!.cpuRequestCores).toBeNull();
    expect(row!.resourcesFrom).toBeNull();
    // The container cgroup was read twice (its samples share one timestamp); its block writes did
    // not move (12288 B in both), so 0 B/s — reported as zero, because it was measured.
    expect(row!.fsWriteBytesPerSec).toBe(0);
    expect(row!.measured).toBe(true);
    // A cgroup whose samples kept their timestamps was read once: no rate, null rather than 0.
    const coredns = rows.find((candidate) => candidate.key === 'kube-system/coredns-7d764666f9-qdcxt/coredns');
    expect(coredns?.cpuCores).toBeNull();
    expect(coredns?.networkRxBytesPerSec).toBeNull();
  });

  it('gives the same figures when both payloads go through the series store', () => {
    const store = new SeriesStore();
    const decoder = new ScrapeDecoder();
    const targetLabels = { job: 'kubernetes-nodes-cadvisor', instance: 'datagen-1-35', kubernetes_io_hostname: 'datagen-1-35' };
    for (const [tsMs, text] of [
      [1782468885000, PAYLOAD_1],
      [1782468900000, PAYLOAD_2],
    ] as const) {
      store.appendScrape({ targetId: 'cadvisor-1', targetLabels, tsMs, honorTimestamps: true, decoded: decoder.decode(text, 'text'), report: { up: 1, durationSeconds: 0.1, samplesScraped: 1 } });
    }
    const windows = readTargetWindows(store, new Map([['cadvisor-1', targetLabels]]), CONTAINER_FAMILIES, 60_000, 1782468900000, { unstamped: isUnstampedCadvisorFamily });
    const rows = containerRows({ node: 'datagen-1-35', window: windows.get('cadvisor-1'), pods: [] });
    const row = rows.find((candidate) => candidate.key === KEY)!;
    expect(row.cpuCores).toBeCloseTo(0.1, 12);
    expect(row.throttledShare).toBeCloseTo(0.2, 12);
    expect(row.networkRxBytesPerSec).toBeCloseTo(5120, 9);
    expect(row.networkTxBytesPerSec).toBeCloseTo(1024, 9);
    expect(row.memoryWorkingSetBytes).toBe(11624448);
  });

  it('joins the pod spec by container id: requests and limits from the spec, restarts and OOM from the status', () => {
    const rows = containerRows({ node: 'datagen-1-35', window: { current, previous }, pods: [HPA_POD], controllerOf: (_ns, owner) => (owner.kind === 'ReplicaSet' ? { kind: 'Deployment', name: 'e2e-hpa' } : owner) });
    const row = rows.find((candidate) => candidate.key === KEY)!;
    expect(row).toMatchObject({
      cpuRequestCores: 0.2,
      cpuLimitCores: 0.5,
      memoryRequestBytes: 64 * 1024 * 1024,
      memoryLimitBytes: null,
      restarts: 3,
      lastTerminationReason: 'OOMKilled',
      state: 'running',
      ownerKind: 'Deployment',
      ownerName: 'e2e-hpa',
      qosClass: 'Burstable',
      resourcesFrom: 'pod-spec',
      node: 'datagen-1-35',
    });
    expect(row.cpuCores).toBeCloseTo(0.1, 12);
    // Exactly one row for the container (no pod-cgroup or sandbox row beside it).
    expect(rows.filter((candidate) => candidate.pod === 'e2e-hpa-6cd8d99884-tggnr').map((candidate) => candidate.container)).toEqual(['php-apache']);
  });
});

describe('containerRows on every real kubelet dump', () => {
  it.each([
    // [dump, container rows (app containers; sandboxes and pod cgroups excluded), pods with rows]
    [KUBELET_DUMPS[0], 17, 17],
    [KUBELET_DUMPS[1], 15, 15],
    [KUBELET_DUMPS[2], 15, 15],
    [KUBELET_DUMPS[3], 12, 8],
  ])('%s: one row per application container, never a sandbox', (dump, containers, pods) => {
    const samples = readSamples(readFixture('cadvisor', 'kubelet', dump), 'text');
    const rows = containerRows({ node: 'n', window: { current: { tsMs: 0, samples } }, pods: [] });
    expect(rows).toHaveLength(containers);
    expect(new Set(rows.map((row) => `${row.namespace}/${row.pod}`)).size).toBe(pods);
    expect(rows.some((row) => row.container === 'POD' || row.container === '')).toBe(false);
    // One reading: no rates, but gauges are there.
    expect(rows.every((row) => row.cpuCores === null && row.networkRxBytesPerSec === null)).toBe(true);
    expect(rows.every((row) => row.memoryWorkingSetBytes !== null && row.memoryWorkingSetBytes > 0)).toBe(true);
  });

  it('reads the pre-1.16 pod_name/container_name labels (1.15 dump)', () => {
    const samples = readSamples(readFixture('cadvisor', 'kubelet', KUBELET_DUMPS[3]), 'text');
    const rows = containerRows({ node: 'n', window: { current: { tsMs: 0, samples } }, pods: [] });
    // container_memory_working_set_bytes{container_name="kube-state-metrics",pod_name="kube-state-metrics-57f4659995-6n2qq"} 1.9468288e+07
    const row = rows.find((candidate) => candidate.key === 'kube-system/kube-state-metrics-57f4659995-6n2qq/kube-state-metrics');
    expect(row?.memoryWorkingSetBytes).toBe(19468288);
    // Guaranteed: quota 10100 / period 100000 = 0.101 cores; memory limit 102 MiB = 106954752 bytes.
    expect(row?.cpuLimitCores).toBeCloseTo(0.101, 12);
    expect(row?.memoryLimitBytes).toBe(106954752);
  });
});

describe('pods without a cgroup and host-network pods', () => {
  const samples = readSamples(readFixture('cadvisor', 'kubelet', DUMP), 'text');

  it('lists a spec container the kubelet does not report, unmeasured, with its requests', () => {
    const waiting = podFacts({
      metadata: { name: 'web-0', namespace: 'web', uid: 'u-1' },
      spec: { nodeName: 'datagen-1-35', containers: [{ name: 'app', image: 'app:1', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '2Gi' } } }] },
      status: { phase: 'Pending', containerStatuses: [{ name: 'app', restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
    });
    const rows = containerRows({ node: 'datagen-1-35', window: { current: { tsMs: 0, samples } }, pods: [waiting] });
    expect(rows.find((row) => row.key === 'web/web-0/app')).toMatchObject({
      measured: false,
      cpuCores: null,
      memoryWorkingSetBytes: null,
      cpuRequestCores: 1,
      memoryRequestBytes: 1024 ** 3,
      memoryLimitBytes: 2 * 1024 ** 3,
      restarts: 7,
      state: 'waiting',
      stateReason: 'CrashLoopBackOff',
    });
  });

  it('gives a host-network pod no network figures (its sandbox shows the node’s eth0)', () => {
    // etcd-datagen-1-35 is a static pod (cgroup named after its config hash 07bd11a0…) on the host network.
    const etcd = podFacts({
      metadata: { name: 'etcd-datagen-1-35', namespace: 'kube-system', uid: 'mirror-uid', annotations: { 'kubernetes.io/config.mirror': '07bd11a0a13dfe5450a17a39eb8e32d2' } },
      spec: { nodeName: 'datagen-1-35', hostNetwork: true, containers: [{ name: 'etcd', resources: { requests: { cpu: '100m', memory: '100Mi' } } }] },
      status: { phase: 'Running', qosClass: 'Burstable' },
    });
    const previous = { tsMs: 0, samples };
    const current = { tsMs: 1, samples: readSamples(PAYLOAD_2.replaceAll('1782468866', '1782468876'), 'text') };
    const rows = containerRows({ node: 'datagen-1-35', window: { current, previous }, pods: [etcd] });
    const row = rows.find((candidate) => candidate.key === 'kube-system/etcd-datagen-1-35/etcd')!;
    expect(row.measured).toBe(true);
    expect(row.networkRxBytesPerSec).toBeNull();
    expect(row.networkNote).toMatch(/host network/);
    expect(row.cpuRequestCores).toBeCloseTo(0.1, 12);
  });
});

describe('init containers and sidecars', () => {
  const samples = readSamples(readFixture('cadvisor', 'kubelet', DUMP), 'text');
  // The dump's php-apache container recast as a native sidecar (KEP-753) of its pod, beside an app
  // container the kubelet has not started and an init container that is done.
  const pod = podFacts({
    metadata: { name: 'e2e-hpa-6cd8d99884-tggnr', namespace: 'scraper', uid: '3ea3ef66-5f89-43b7-b88b-6ee26f5b18a4' },
    spec: {
      nodeName: 'datagen-1-35',
      initContainers: [
        { name: 'migrate', image: 'migrate:1' },
        { name: 'php-apache', image: 'docker.io/library/nginx:alpine', restartPolicy: 'Always', resources: { requests: { cpu: '200m' } } },
        { name: 'wait-for-db', image: 'busybox:1' },
      ],
      containers: [{ name: 'app', image: 'app:1' }],
    },
    status: {
      phase: 'Pending',
      qosClass: 'Burstable',
      initContainerStatuses: [
        { name: 'migrate', restartCount: 0, state: { terminated: { reason: 'Completed' } } },
        { name: 'php-apache', containerID: `containerd://${CONTAINER_ID}`, restartCount: 0, state: { running: {} } },
        { name: 'wait-for-db', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } },
      ],
      containerStatuses: [{ name: 'app', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
    },
  });
  const rows = containerRows({ node: 'datagen-1-35', window: { current: { tsMs: 0, samples } }, pods: [pod] });

  it('lists a sidecar with its role and its own cgroup’s figures', () => {
    expect(rows.find((row) => row.key === KEY)).toMatchObject({ role: 'sidecar', measured: true, cpuRequestCores: 0.2, state: 'running' });
  });

  it('lists an init container still at work, and leaves out one that completed', () => {
    expect(rows.find((row) => row.key === 'scraper/e2e-hpa-6cd8d99884-tggnr/wait-for-db')).toMatchObject({ role: 'init', measured: false, restarts: 4, stateReason: 'CrashLoopBackOff' });
    expect(rows.find((row) => row.container === 'migrate')).toBeUndefined();
    expect(rows.find((row) => row.container === 'app')).toMatchObject({ role: 'app', state: 'waiting' });
  });

  it('has no role for a container cgroup no pod spec names', () => {
    const stray = containerRows({ node: 'datagen-1-35', window: { current: { tsMs: 0, samples } }, pods: [] });
    expect(stray.find((row) => row.key === KEY)?.role).toBeNull();
  });
});

describe('ksmContainerFacts', () => {
  it('reads requests, limits and restarts from the real KSM 2.19 scrape', () => {
    const samples = readSamples(readFixture('kube-state-metrics', 'ksm-v2.19.0_k8s-1.35_minikube.prom'), 'text');
    const facts = ksmContainerFacts(samples);
    // kube_pod_container_resource_requests{…container="coredns"…resource="cpu",unit="core"} 0.1
    // kube_pod_container_resource_limits{…container="coredns"…resource="memory",unit="byte"} 1.7825792e+08
    const coredns = [...facts.entries()].find(([key]) => key.startsWith('kube-system/coredns-') && key.endsWith('/coredns'))?.[1];
    expect(coredns?.cpuRequestCores).toBe(0.1);
    expect(coredns?.memoryLimitBytes).toBe(178257920);
    expect(coredns?.cpuLimitCores).toBeNull();
    expect(coredns?.restarts).toBe(0);
  });
});
