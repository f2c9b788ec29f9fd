/**
 * The cgroup model on the four complete real kubelet /metrics/cadvisor dumps and the issue snippets
 * (../shared/fixtures/SOURCES.md §2a, §2c). Every expected number below was counted by hand from the
 * dump with grep/awk (distinct `id` label values, pod cgroups per QoS, children of each pod and their
 * `container`/`image` labels, sums of the pod cgroups' working set and CPU seconds) — never with
 * the code under test.
 */
import { describe, expect, it } from 'vitest';
import { computeCgroupFigures, summarizeTree, unaccountedPath, type CgroupSummaryNode } from '../../../../../main/model/cgroup/figures.js';
import { buildCgroupTree, walkCgroupTree, type CgroupNode, type CgroupTree } from '../../../../../main/model/cgroup/tree.js';
import { readSamples } from '../../../../../main/scrape/exposition/samples.js';
import { KUBELET_DUMPS, readFixture } from '../../../../helpers/fixtures.js';

type PodRow = [uid: string, qos: string, name: string, containers: string[], sandboxes: number];

interface DumpExpectation {
  file: (typeof KUBELET_DUMPS)[number];
  driver: 'systemd' | 'cgroupfs';
  ids: number;
  /** Levels that hold reported cgroups but are not in the dump themselves. */
  unreported: string[];
  pods: PodRow[];
  podsCpuUsageSeconds: number;
  podsMemoryWorkingSetBytes: number;
}

const DUMPS: DumpExpectation[] = [
  {
    file: 'k8s-1.35_minikube_containerd-2.2.1_cgroupfs_cgroupv2.prom',
    driver: 'cgroupfs',
    ids: 58,
    unreported: ['/system.slice'],
    podsCpuUsageSeconds: 28.159121,
    podsMemoryWorkingSetBytes: 528420864,
    pods: [
      ['081d040e-c94b-41ea-8278-eb12903ddd99', 'besteffort', 'kube-system/storage-provisioner', ['storage-provisioner'], 1],
      ['52e6202b-d247-4d4d-8ff5-809b6d8b292e', 'besteffort', 'scraper/e2e-kube-state-metrics-75b885dc9-97mtr', ['kube-state-metrics'], 1],
      ['559f50c7-6133-4901-a283-262ff4358722', 'besteffort', 'scraper/e2e-scraper-5f97dc94d8-vkcjl', ['e2e-scraper'], 1],
      ['90565722-42c8-4f10-a59b-c8fc6571e86d', 'besteffort', 'kube-system/kube-proxy-8k9zt', ['kube-proxy'], 1],
      ['07bd11a0a13dfe5450a17a39eb8e32d2', 'burstable', 'kube-system/kube-scheduler-datagen-1-35', ['kube-scheduler'], 1],
      ['36447428-81f8-45eb-b825-414de2e8012b', 'burstable', 'kube-system/coredns-7d764666f9-qdcxt', ['coredns'], 1],
      ['3ea3ef66-5f89-43b7-b88b-6ee26f5b18a4', 'burstable', 'scraper/e2e-hpa-6cd8d99884-tggnr', ['php-apache'], 1],
      ['45b528af-fb82-4e96-8103-b9da1194dd36', 'burstable', 'scraper/e2e-daemonset-kb65b', ['compute-pi-digits'], 1],
      ['4aa017de-86c6-41cd-b4ad-21b66575685c', 'burstable', 'scraper/e2e-deployment-79967c5968-zjslc', ['compute-pi-digits'], 1],
      ['5e5613d6-fccb-40d6-967b-447697d4d871', 'burstable', 'kube-system/metrics-server-9d74bb658-c6nnt', ['metrics-server'], 1],
      ['8ac8c3a9ee4d182b8d934f20e971ada7', 'burstable', 'kube-system/kube-apiserver-datagen-1-35', ['kube-apiserver'], 1],
      ['b5812e37-ce78-41e2-9d8d-d93a88e481d6', 'burstable', 'scraper/e2e-statefulset-0', ['compute-pi-digits'], 1],
      ['b74071bf-fab2-44d0-9850-55ff20eda8c3', 'burstable', 'scraper/e2e-statefulset-1', ['compute-pi-digits'], 1],
      ['da59f36e-a7a8-46ed-8d9d-36392eb967d4', 'burstable', 'scraper/e2e-deployment-79967c5968-8bnn8', ['compute-pi-digits'], 1],
      ['e9afcd8d3c942968802548f9a24d942a', 'burstable', 'kube-system/kube-controller-manager-datagen-1-35', ['kube-controller-manager'], 1],
      ['eaf7d48161d81d9c3359e1c008571fd6', 'burstable', 'kube-system/etcd-datagen-1-35', ['etcd'], 1],
      ['567cc614-001a-402b-99fd-3d1f8db83f30', 'guaranteed', 'scraper/e2e-container-creating', [], 1],
      ['ebb73de1-03ec-4c34-bda3-bb8a44f01c2b', 'guaranteed', 'kube-system/kindnet-zkpn8', ['kindnet-cni'], 1],
    ],
  },
  {
    file: 'k8s-1.20_minikube-docker-desktop_docker-20.10.20_systemd_cgroupv2.prom',
    driver: 'systemd',
    ids: 53,
    unreported: ['/system.slice'],
    podsCpuUsageSeconds: 48.625484,
    podsMemoryWorkingSetBytes: 504303616,
    pods: [
      ['055bf7cd-7fe5-4624-a1b6-13fc5a0df388', 'besteffort', 'kube-system/kube-proxy-92d98', ['kube-proxy'], 1],
      ['125e8062-a918-4429-90d5-0e8d04b8f0e9', 'besteffort', 'scraper/e2e-statefulset-0', ['busybox'], 1],
      ['3367ed51-3643-495f-a7ec-72a0ebfa92f2', 'besteffort', 'scraper/e2e-depl-6f56b84795-llfsb', ['busybox'], 1],
      ['6048a2fd-e327-4435-9068-bfe303d8a3b2', 'besteffort', 'scraper/e2e-scraper-9c979498b-xmkjp', ['e2e-scraper'], 1],
      ['698b773c-8ec7-41d6-b223-209f9474e5fe', 'besteffort', 'scraper/e2e-ds-r68bk', ['busybox'], 1],
      ['bc1cb7d2-d0ff-4f90-8c77-dd3328ae6a4d', 'besteffort', 'scraper/e2e-statefulset-1', ['busybox'], 1],
      ['cfa108a3-9f12-4cce-aadf-71452bc59b78', 'besteffort', 'kube-system/storage-provisioner', ['storage-provisioner'], 1],
      ['d3f739f6-4562-4fb1-9bf3-040ba01d6ba2', 'besteffort', 'scraper/e2e-kube-state-metrics-656b58448f-nxqd8', ['kube-state-metrics'], 1],
      ['4753c81e740b13cd7bee9c421c5d6dbd', 'burstable', 'kube-system/kube-apiserver-minikube', ['kube-apiserver'], 1],
      ['67bcf1ee-a136-4180-b6ed-d7b2729d255d', 'burstable', 'kube-system/metrics-server-7f7b77f87c-7h7r2', ['metrics-server'], 1],
      ['959b05ff-c3ef-4b29-bacb-12d1baf3bf68', 'burstable', 'scraper/e2e-hpa-557f895878-r9c22', ['php-apache'], 1],
      ['d3f25fd7-6192-4908-80c4-8ca391768d8b', 'burstable', 'kube-system/coredns-74ff55c5b-mptck', ['coredns'], 1],
      ['f39b1c6b5920e90b0a223f3fa847da3f', 'burstable', 'kube-system/kube-scheduler-minikube', ['kube-scheduler'], 1],
      ['f858e491bfebe2d909e92d2691b574ae', 'burstable', 'kube-system/kube-controller-manager-minikube', ['kube-controller-manager'], 1],
      ['fdf343f18285bfd826fdb0a8403cc1a4', 'burstable', 'kube-system/etcd-minikube', ['etcd'], 1],
      ['22d41fe2-20a3-44f0-97e6-24f2d8811751', 'guaranteed', 'scraper/e2e-container-creating', [], 1],
    ],
  },
  {
    file: 'k8s-1.20_minikube-vm_docker-20.10.8_systemd_cgroupv1.prom',
    driver: 'systemd',
    ids: 52,
    unreported: ['/system.slice'],
    podsCpuUsageSeconds: 46.606167243,
    podsMemoryWorkingSetBytes: 465678336,
    pods: [
      ['02c306fc-967b-49b1-b2ca-c72df21b0983', 'besteffort', 'scraper/e2e-kube-state-metrics-58cd7587c9-bcm25', ['kube-state-metrics'], 1],
      ['301dcf17-9e17-406a-8190-202b6c05f738', 'besteffort', 'kube-system/kube-proxy-k858g', ['kube-proxy'], 1],
      ['32979bd9-06f0-486b-b1fa-b1050999dc47', 'besteffort', 'scraper/e2e-depl-6f56b84795-wpv8z', ['busybox'], 1],
      ['7b87f6e4-eac5-4140-b5ec-373f039094a9', 'besteffort', 'scraper/e2e-statefulset-0', ['busybox'], 1],
      ['9b435ed7-acaa-465c-9441-e5ed5d652919', 'besteffort', 'scraper/e2e-statefulset-1', ['busybox'], 1],
      ['bcd6c1e5-84bb-44d3-bfba-bbf4691c5d43', 'besteffort', 'kube-system/storage-provisioner', ['storage-provisioner'], 1],
      ['ceaeda64-2f27-4476-8eb2-8fe285a0026e', 'besteffort', 'scraper/e2e-ds-f9mwj', ['busybox'], 1],
      ['d18890f1-c7c4-4b8b-a201-684ea2c00f8a', 'besteffort', 'scraper/e2e-scraper-9c979498b-4v495', ['e2e-scraper'], 1],
      ['0c002831-2984-4691-b41f-6e56c23c0b76', 'burstable', 'kube-system/metrics-server-7894db45f8-sr6mr', ['metrics-server'], 1],
      ['616f3c2c09b3150be276d2743fe43ea6', 'burstable', 'kube-system/kube-scheduler-minikube', ['kube-scheduler'], 1],
      ['873d4bd8-c3b1-423d-a5f0-1ff83e8f5c3a', 'burstable', 'scraper/e2e-hpa-557f895878-rh5qh', ['php-apache'], 1],
      ['8c2011ea677d7c79d92e2623a6c4680b', 'burstable', 'kube-system/kube-apiserver-minikube', ['kube-apiserver'], 1],
      ['ad507269-eebe-438e-8d8b-560c85b065c3', 'burstable', 'kube-system/coredns-74ff55c5b-t8kzs', ['coredns'], 1],
      ['ae8347c5bf5d7364c5003dacb840d52a', 'burstable', 'kube-system/kube-controller-manager-minikube', ['kube-controller-manager'], 1],
      ['e0bed00e51c88df78351fae5306e9e51', 'burstable', 'kube-system/etcd-minikube', ['etcd'], 1],
      // Still being created: the pod cgroup exists, no sandbox yet.
      ['e0286f52-9d69-4fad-9cb9-0c54b193e753', 'guaranteed', 'scraper/e2e-container-creating', [], 0],
    ],
  },
  {
    file: 'k8s-1.15_minikube-vm_docker-17.09_cgroupfs_cgroupv1.prom',
    driver: 'cgroupfs',
    ids: 72,
    unreported: [],
    podsCpuUsageSeconds: 1478.244236265,
    podsMemoryWorkingSetBytes: 299048960,
    pods: [
      ['ba8b34d7-11a3-11e8-a084-080027352a02', 'besteffort', 'kube-system/storage-provisioner', ['storage-provisioner'], 1],
      ['baf6f16f-11a3-11e8-a084-080027352a02', 'besteffort', 'kube-system/kubernetes-dashboard-77d8b98585-mtjld', ['kubernetes-dashboard'], 1],
      ['bb142c1b-11a3-11e8-a084-080027352a02', 'besteffort', 'kube-system/heapster-5mz5f', ['heapster'], 1],
      ['bb233a6b-11a3-11e8-a084-080027352a02', 'besteffort', 'kube-system/influxdb-grafana-rsmwp', ['grafana', 'influxdb'], 1],
      ['bb3b914c-11a3-11e8-a084-080027352a02', 'burstable', 'kube-system/kube-dns-54cccfbdf8-dznm7', ['dnsmasq', 'kubedns', 'sidecar'], 1],
      ['c4c3188325a93a2d7fb1714e1abf1259', 'burstable', 'kube-system/kube-addon-manager-minikube', ['kube-addon-manager'], 1],
      ['de945f2d-2c30-11e8-b185-080027352a02', 'burstable', 'kube-system/newrelic-infra-rz225', ['newrelic-infra'], 1],
      ['f89b6c09-11a3-11e8-a084-080027352a02', 'guaranteed', 'kube-system/kube-state-metrics-57f4659995-6n2qq', ['addon-resizer', 'kube-state-metrics'], 1],
    ],
  },
];

function nodes(tree: CgroupTree): CgroupNode[] {
  const all: CgroupNode[] = [];
  walkCgroupTree(tree.root, (node) => all.push(node));
  return all;
}

function findSummary(root: CgroupSummaryNode, path: string): CgroupSummaryNode | undefined {
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop() as CgroupSummaryNode;
    if (node.path === path) return node;
    stack.push(...node.children);
  }
  return undefined;
}

const loaded = new Map<string, ReturnType<typeof readSamples>>();
function samplesOf(...parts: string[]) {
  const key = parts.join('/');
  let samples = loaded.get(key);
  if (!samples) {
    samples = readSamples(readFixture(...parts), 'text');
    loaded.set(key, samples);
  }
  return samples;
}

it('covers all four complete kubelet dumps', () => {
  expect(DUMPS.map((dump) => dump.file).sort()).toEqual([...KUBELET_DUMPS].sort());
});

describe.each(DUMPS)('kubelet dump $file', (dump) => {
  const samples = () => samplesOf('cadvisor', 'kubelet', dump.file);

  it('has every cgroup id exactly once, plus only the expected unreported levels', () => {
    const tree = buildCgroupTree({ samples: samples() });
    const all = nodes(tree);
    const paths = all.map((node) => node.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(all.filter((node) => node.isReported).length).toBe(dump.ids);
    expect(all.filter((node) => !node.isReported).map((node) => node.path)).toEqual(dump.unreported);
    expect(tree.driver).toBe(dump.driver);
  });

  it('has every pod UID once, as a pod under the right QoS, with named containers and its sandbox marked', () => {
    const tree = buildCgroupTree({ samples: samples() });
    const pods = nodes(tree).filter((node) => node.kind === 'pod');
    const rows: PodRow[] = pods.map((pod) => {
      expect(pod.isReported).toBe(true);
      const parent = tree.byPath.get(pod.path.slice(0, pod.path.lastIndexOf('/')) || '/') as CgroupNode;
      // QoS from the tree's shape: a QoS level above, or directly under kubepods for Guaranteed.
      const shapeQos = parent.kind === 'qos' ? parent.qos : parent.kind === 'slice' && parent.segment?.name === 'kubepods' ? 'guaranteed' : 'misplaced';
      expect(pod.qos).toBe(shapeQos);
      const containers = pod.children.filter((child) => child.kind === 'container');
      for (const container of containers) {
        expect(container.container?.name, container.path).toBeTruthy();
        expect(container.name).toBe(container.container?.name);
        expect(container.pod?.uid).toBe(pod.pod?.uid);
      }
      expect(pod.children.every((child) => child.kind === 'container' || child.kind === 'sandbox')).toBe(true);
      return [
        pod.pod?.uid ?? '',
        shapeQos ?? '',
        pod.name,
        containers.map((container) => container.container?.name ?? '').sort(),
        pod.children.filter((child) => child.kind === 'sandbox').length,
      ];
    });
    const byUid = (a: PodRow, b: PodRow) => (a[0] < b[0] ? -1 : 1);
    expect(rows.sort(byUid)).toEqual([...dump.pods].sort(byUid));
  });

  it('counts each pod once in the totals (the pod cgroup, not pod + sandbox + containers)', () => {
    const tree = buildCgroupTree({ samples: samples() });
    const summary = summarizeTree(tree, computeCgroupFigures({ tsMs: 0, samples: samples() }));
    const containers = dump.pods.reduce((sum, pod) => sum + pod[3].length, 0);
    const sandboxes = dump.pods.reduce((sum, pod) => sum + pod[4], 0);
    expect(summary.totals.pods).toBe(dump.pods.length);
    expect(summary.totals.containers).toBe(containers);
    expect(summary.totals.sandboxes).toBe(sandboxes);
    expect(summary.totals.podsCpuUsageSeconds).toBeCloseTo(dump.podsCpuUsageSeconds, 6);
    expect(summary.totals.podsMemoryWorkingSetBytes).toBe(dump.podsMemoryWorkingSetBytes);
    // One reading: rates are absent, not zero.
    expect(summary.totals.podsCpuCores).toBeNull();
  });
});

describe('kubelet dump details', () => {
  it('1.35 (containerd, cgroupfs, v2): one pod in full, and the unaccounted rows', () => {
    const samples = samplesOf('cadvisor', 'kubelet', 'k8s-1.35_minikube_containerd-2.2.1_cgroupfs_cgroupv2.prom');
    const tree = buildCgroupTree({ samples });
    const figures = computeCgroupFigures({ tsMs: 0, samples });
    const pod = '/kubepods/burstable/pod3ea3ef66-5f89-43b7-b88b-6ee26f5b18a4';
    const sandbox = `${pod}/f8fc66b384c840c35c2b1389f7dc1a26febfe0f486ca1ec68541e64706472606`;
    const app = `${pod}/77bb57d9a0006a5ac95a6fa541b2f2a646943143fe1d906aaf70a392d9a62b83`;
    expect(tree.byPath.get(sandbox)).toMatchObject({ kind: 'sandbox', container: { image: 'registry.k8s.io/pause:3.10.1' } });
    expect(tree.byPath.get(app)).toMatchObject({ kind: 'container', name: 'php-apache', container: { image: 'docker.io/library/nginx:alpine' } });
    expect(figures.get(pod)).toMatchObject({ cpuUsageSeconds: 0.032669, memoryWorkingSetBytes: 11878400, cpuLimitCores: 0.5, memoryLimitBytes: null, oomEvents: 0 });
    expect(figures.get(app)).toMatchObject({ cpuUsageSeconds: 0.024455, memoryWorkingSetBytes: 11624448, cpuLimitCores: 0.5 });
    expect(figures.get(sandbox)).toMatchObject({ cpuUsageSeconds: 0.008213, memoryWorkingSetBytes: 196608, cpuLimitCores: null });

    const summary = summarizeTree(tree, figures);
    // Pod: 0.032669 − (0.008213 + 0.024455) = 0.000001 s and 11878400 − 11821056 = 57344 B: under the thresholds.
    expect(findSummary(summary.root, unaccountedPath(pod))).toBeUndefined();
    // /kubepods: 32.254311 − (0.892584 + 26.304227 + 0.058914 + 0.129818) = 4.868768 s; memory children exceed it → 0.
    const kubepods = findSummary(summary.root, unaccountedPath('/kubepods'));
    expect(kubepods?.figures?.cpuUsageSeconds).toBeCloseTo(4.868768, 6);
    expect(kubepods?.figures?.memoryWorkingSetBytes).toBe(0);
    // /: 62.148052 − 32.254311 (system.slice is not in the dump, so only kubepods counts) and 917110784 − 528191488.
    const root = findSummary(summary.root, unaccountedPath('/'));
    expect(root?.figures?.cpuUsageSeconds).toBeCloseTo(29.893741, 6);
    expect(root?.figures?.memoryWorkingSetBytes).toBe(388919296);
  });

  it('1.15 (docker, cgroupfs, v1): per-CPU usage summed, \\x2d escapes undone for display, system units classified', () => {
    const samples = samplesOf('cadvisor', 'kubelet', 'k8s-1.15_minikube-vm_docker-17.09_cgroupfs_cgroupv1.prom');
    const tree = buildCgroupTree({ samples });
    const swap = tree.byPath.get('/system.slice/dev-disk-by\\x2duuid-ecac9a1b\\x2de16e\\x2d4a9f\\x2d832e\\x2d5259f0237a6c.swap');
    expect(swap).toMatchObject({ kind: 'other', name: 'dev-disk-by-uuid-ecac9a1b-e16e-4a9f-832e-5259f0237a6c.swap', isReported: true });
    expect(tree.byPath.get('/system.slice/docker.service')?.kind).toBe('service');
    expect(tree.byPath.get('/system.slice/system-getty.slice')?.kind).toBe('slice');
    expect(tree.byPath.get('/init.scope')?.kind).toBe('scope');
    expect(tree.byPath.get('/user.slice')?.kind).toBe('slice');
    // id="/": cpu00 2284.306110618 + cpu01 (read from the dump by hand).
    const root = computeCgroupFigures({ tsMs: 0, samples }).get('/');
    const perCpu = samples.filter((sample) => sample.name === 'container_cpu_usage_seconds_total' && sample.labels.id === '/');
    expect(perCpu.map((sample) => sample.labels.cpu)).toEqual(['cpu00', 'cpu01']);
    expect(root?.cpuUsageSeconds).toBeCloseTo(perCpu[0].value + perCpu[1].value, 9);
    expect(perCpu[0].value).toBe(2284.306110618);
  });
});

describe('issue snippets', () => {
  it('k3s parts 1 and 2 (systemd, containerd): pods known only through their containers, a sandbox, a service', () => {
    const samples = [
      ...samplesOf('cadvisor', 'issue-snippets', 'k3s-v1.32-1.33_systemd_containerd_rancher-39185_part1.prom'),
      ...samplesOf('cadvisor', 'issue-snippets', 'k3s-v1.32-1.33_systemd_containerd_k3s-473_part2.prom'),
    ];
    const tree = buildCgroupTree({ samples });
    const all = nodes(tree);
    expect(all.filter((node) => node.isReported).length).toBe(7);
    const besteffortPod = '/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0424a739_74d9_46f1_ba60_b5dcefb83545.slice';
    const burstablePod = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-poda2fc3cbb_2db0_4954_9890_3dc51d74092c.slice';
    expect(tree.byPath.get(besteffortPod)).toMatchObject({ kind: 'pod', qos: 'besteffort', isReported: true, name: 'calico-system/csi-node-driver-cw5mj' });
    expect(tree.byPath.get(`${besteffortPod}/cri-containerd-7d924b29ef7dfeb7d40ca7a5c7ede6ff080fa22db6649b27e069ff2ab3ac91b2.scope`)).toMatchObject({
      kind: 'container',
      name: 'calico-csi',
      container: { runtime: 'containerd', image: 'docker.io/calico/csi:v3.29.6' },
      pod: { uid: '0424a739-74d9-46f1-ba60-b5dcefb83545', name: 'csi-node-driver-cw5mj', namespace: 'calico-system' },
    });
    // Part 2 has the promtail sandbox but not its pod or QoS cgroup: they appear, unreported.
    expect(tree.byPath.get(burstablePod)).toMatchObject({ kind: 'pod', qos: 'burstable', isReported: false, name: 'logging/promtail-qmjtj' });
    expect(tree.byPath.get('/kubepods.slice/kubepods-burstable.slice')).toMatchObject({ kind: 'qos', isReported: false });
    expect(tree.byPath.get(`${burstablePod}/cri-containerd-a45aeeeb2fb0cc85ff346b965f103a97d27342d153a8a53447c380aabdbbc336.scope`)).toMatchObject({
      kind: 'sandbox',
      container: { image: 'docker.io/rancher/mirrored-pause:3.6' },
    });
    expect(tree.byPath.get('/system.slice/k3s.service')).toMatchObject({ kind: 'service', isReported: true });
    expect(computeCgroupFigures({ tsMs: 0, samples }).get(besteffortPod)?.cpuUsageSeconds).toBe(16.21603);
  });

  it('unsuffixed 64-hex container leaves under systemd slices (google/cadvisor#2630)', () => {
    const samples = samplesOf('cadvisor', 'issue-snippets', 'kubelet_systemd-slices_unsuffixed-container-leaf_cadvisor-2630.prom');
    const tree = buildCgroupTree({ samples });
    const first = '/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podfa92a330f4b025479d8e2f1804482b69.slice/547ab08695706f15aa0c9f9c7e2b85bb74cba534d35f5873dbeff33d19cd25f1';
    const second = '/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod6562aee042678445f5e8efa586df5701.slice/3ff5d0c605659a8c6a5a319b51f9095174f35e700faa6e6d78045f6309bbdea3';
    expect(tree.byPath.get(first)).toMatchObject({ kind: 'container', name: 'init-container-1', container: { runtime: 'unknown' }, pod: { uid: 'fa92a330f4b025479d8e2f1804482b69', name: 'pod1-ubuntu1604-di-persional1' }, qos: 'besteffort' });
    // Named "linux-pause-2" but labelled as a container with an alpine image: not a sandbox.
    expect(tree.byPath.get(second)).toMatchObject({ kind: 'container', name: 'linux-pause-2' });
    expect(nodes(tree).filter((node) => node.isReported).map((node) => node.path).sort()).toEqual(['/', '/kubepods.slice', second, first].sort());
    expect(tree.driver).toBe('systemd');
    expect(computeCgroupFigures({ tsMs: 0, samples }).get('/')?.cpuUsageSeconds).toBe(30704.992268458);
  });

  it('containerd scope from kubernetes/kubernetes#129253', () => {
    const samples = samplesOf('cadvisor', 'issue-snippets', 'kubelet_systemd_containerd_aarch64_kubernetes-129253.prom');
    const tree = buildCgroupTree({ samples });
    const path = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-poddc35e999_4467_45c5_92ee_4dd4ae8baa2c.slice/cri-containerd-104d1007f522b9efb6ab12384082efc8ff218652b1898d9db208a6ea2712c873.scope';
    expect(tree.byPath.get(path)).toMatchObject({ kind: 'container', name: 'qk-sandbox-elf-service', container: { runtime: 'containerd' }, qos: 'burstable' });
    expect(computeCgroupFigures({ tsMs: 0, samples }).get(path)?.memoryWorkingSetBytes).toBe(1.470353408e9);
  });
});
